// A broker histogram as Kafka's server reports it (Yammer Metrics 2.2, e.g. the TotalTimeMs of
// kafka.network:type=RequestMetrics): Count, Min, Max, Mean over every value since creation and
// the 50th, 75th, 95th, 98th, 99th and 99.9th percentiles, interpolated as Yammer's Snapshot does
// (position q * (n + 1) in the sorted values).
//
// Deviation, on purpose: Yammer takes percentiles from a random sample biased towards the last five
// minutes; klab keeps the exact distribution (simulated times take few distinct values, so a count
// per value is small) and needs no random numbers, which would disturb the seeded simulation.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "metrics/metric_sample.hpp"

namespace klab {

class Histogram {
 public:
  void update(int64_t value);
  int64_t count() const { return count_; }
  double min() const { return count_ == 0 ? 0.0 : static_cast<double>(min_); }
  double max() const { return count_ == 0 ? 0.0 : static_cast<double>(max_); }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_); }
  double percentile(double quantile) const;  // 0.0 when empty
  void publish(const std::string& group, const std::string& name,
               const std::vector<std::pair<std::string, std::string>>& tags, std::vector<MetricSample>& out) const;

 private:
  int64_t value_at(int64_t index) const;  // the index-th smallest value (0-based)

  int64_t count_ = 0, sum_ = 0, min_ = 0, max_ = 0;
  std::map<int64_t, int64_t> counts_;  // value -> how many times it was seen
};

}  // namespace klab
