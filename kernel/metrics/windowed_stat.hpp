// A client sensor as Kafka's own metrics library keeps it (org.apache.kafka.common.metrics, used by
// the Java producer and consumer): each recorded value lands in the current sample; a sample covers
// metrics.sample.window.ms (default 30000) from its first value, and metrics.num.samples (default 2)
// samples count, plus one being recycled. From one sensor come Kafka's stats:
//   avg  = sum / count over the live samples (NaN with none, as Kafka's Avg)
//   max  = largest value in the live samples (NaN with none)
//   rate = sum / window (Rate over WindowedSum; "record-send-rate"), count_rate = count / window
//          (Rate over WindowedCount; "request-rate"), where window = now - start of the oldest live
//          sample, raised to (samples - 1) whole windows when shorter: a producer 5 s old with the
//          defaults divides by 35 s, as Kafka 3.7's Rate.windowSize does.
//   total, total_count = cumulative, for the "-total" metrics.
// A sample is live while now - its start < samples * window (Kafka's purgeObsoleteSamples).
// Kafka purges by resetting samples when measured; klab measures without changing anything, so a
// client's figures do not depend on how often anyone collects them (a documented deviation that
// only shows when a sample goes stale between records).
#pragma once
#include <cstdint>
#include <vector>

#include "base/scheduler.hpp"

namespace klab {

struct MetricWindow {
  int64_t window_ms = 30000;  // metrics.sample.window.ms
  int32_t samples = 2;        // metrics.num.samples
};

class WindowedStat {
 public:
  explicit WindowedStat(MetricWindow window = {}) : window_(window) {}

  void record(TimeMs now, double value);
  double avg(TimeMs now) const;
  double max(TimeMs now) const;
  double rate(TimeMs now) const;        // values per second
  double count_rate(TimeMs now) const;  // records per second
  double total() const { return total_; }
  int64_t total_count() const { return total_count_; }

 private:
  struct Sample {
    TimeMs start_ms = 0;
    int64_t count = 0;
    double sum = 0;
    double max = 0;
  };
  bool live(const Sample& sample, TimeMs now) const {
    return now - sample.start_ms < window_.window_ms * window_.samples;
  }
  double window_seconds(TimeMs now) const;

  MetricWindow window_;
  std::vector<Sample> samples_;
  std::size_t current_ = 0;
  double total_ = 0;
  int64_t total_count_ = 0;
};

}  // namespace klab
