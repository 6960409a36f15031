// Broker configs as a Kafka 3.7 broker serves them over the wire: which of klab's broker keys Kafka
// can change at runtime (DynamicBrokerConfig.AllDynamicConfigs), their synonyms
// (DynamicBrokerConfig.brokerConfigSynonyms: log.roll.ms/hours, log.retention.ms/minutes/hours),
// and the legacy AlterConfigs on a broker resource.
//
// klab's brokers share one configuration, so dynamic configs are the cluster-wide default only
// (Kafka's DYNAMIC_DEFAULT_BROKER_CONFIG, the resource with an empty name); a per-broker dynamic
// change (the resource named by a broker id) is refused, naming why.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "cluster/cluster.hpp"

namespace klab::broker {

bool is_dynamic_broker_config(std::string_view name);
// The names whose values stand for `name`, most specific first (`name` itself among them).
std::vector<std::string_view> broker_config_synonyms(std::string_view name);
// Kafka's check of a broker resource name: an integer equal to `self`. `what` opens the message for a
// name that is not an integer ("Node id" for AlterConfigs, "Broker id" for DescribeConfigs).
Status check_broker_name(const std::string& name, BrokerId self, std::string_view what,
                         std::string_view expected_suffix = "");
// The legacy AlterConfigs on a broker resource: replaces the dynamic set with `entries`.
Status alter_dynamic_broker_config(Cluster& cluster, const ConfigEntries& entries, bool cluster_default,
                                   bool validate_only);

}  // namespace klab::broker
