// DescribeConfigs, versions 0-2, as Kafka 3.7's ConfigHelper answers it.
//   v0: is_default per config.  v1: config_source (Kafka's ConfigSource ids) and, when asked,
//   synonyms (most specific first).  v2: the same as v1.
// Configuration keys, when given and not empty, narrow the list (an unknown key is simply absent).
// Topic (type 2): every topic config with its effective value and source (the topic override, the
// dynamic default broker config, the static broker config, the default); a missing topic is
// UNKNOWN_TOPIC_OR_PARTITION with an empty message, as Kafka leaves it. Nothing is read-only.
// Broker (type 4): named by this broker's id, every broker config klab models (Kafka lists all of
// KafkaConfig's): its value (null when the default is null), source, read_only unless Kafka can
// change it dynamically, and synonyms built as Kafka builds them (dynamic default, static, default,
// over the key's synonym names, dropping those before the key itself). An empty name lists the
// dynamic cluster-wide defaults only. Another broker's id is INVALID_REQUEST.
// A resource type Kafka does not know (not 2, 4, 8 or 16) fails the whole request: every resource
// gets INVALID_REQUEST with Kafka's generic message (DescribeConfigsRequest.getErrorResponse).
// BROKER_LOGGER (8) and CLIENT_METRICS (16) are not modelled: INVALID_REQUEST, named.
#include <fmt/format.h>

#include <algorithm>

#include "broker/dynamic_broker_config.hpp"
#include "broker/handlers.hpp"
#include "cluster/topic_name.hpp"

