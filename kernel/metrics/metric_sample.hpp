// One reading of a metric as Kafka names it: the JMX group or metrics group ("kafka.server:type=
// ReplicaManager", "producer-metrics"), the metric name ("UnderReplicatedPartitions",
// "record-send-rate") and the tags Kafka puts on it (broker, topic, partition, client-id).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace klab {

struct MetricSample {
  std::string group;
  std::string name;
  std::vector<std::pair<std::string, std::string>> tags;  // in the order Kafka lists them
  double value = 0;
};

}  // namespace klab
