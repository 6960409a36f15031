// The metrics Kafka's Java producer reports, on the simulated clock and windowed as Kafka's metrics
// library windows them (WindowedStat: metrics.num.samples windows of metrics.sample.window.ms, by
// default 2 x 30 s; a rate divides by at least one whole window, so a producer that sent 1000
// records in its first 5 s shows record-send-rate = 1000 / 35 s, as on a real client).
//   producer-metrics        {client-id}         record-send-rate/-total, records-per-request-avg,
//       request-rate/-total, outgoing-byte-rate/-total, request-size-avg/-max, request-latency-avg/
//       -max, batch-size-avg/-max, compression-rate-avg, record-queue-time-avg/-max,
//       record-retry-rate/-total, record-error-rate/-total
//   producer-topic-metrics  {client-id, topic}  record-send-rate/-total, byte-rate/-total,
//       compression-rate, record-retry-rate/-total, record-error-rate/-total
// Recording only adds to the current sample; figures are computed when someone reads them.
// An average with no samples is NaN, as Kafka's Avg reports it.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/scheduler.hpp"
#include "metrics/metric_sample.hpp"
#include "metrics/windowed_stat.hpp"

namespace klab {

class ProducerMetrics {
 public:
  explicit ProducerMetrics(MetricWindow window);

  // One batch in a produce request (retries count again, as in Kafka's Sender).
  void record_batch(TimeMs now, const std::string& topic, int32_t size_bytes, double compression_ratio,
                    int64_t queue_time_ms, int32_t records);
  // One produce request leaving: its records and its size in bytes.
  void record_request(TimeMs now, int32_t records, int64_t bytes);
  // A produce response arrived `latency_ms` after its request left (acks=0 has none).
  void record_latency(TimeMs now, int64_t latency_ms) { request_latency_.record(now, static_cast<double>(latency_ms)); }
  void record_retry(TimeMs now, const std::string& topic, int32_t records);
  void record_error(TimeMs now, const std::string& topic, int32_t records);

  // producer-metrics as (name, value) pairs sorted by name: batch-size-avg, batch-size-max, ...
  std::vector<std::pair<std::string, double>> snapshot(TimeMs now) const;
  // Both groups, tagged with `client_id`, for the cluster's MetricsRegistry.
  void publish(TimeMs now, const std::string& client_id, std::vector<MetricSample>& out) const;

 private:
  struct TopicSensors {
    explicit TopicSensors(MetricWindow window) : records(window), bytes(window), compression(window),
                                                 retries(window), errors(window) {}
    WindowedStat records, bytes, compression, retries, errors;
  };
  TopicSensors& topic_sensors(const std::string& topic);

  MetricWindow window_;
  WindowedStat batch_size_, compression_rate_, queue_time_, records_per_request_, bytes_sent_,
      request_latency_, retries_, errors_;
  std::map<std::string, TopicSensors, std::less<>> topics_;
};

}  // namespace klab
