#include "client/consumer_metrics.hpp"

#include <algorithm>

namespace klab {

void ConsumerMetrics::record_partition(TimeMs now, const std::string& topic, int32_t partition, int64_t records,
                                       int64_t bytes, int64_t lag) {
  if (records > 0 || bytes > 0) {
    records_.record(now, static_cast<double>(records));
    bytes_.record(now, static_cast<double>(bytes));
    auto it = topics_.find(topic);
    if (it == topics_.end()) it = topics_.emplace(topic, TopicSensors(window_)).first;
    it->second.records.record(now, static_cast<double>(records));
    it->second.bytes.record(now, static_cast<double>(bytes));
  }
  lag_.record(now, static_cast<double>(lag));
  auto it = partitions_.find({topic, partition});
  if (it == partitions_.end()) it = partitions_.emplace(PartitionKey{topic, partition}, PartitionSensors(window_)).first;
  it->second.lag.record(now, static_cast<double>(lag));
  it->second.latest_lag = lag;
}

void ConsumerMetrics::retain(const std::vector<PartitionKey>& assigned) {
  std::erase_if(partitions_, [&](const auto& entry) {
    return std::find(assigned.begin(), assigned.end(), entry.first) == assigned.end();
  });
}

std::vector<std::pair<std::string, double>> ConsumerMetrics::snapshot(TimeMs now) const {
  return {
      {"bytes-consumed-rate", bytes_.rate(now)},
      {"bytes-consumed-total", bytes_.total()},
      {"fetch-rate", fetches_.count_rate(now)},
      {"fetch-total", static_cast<double>(fetches_.total_count())},
      {"records-consumed-rate", records_.rate(now)},
      {"records-consumed-total", records_.total()},
      {"records-lag-max", lag_.max(now)},
  };
}

void ConsumerMetrics::publish(TimeMs now, const std::string& client_id, std::vector<MetricSample>& out) const {
  const std::string group = "consumer-fetch-manager-metrics";
  const std::vector<std::pair<std::string, std::string>> client = {{"client-id", client_id}};
  for (auto& [name, value] : snapshot(now)) out.push_back(MetricSample{group, std::move(name), client, value});
  for (const auto& [topic, sensors] : topics_) {
    const std::vector<std::pair<std::string, std::string>> tags = {{"client-id", client_id}, {"topic", topic}};
    out.push_back(MetricSample{group, "bytes-consumed-rate", tags, sensors.bytes.rate(now)});
    out.push_back(MetricSample{group, "bytes-consumed-total", tags, sensors.bytes.total()});
    out.push_back(MetricSample{group, "records-consumed-rate", tags, sensors.records.rate(now)});
    out.push_back(MetricSample{group, "records-consumed-total", tags, sensors.records.total()});
  }
  for (const auto& [key, sensors] : partitions_) {
    const std::vector<std::pair<std::string, std::string>> tags = {
        {"client-id", client_id}, {"topic", key.first}, {"partition", std::to_string(key.second)}};
    out.push_back(MetricSample{group, "records-lag", tags, static_cast<double>(sensors.latest_lag)});
    out.push_back(MetricSample{group, "records-lag-avg", tags, sensors.lag.avg(now)});
    out.push_back(MetricSample{group, "records-lag-max", tags, sensors.lag.max(now)});
  }
}

}  // namespace klab
