// The producer-metrics Kafka's Java producer reports that explain throughput, computed on the
// simulated clock. Averages and maxima are over every batch or request since the producer was
// created; rates are totals over the simulated seconds since then. (Kafka's own rates and
// averages are windowed: metrics.num.samples=2 windows of metrics.sample.window.ms=30000. Over a
// lab's run of a few simulated seconds a lifetime figure is what a student can check by hand.)
// An average with no samples is NaN, as Kafka's Avg stat reports it.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/scheduler.hpp"

namespace klab {

class ProducerMetrics {
 public:
  explicit ProducerMetrics(TimeMs created_ms) : created_ms_(created_ms) {}

  // One batch in a produce request (retries count again, as in Kafka's Sender).
  void record_batch(int32_t size_bytes, float compression_ratio, int64_t queue_time_ms, int32_t records);
  void record_request(int32_t records, int64_t bytes);
  void record_error(int32_t records) { record_errors_ += records; }
  void record_retry(int32_t records) { record_retries_ += records; }

  // (name, value) pairs sorted by name: batch-size-avg, compression-rate-avg, outgoing-byte-rate, ...
  std::vector<std::pair<std::string, double>> snapshot(TimeMs now) const;

 private:
  TimeMs created_ms_;
  int64_t batches_ = 0;
  int64_t batch_bytes_ = 0;
  int32_t batch_bytes_max_ = 0;
  double compression_ratio_sum_ = 0;
  int64_t queue_time_sum_ = 0;
  int64_t queue_time_max_ = 0;
  int64_t records_sent_ = 0;
  int64_t requests_ = 0;
  int64_t request_records_ = 0;
  int64_t request_bytes_ = 0;
  int64_t record_errors_ = 0;
  int64_t record_retries_ = 0;
};

}  // namespace klab
