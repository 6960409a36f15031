// AlterConfigs, versions 0-1 (v1: the same as v0), as a Kafka 3.7 KRaft broker answers it.
// The legacy (non-incremental) AlterConfigs REPLACES a resource's whole override set: a topic's
// overrides the request does not name are removed (they read the broker default again), through
// Cluster::alter_topic_config. validate_only runs every check and changes nothing.
// Checks, in Kafka's order (ConfigAdminManager.preprocess on the broker, then the controller's
// ConfigurationControlManager): a resource named twice, a config key named twice and a null value are
// INVALID_REQUEST; a resource type other than topic or broker is INVALID_REQUEST; a topic's unknown
// key or bad value is INVALID_CONFIG; a missing topic UNKNOWN_TOPIC_OR_PARTITION.
// Broker resources: the name is empty (the cluster-wide default) or this broker's id. Keys Kafka
// cannot change dynamically are INVALID_REQUEST ("Cannot update these configs dynamically: ...");
// the dynamic ones klab models are applied by Cluster::set_dynamic_broker_config (dynamic_broker_config.hpp).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "broker/dynamic_broker_config.hpp"
#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

constexpr int8_t kTopicResource = 2, kBrokerResource = 4;

using Resource = protocol::AlterConfigsRequest::AlterConfigsResource;

Status invalid_request(std::string message) { return make_error(ErrorCode::INVALID_REQUEST, std::move(message)); }

// ConfigAdminManager.preprocess: what the broker refuses before the controller sees the request.
Status preprocess(const Resource& resource) {
  std::set<std::string> names;
  for (const auto& config : resource.configs)
    if (!names.insert(config.name).second) return invalid_request("Error due to duplicate config keys");
  std::vector<std::string> nulls;
  for (const auto& config : resource.configs)
    if (!config.value) nulls.push_back(config.name);
  if (!nulls.empty()) return invalid_request(fmt::format("Null value not supported for : {}", fmt::join(nulls, ", ")));
  if (resource.resource_type != kTopicResource && resource.resource_type != kBrokerResource)
    return invalid_request(fmt::format("Unknown resource type {}", resource.resource_type));
  return ok_status();
}

Status alter_topic(Cluster& cluster, const Resource& resource, bool validate_only) {
  if (resource.resource_name.empty()) return invalid_request("Default topic resources are not allowed.");
  ConfigEntries entries;
  for (const auto& config : resource.configs) {
    if (!topic_config_catalog().find(config.name))
      return make_error(ErrorCode::INVALID_CONFIG, fmt::format("Unknown topic config name: {}", config.name));
    entries.emplace_back(config.name, ConfigInput{*config.value});
  }
  ConfigSet check(topic_config_catalog());
  if (Status valid = check.set_all(entries); !valid) return valid;
  Topic* topic = cluster.find_topic(resource.resource_name);
  if (!topic)
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("The topic '{}' does not exist.", resource.resource_name));
  std::vector<std::string> remove;  // every override not named: the legacy API replaces the set
  for (const auto& [name, value] : topic->config.explicit_values())
    if (!std::any_of(entries.begin(), entries.end(), [&](const auto& entry) { return entry.first == name; }))
      remove.push_back(name);
  return cluster.alter_topic_config(resource.resource_name, entries, remove, validate_only);
}

Status alter_broker(Request& request, const Resource& resource, bool validate_only) {
  if (!resource.resource_name.empty()) {
    if (Status named = check_broker_name(resource.resource_name, request.broker(), "Node id"); !named) return named;
  }
  ConfigEntries entries;
  for (const auto& config : resource.configs) entries.emplace_back(config.name, ConfigInput{*config.value});
  return alter_dynamic_broker_config(request.cluster(), entries, resource.resource_name.empty(), validate_only);
}

}  // namespace

void handle(const RequestPtr& request, const protocol::AlterConfigsRequest& body) {
  std::map<std::pair<int8_t, std::string>, int> seen;
  for (const auto& resource : body.resources) ++seen[{resource.resource_type, resource.resource_name}];
  protocol::AlterConfigsResponse response;
  for (const auto& resource : body.resources) {
    auto& out = response.responses.emplace_back();
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    out.error_message = std::nullopt;
    Status altered = seen[{resource.resource_type, resource.resource_name}] > 1
                         ? invalid_request("Each resource must appear at most once.")
                         : preprocess(resource);
    if (altered) {
      altered = resource.resource_type == kTopicResource ? alter_topic(request->cluster(), resource, body.validate_only)
                                                         : alter_broker(*request, resource, body.validate_only);
    }
    if (altered) continue;
    out.error_code = static_cast<int16_t>(altered.error().code);
    out.error_message = altered.error().message;
  }
  request->respond(response);
}

}  // namespace klab::broker
