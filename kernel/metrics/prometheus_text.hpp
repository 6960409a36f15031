// Metric samples in Prometheus' text exposition format (version 0.0.4), named as the Prometheus JMX
// exporter names Kafka's MBeans with the rules Kafka deployments copy from its example config
// (kafka-2_0_0.yml, lowercaseOutputName: true):
//
//   Yammer meter, Count    kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=t
//                          -> kafka_server_brokertopicmetrics_bytesin_total{broker="1",topic="t"} counter
//                          ("PerSec" dropped, "_total" added; the rate attributes are not exported:
//                          Prometheus computes rates itself, rate(..._total[1m]))
//   Yammer gauge           kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions
//                          -> kafka_server_replicamanager_underreplicatedpartitions{broker="1"} gauge
//   Yammer histogram/timer kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce
//                          -> kafka_network_requestmetrics_totaltimems_count{...} counter and
//                             kafka_network_requestmetrics_totaltimems{...,quantile="0.99"} gauge
//                          (Min, Max, Mean and the meter rates of a timer are not exported)
//   client metric          producer-metrics record-send-rate, client-id=p
//                          -> kafka_producer_producer_metrics_record_send_rate{client_id="p"} gauge
//                          (consumer groups -> kafka_consumer_...; a "-total" metric is a counter)
//
// The `broker` label stands for the scraped broker (Prometheus' instance label on a real cluster,
// where every broker has its own JMX endpoint). Tag names become label names with every character
// outside [a-zA-Z0-9_] turned into '_' (client-id -> client_id); label values are escaped (\\, \",
// \n). Each metric family gets one HELP and one TYPE line, its samples together, in the order the
// family first appears.
#pragma once
#include <string>
#include <vector>

#include "base/scheduler.hpp"
#include "metrics/metric_sample.hpp"

namespace klab {

std::string prometheus_text(const std::vector<MetricSample>& samples, TimeMs now);

// The pieces, for tests and the help text.
// `counted`: the sample is the Count of a meter or histogram (it has "Name.Attribute" siblings).
// "" when the sample is not exported (a meter's rates, a histogram's Min, Max and Mean).
std::string prometheus_metric_name(const MetricSample& sample, bool counted);
std::string prometheus_label_name(const std::string& tag);
std::string prometheus_escape_label_value(const std::string& value);

}  // namespace klab
