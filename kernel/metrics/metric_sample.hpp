// One reading of a metric as Kafka names it: the JMX group or metrics group ("kafka.server:type=
// ReplicaManager", "producer-metrics"), the metric name ("UnderReplicatedPartitions",
// "record-send-rate") and the tags Kafka puts on it (broker, topic, partition, client-id).
//
// A broker metric with several JMX attributes (a Yammer meter or histogram) gives one sample per
// attribute: the plain name carries its Count ("BytesInPerSec", "TotalTimeMs"), "Name.Attribute"
// the others ("BytesInPerSec.OneMinuteRate", "TotalTimeMs.99thPercentile"); a gauge's plain name
// carries its Value. A client metric (Kafka's metrics library) has one value per name.
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
