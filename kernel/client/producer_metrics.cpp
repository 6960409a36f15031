#include "client/producer_metrics.hpp"

namespace klab {

ProducerMetrics::ProducerMetrics(MetricWindow window)
    : window_(window), batch_size_(window), compression_rate_(window), queue_time_(window),
      records_per_request_(window), bytes_sent_(window), request_latency_(window), retries_(window), errors_(window) {}

ProducerMetrics::TopicSensors& ProducerMetrics::topic_sensors(const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) it = topics_.emplace(topic, TopicSensors(window_)).first;
  return it->second;
}

void ProducerMetrics::record_batch(TimeMs now, const std::string& topic, int32_t size_bytes, double compression_ratio,
                                   int64_t queue_time_ms, int32_t records) {
  batch_size_.record(now, size_bytes);
  compression_rate_.record(now, compression_ratio);
  queue_time_.record(now, static_cast<double>(queue_time_ms));
  TopicSensors& sensors = topic_sensors(topic);
  sensors.records.record(now, records);
  sensors.bytes.record(now, size_bytes);
  sensors.compression.record(now, compression_ratio);
}

void ProducerMetrics::record_request(TimeMs now, int32_t records, int64_t bytes) {
  records_per_request_.record(now, records);
  bytes_sent_.record(now, static_cast<double>(bytes));
}

void ProducerMetrics::record_retry(TimeMs now, const std::string& topic, int32_t records) {
  retries_.record(now, records);
  topic_sensors(topic).retries.record(now, records);
}

void ProducerMetrics::record_error(TimeMs now, const std::string& topic, int32_t records) {
  errors_.record(now, records);
  topic_sensors(topic).errors.record(now, records);
}

std::vector<std::pair<std::string, double>> ProducerMetrics::snapshot(TimeMs now) const {
  return {
      {"batch-size-avg", batch_size_.avg(now)},
      {"batch-size-max", batch_size_.max(now)},
      {"compression-rate-avg", compression_rate_.avg(now)},
      {"outgoing-byte-rate", bytes_sent_.rate(now)},
      {"outgoing-byte-total", bytes_sent_.total()},
      {"record-error-rate", errors_.rate(now)},
      {"record-error-total", errors_.total()},
      {"record-queue-time-avg", queue_time_.avg(now)},
      {"record-queue-time-max", queue_time_.max(now)},
      {"record-retry-rate", retries_.rate(now)},
      {"record-retry-total", retries_.total()},
      {"record-send-rate", records_per_request_.rate(now)},
      {"record-send-total", records_per_request_.total()},
      {"records-per-request-avg", records_per_request_.avg(now)},
      {"request-latency-avg", request_latency_.avg(now)},
      {"request-latency-max", request_latency_.max(now)},
      {"request-rate", bytes_sent_.count_rate(now)},
      {"request-size-avg", bytes_sent_.avg(now)},
      {"request-size-max", bytes_sent_.max(now)},
      {"request-total", static_cast<double>(bytes_sent_.total_count())},
  };
}

void ProducerMetrics::publish(TimeMs now, const std::string& client_id, std::vector<MetricSample>& out) const {
  for (auto& [name, value] : snapshot(now))
    out.push_back(MetricSample{"producer-metrics", std::move(name), {{"client-id", client_id}}, value});
  for (const auto& [topic, sensors] : topics_) {
    const std::vector<std::pair<std::string, std::string>> tags = {{"client-id", client_id}, {"topic", topic}};
    const std::pair<const char*, double> values[] = {
        {"byte-rate", sensors.bytes.rate(now)},
        {"byte-total", sensors.bytes.total()},
        {"compression-rate", sensors.compression.avg(now)},
        {"record-error-rate", sensors.errors.rate(now)},
        {"record-error-total", sensors.errors.total()},
        {"record-retry-rate", sensors.retries.rate(now)},
        {"record-retry-total", sensors.retries.total()},
        {"record-send-rate", sensors.records.rate(now)},
        {"record-send-total", sensors.records.total()},
    };
    for (const auto& [name, value] : values) out.push_back(MetricSample{"producer-topic-metrics", name, tags, value});
  }
}

}  // namespace klab
