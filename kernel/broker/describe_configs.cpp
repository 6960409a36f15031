// DescribeConfigs, versions 0-2.
//   v0: is_default per config.  v1: config_source (Kafka's ConfigSource ids) and, when asked,
//   synonyms (the topic override, the static broker value, the default - most specific first).
//   v2: the same as v1.
// Resource type 2 (topic): every topic config with its effective value and source; type 4 (broker,
// named by its id): every broker config. Configuration keys, when given, narrow the list (an
// unknown key is simply absent, as in Kafka). Nothing is sensitive or read-only in klab.
#include <fmt/format.h>

#include <set>

#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

constexpr int8_t kTopicResource = 2, kBrokerResource = 4;
constexpr int8_t kTopicConfigSource = 1, kStaticBrokerSource = 4, kDefaultSource = 5;

int8_t source_id(ConfigSource source) {
  switch (source) {
    case ConfigSource::TopicConfig: return kTopicConfigSource;
    case ConfigSource::StaticBrokerConfig: return kStaticBrokerSource;
    case ConfigSource::Default: return kDefaultSource;
  }
  return 0;
}

bool wanted(const auto& resource, const std::string& name) {
  if (!resource.configuration_keys) return true;
  for (const std::string& key : *resource.configuration_keys)
    if (key == name) return true;
  return false;
}

void add_config(auto& out, const std::string& name, const std::string& value, int8_t source, bool synonyms) {
  auto& config = out.configs.emplace_back();
  config.name = name;
  config.value = value;
  config.is_default = source == kDefaultSource;
  config.config_source = source;
  if (synonyms) {
    auto& synonym = config.synonyms.emplace_back();
    synonym.name = name;
    synonym.value = value;
    synonym.source = source;
  }
}

void describe_topic(Cluster& cluster, const auto& resource, auto& out, bool synonyms) {
  Result<TopicDescription> described = cluster.describe_topic(resource.resource_name);
  if (!described) {
    out.error_code = static_cast<int16_t>(described.error().code);
    out.error_message = described.error().message;
    return;
  }
  for (const TopicConfigEntry& entry : described->configs)
    if (wanted(resource, entry.name)) add_config(out, entry.name, entry.value, source_id(entry.source), synonyms);
}

void describe_broker(Cluster& cluster, const auto& resource, auto& out, bool synonyms) {
  const ConfigSet& config = cluster.broker_config();
  for (const ConfigDef& def : config.catalog().all()) {
    const std::string name(def.name);
    if (!wanted(resource, name)) continue;
    add_config(out, name, format_config_value(config.get(name)),
               config.is_set(name) ? kStaticBrokerSource : kDefaultSource, synonyms);
  }
}

}  // namespace

void handle(const RequestPtr& request, const protocol::DescribeConfigsRequest& body) {
  protocol::DescribeConfigsResponse response;
  const bool synonyms = request->version() >= 1 && body.include_synonyms;
  for (const auto& resource : body.resources) {
    auto& out = response.results.emplace_back();
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    out.error_message = std::nullopt;
    if (resource.resource_type == kTopicResource) {
      describe_topic(request->cluster(), resource, out, synonyms);
    } else if (resource.resource_type == kBrokerResource) {
      describe_broker(request->cluster(), resource, out, synonyms);
    } else {
      out.error_code = static_cast<int16_t>(ErrorCode::INVALID_REQUEST);
      out.error_message = fmt::format("Unsupported resource type {}", resource.resource_type);
    }
  }
  request->respond(response);
}

}  // namespace klab::broker
