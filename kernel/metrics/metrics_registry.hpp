// Where every part of a simulation publishes its metrics: the cluster's brokers and controller,
// each producer and consumer. A source is asked for its readings only when someone collects them
// (c:metrics(), the inspector's sampler), so an idle registry costs nothing on the hot paths.
// One registry per Cluster (no global state); a source unregisters itself when its owner dies.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "base/scheduler.hpp"
#include "metrics/metric_sample.hpp"

namespace klab {

class MetricsRegistry {
 public:
  using Source = std::function<void(TimeMs now, std::vector<MetricSample>& out)>;
  using SourceId = int64_t;

  SourceId add_source(Source source);
  void remove_source(SourceId id);
  // Every source's readings at `now`, sources in the order they were added.
  std::vector<MetricSample> collect(TimeMs now) const;

 private:
  std::map<SourceId, Source> sources_;
  SourceId next_id_ = 1;
};

}  // namespace klab
