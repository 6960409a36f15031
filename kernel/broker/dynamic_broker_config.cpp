#include "broker/dynamic_broker_config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace klab::broker {
namespace {

// The keys of klab's broker catalog that are in Kafka 3.7's DynamicBrokerConfig.AllDynamicConfigs:
// the broker synonyms of topic configs (DynamicLogConfig) and the log cleaner's backoff (LogCleaner).
constexpr std::array<std::string_view, 15> kDynamic = {
    "compression.type",
    "log.cleaner.backoff.ms",
    "log.cleaner.delete.retention.ms",
    "log.cleaner.max.compaction.lag.ms",
    "log.cleaner.min.cleanable.ratio",
    "log.cleaner.min.compaction.lag.ms",
    "log.cleanup.policy",
    "log.message.timestamp.type",
    "log.retention.bytes",
    "log.retention.ms",
    "log.roll.ms",
    "log.segment.bytes",
    "message.max.bytes",
    "min.insync.replicas",
    "unclean.leader.election.enable",
};

Status invalid_request(std::string message) { return make_error(ErrorCode::INVALID_REQUEST, std::move(message)); }

}  // namespace

bool is_dynamic_broker_config(std::string_view name) {
  return std::find(kDynamic.begin(), kDynamic.end(), name) != kDynamic.end();
}

std::vector<std::string_view> broker_config_synonyms(std::string_view name) {
  if (name == "log.roll.ms" || name == "log.roll.hours") return {"log.roll.ms", "log.roll.hours"};
  if (name == "log.retention.ms" || name == "log.retention.minutes" || name == "log.retention.hours")
    return {"log.retention.ms", "log.retention.minutes", "log.retention.hours"};
  return {name};
}

Status check_broker_name(const std::string& name, BrokerId self, std::string_view what,
                         std::string_view expected_suffix) {
  int32_t id = 0;
  const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), id);
  if (error != std::errc() || end != name.data() + name.size())
    return invalid_request(fmt::format("{} must be an integer, but it is: {}", what, name));
  if (id != self)
    return invalid_request(fmt::format("Unexpected broker id, expected {}{}, but received {}", self, expected_suffix, name));
  return ok_status();
}

Status alter_dynamic_broker_config(Cluster& cluster, const ConfigEntries& entries, bool cluster_default,
                                   bool validate_only) {
  std::vector<std::string> fixed, unknown;
  for (const auto& [name, value] : entries) {
    if (!broker_config_catalog().find(name))
      unknown.push_back(name);
    else if (!is_dynamic_broker_config(name))
      fixed.push_back(name);
  }
  // DynamicBrokerConfig.validateConfigs names the offending keys as a Scala Set.
  if (!fixed.empty())
    return invalid_request(fmt::format("Cannot update these configs dynamically: Set({})", fmt::join(fixed, ", ")));
  if (!unknown.empty())
    return invalid_request(fmt::format("klab does not model the broker config(s) {}", fmt::join(unknown, ", ")));
  if (!cluster_default) {
    if (entries.empty()) return ok_status();  // this broker has no dynamic configs of its own to clear
    return invalid_request(
        "klab's brokers share one configuration: alter the cluster-wide default (the broker resource with an "
        "empty name) instead of one broker's");
  }
  Status set = cluster.set_dynamic_broker_config(entries, validate_only);
  // ConfigAdminManager.validateBrokerConfigChange turns every validation failure into INVALID_REQUEST.
  if (!set) return invalid_request(set.error().message);
  return set;
}

}  // namespace klab::broker