namespace klab::broker {
namespace {

constexpr int8_t kTopicResource = 2, kBrokerResource = 4;
constexpr int8_t kTopicConfigSource = 1, kDynamicDefaultBrokerSource = 3, kStaticBrokerSource = 4,
                 kDefaultSource = 5;

using Resource = protocol::DescribeConfigsRequest::DescribeConfigsResource;
using Result_ = protocol::DescribeConfigsResponse::DescribeConfigsResult;
using Synonym = protocol::DescribeConfigsResponse::DescribeConfigsSynonym;

bool wanted(const Resource& resource, std::string_view name) {
  if (!resource.configuration_keys || resource.configuration_keys->empty()) return true;
  for (const std::string& key : *resource.configuration_keys)
    if (key == name) return true;
  return false;
}

std::optional<std::string> value_text(const ConfigValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return std::nullopt;
  return format_config_value(value);
}

auto& add_config(Result_& out, std::string_view name, std::optional<std::string> value, int8_t source, bool read_only) {
  auto& config = out.configs.emplace_back();
  config.name = std::string(name);
  config.value = std::move(value);
  config.is_default = source == kDefaultSource;
  config.config_source = source;
  config.read_only = read_only;
  return config;
}

int8_t topic_source(const Cluster& cluster, const TopicConfigEntry& entry) {
  switch (entry.source) {
    case ConfigSource::TopicConfig: return kTopicConfigSource;
    case ConfigSource::StaticBrokerConfig: {
      const ConfigDef* def = topic_config_catalog().find(entry.name);
      for (std::string_view name : broker_config_synonyms(def ? def->broker_synonym : ""))
        if (cluster.dynamic_broker_config().is_set(name)) return kDynamicDefaultBrokerSource;
      return kStaticBrokerSource;
    }
    case ConfigSource::Default: return kDefaultSource;
  }
  return kDefaultSource;
}

void describe_topic(Cluster& cluster, const Resource& resource, Result_& out, bool synonyms) {
  if (Status valid = validate_topic_name(resource.resource_name); !valid) {
    out.error_code = static_cast<int16_t>(ErrorCode::INVALID_TOPIC_EXCEPTION);
    out.error_message = valid.error().message;
    return;
  }
  Result<TopicDescription> described = cluster.describe_topic(resource.resource_name);
  if (!described) {
    out.error_code = static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    out.error_message = "";
    return;
  }
  for (const TopicConfigEntry& entry : described->configs) {
    if (!wanted(resource, entry.name)) continue;
    const int8_t source = topic_source(cluster, entry);
    auto& config = add_config(out, entry.name, entry.value, source, false);
    if (synonyms) config.synonyms.push_back(Synonym{entry.name, entry.value, source});
  }
}

// ConfigHelper.configSynonyms: every synonym name's dynamic default, then static, then default
// values, dropping what comes before the first entry for `name` itself.
std::vector<Synonym> broker_synonyms(const Cluster& cluster, std::string_view name) {
  std::vector<Synonym> all;
  const auto add_from = [&](const ConfigSet& set, int8_t source) {
    for (std::string_view synonym : broker_config_synonyms(name))
      if (set.is_set(synonym)) all.push_back(Synonym{std::string(synonym), value_text(set.get(synonym)), source});
  };
  add_from(cluster.dynamic_broker_config(), kDynamicDefaultBrokerSource);
  add_from(cluster.static_broker_config(), kStaticBrokerSource);
  for (std::string_view synonym : broker_config_synonyms(name)) {
    const ConfigDef* def = broker_config_catalog().find(synonym);
    if (def && !std::holds_alternative<std::monostate>(def->default_value))
      all.push_back(Synonym{std::string(synonym), format_config_value(def->default_value), kDefaultSource});
  }
  const auto first = std::find_if(all.begin(), all.end(), [&](const Synonym& s) { return s.name == name; });
  return {first, all.end()};
}

void describe_broker(Request& request, const Resource& resource, Result_& out, bool synonyms) {
  const Cluster& cluster = request.cluster();
  const bool cluster_default = resource.resource_name.empty();
  if (!cluster_default) {
    if (Status named = check_broker_name(resource.resource_name, request.broker(), "Broker id", " or empty string");
        !named) {
      out.error_code = static_cast<int16_t>(named.error().code);
      out.error_message = named.error().message;
      return;
    }
  }
  for (const ConfigDef& def : cluster.broker_config().catalog().all()) {
    if (!wanted(resource, def.name)) continue;
    if (cluster_default && !cluster.dynamic_broker_config().is_set(def.name)) continue;
    std::vector<Synonym> found = broker_synonyms(cluster, def.name);
    if (cluster_default)
      std::erase_if(found, [](const Synonym& s) { return s.source != kDynamicDefaultBrokerSource; });
    const int8_t source = found.empty() ? kDefaultSource : found.front().source;
    const ConfigValue& value =
        cluster_default ? cluster.dynamic_broker_config().get(def.name) : cluster.broker_config().get(def.name);
    auto& config = add_config(out, def.name, value_text(value), source, !is_dynamic_broker_config(def.name));
    if (synonyms) config.synonyms = std::move(found);
  }
}

constexpr std::string_view kInvalidRequestMessage =
    "This most likely occurs because of a request being malformed by the client library or the message was sent "
    "to an incompatible broker. See the broker logs for more details.";

bool known_resource_type(int8_t type) { return type == 2 || type == 4 || type == 8 || type == 16; }

void fail_all(const protocol::DescribeConfigsRequest& body, protocol::DescribeConfigsResponse& response) {
  for (const auto& resource : body.resources) {
    auto& out = response.results.emplace_back();
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    out.error_code = static_cast<int16_t>(ErrorCode::INVALID_REQUEST);
    out.error_message = std::string(kInvalidRequestMessage);
  }
}

}  // namespace

void handle(const RequestPtr& request, const protocol::DescribeConfigsRequest& body) {
  protocol::DescribeConfigsResponse response;
  const bool synonyms = request->version() >= 1 && body.include_synonyms;
  if (!std::all_of(body.resources.begin(), body.resources.end(),
                   [](const auto& resource) { return known_resource_type(resource.resource_type); })) {
    fail_all(body, response);
    request->respond(response);
    return;
  }
  for (const auto& resource : body.resources) {
    auto& out = response.results.emplace_back();
    out.resource_type = resource.resource_type;
    out.resource_name = resource.resource_name;
    out.error_message = std::nullopt;
    if (resource.resource_type == kTopicResource) {
      describe_topic(request->cluster(), resource, out, synonyms);
    } else if (resource.resource_type == kBrokerResource) {
      describe_broker(*request, resource, out, synonyms);
    } else {
      out.error_code = static_cast<int16_t>(ErrorCode::INVALID_REQUEST);
      out.error_message = fmt::format("klab does not serve DescribeConfigs for resource type {}", resource.resource_type);
    }
  }
  request->respond(response);
}

}  // namespace klab::broker
