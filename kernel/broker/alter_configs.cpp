// AlterConfigs, versions 0-1 (v1: the same as v0): sets a topic's overrides through
// Cluster::alter_topic_config; validate_only checks without changing. Unlike Kafka's legacy
// AlterConfigs, keys not named keep their overrides (klab's cluster has no "remove override" yet).
// Broker configs are static in klab: altering one is INVALID_REQUEST, named.
#include <fmt/format.h>

#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

constexpr int8_t kTopicResource = 2;

Status alter(Cluster& cluster, const auto& resource, bool validate_only) {
  if (resource.resource_type != kTopicResource)
    return make_error(ErrorCode::INVALID_REQUEST,
                      fmt::format("klab serves AlterConfigs for topics only, not resource type {}.", resource.resource_type));
  Topic* topic = cluster.find_topic(resource.resource_name);
  if (!topic)
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("Topic '{}' does not exist.", resource.resource_name));
  ConfigEntries entries;
  for (const auto& config : resource.configs)
    if (config.value) entries.emplace_back(config.name, ConfigInput{*config.value});
  ConfigSet check(topic_config_catalog());
  if (Status valid = check.set_all(entries); !valid) return valid;
  if (validate_only) return ok_status();
  return cluster.alter_topic_config(resource.resource_name, entries);
}

}  // namespace

void handle(const RequestPtr& request, const protocol::AlterConfigsRequest& body) {
  protocol::AlterConfigsResponse response;
  for (const auto& resource : body.resources) {
    auto& out = response.responses.emplace_back();
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    out.error_message = std::nullopt;
    const Status altered = alter(request->cluster(), resource, body.validate_only);
    if (altered) continue;
    out.error_code = static_cast<int16_t>(altered.error().code);
    out.error_message = altered.error().message;
  }
  request->respond(response);
}

}  // namespace klab::broker
