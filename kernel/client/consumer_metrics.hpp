// The fetch metrics Kafka's Java consumer reports (group consumer-fetch-manager-metrics), windowed
// as Kafka's metrics library windows them (WindowedStat: metrics.num.samples windows of
// metrics.sample.window.ms):
//   {client-id}                    fetch-rate/-total, records-consumed-rate/-total,
//                                  bytes-consumed-rate/-total, records-lag-max
//   {client-id, topic}             records-consumed-rate/-total, bytes-consumed-rate/-total
//   {client-id, topic, partition}  records-lag (the latest), records-lag-avg, records-lag-max
// klab's consumer reads the log directly; one fetch is one pass of poll() over its assigned
// partitions, counted once per partition leader it read from (a fetch request per broker, as the
// Java consumer sends). A partition's lag is recorded at each fetch of it: its high watermark
// minus the consumer's position after the records handed to the application, as Kafka records it.
// A partition's metrics go when it leaves the assignment, as Kafka removes them.
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

class ConsumerMetrics {
 public:
  using PartitionKey = std::pair<std::string, int32_t>;  // topic, partition

  explicit ConsumerMetrics(MetricWindow window) : window_(window), fetches_(window), records_(window),
                                                  bytes_(window), lag_(window) {}

  void record_fetch(TimeMs now) { fetches_.record(now, 1); }
  // What one fetch of one partition gave the application, and the lag it left.
  void record_partition(TimeMs now, const std::string& topic, int32_t partition, int64_t records, int64_t bytes,
                        int64_t lag);
  // Forgets the partitions not in `assigned`.
  void retain(const std::vector<PartitionKey>& assigned);
  // The client-level metrics, sorted by name.
  std::vector<std::pair<std::string, double>> snapshot(TimeMs now) const;
  void publish(TimeMs now, const std::string& client_id, std::vector<MetricSample>& out) const;

 private:
  struct TopicSensors {
    explicit TopicSensors(MetricWindow window) : records(window), bytes(window) {}
    WindowedStat records, bytes;
  };
  struct PartitionSensors {
    explicit PartitionSensors(MetricWindow window) : lag(window) {}
    WindowedStat lag;
    int64_t latest_lag = 0;
  };

  MetricWindow window_;
  WindowedStat fetches_, records_, bytes_, lag_;
  std::map<std::string, TopicSensors> topics_;
  std::map<PartitionKey, PartitionSensors> partitions_;
};

}  // namespace klab
