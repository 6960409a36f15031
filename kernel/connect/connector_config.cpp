#include "connect/connector_config.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "base/regex_match.hpp"
#include "base/suggest.hpp"
#include "connect/converters.hpp"

namespace klab::connect {
namespace {

const std::vector<const char*> kCommonKeys = {"name", "connector.class", "tasks.max", "key.converter",
                                              "value.converter", "transforms", "errors.tolerance",
                                              "errors.log.enable"};
const std::vector<const char*> kSinkKeys = {"topics", "topics.regex", "errors.deadletterqueue.topic.name",
                                            "errors.deadletterqueue.topic.replication.factor",
                                            "errors.deadletterqueue.context.headers.enable"};
const std::vector<const char*> kWorkerKeys = {"offset.flush.interval.ms", "offset.storage.file.filename"};

Error config_error(std::string message) { return make_error(ErrorCode::INVALID_CONFIG, std::move(message)); }

Error missing(std::string_view key) {
  return config_error(fmt::format("Missing required configuration \"{}\" which has no default value.", key));
}

bool contains(const std::vector<const char*>& keys, std::string_view key) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return key == k; });
}

const ConnectorPlugin* find_plugin(std::string_view name) {
  for (const ConnectorPlugin& plugin : connector_plugins()) {
    if (name == plugin.class_name) return &plugin;
    for (const char* alias : plugin.aliases)
      if (name == alias) return &plugin;
  }
  return nullptr;
}

std::string known_connectors() {
  std::string list;
  for (const ConnectorPlugin& plugin : connector_plugins()) {
    if (std::string_view(plugin.class_name).starts_with("klab.")) continue;
    list += fmt::format("{}{} ({}, alias {})", list.empty() ? "" : ", ", plugin.class_name,
                        connector_type_name(plugin.type), plugin.aliases.back());
  }
  return list + ", or a Lua table (help(\"connect\"))";
}

// Which keys this connector reads: the common ones, a sink's, and the plugin's own.
bool key_used(const ConnectorPlugin& plugin, std::string_view key) {
  return contains(kCommonKeys, key) || (plugin.type == ConnectorType::Sink && contains(kSinkKeys, key)) ||
         contains(plugin.own_keys, key);
}

Status check_prefixed(const ConnectorConfig& config, std::string_view key) {
  for (const char* prefix : {"key.converter.", "value.converter."})
    if (key.starts_with(prefix)) {
      if (key.substr(std::string_view(prefix).size()) == "schemas.enable") return ok_status();
      return config_error(fmt::format("{} is not a converter setting klab knows; it knows {}schemas.enable", key, prefix));
    }
  // transforms.<alias>.<key>: the alias must be listed in transforms; the transform checks its own keys.
  const std::string_view rest = key.substr(std::string_view("transforms.").size());
  const std::size_t dot = rest.find('.');
  const std::string alias(rest.substr(0, dot));
  const auto& aliases = std::get<std::vector<std::string>>(config.values.get("transforms"));
  if (dot == std::string_view::npos || std::find(aliases.begin(), aliases.end(), alias) == aliases.end())
    return config_error(fmt::format("{} configures a transform '{}' that is not listed in transforms", key, alias));
  return ok_status();
}

Status check_sink(const ConnectorConfig& config) {
  const auto& topics = std::get<std::vector<std::string>>(config.values.get("topics"));
  const std::string& regex = config.values.get_string("topics.regex");
  if (topics.empty() && regex.empty()) return config_error("Must configure one of topics or topics.regex");
  if (!topics.empty() && !regex.empty())
    return config_error("topics and topics.regex are mutually exclusive options, but both are set.");
  if (!regex.empty()) {
    if (std::string why = RegexMatch::refused(regex); !why.empty())
      return config_error(fmt::format("Invalid value {} for configuration topics.regex: {}", regex, why));
    if (!RegexMatch::compile(regex))
      return config_error(fmt::format("Invalid value {} for configuration topics.regex: must be a valid regular expression", regex));
  }
  const std::string& dlq = config.values.get_string("errors.deadletterqueue.topic.name");
  if (!dlq.empty() && std::find(topics.begin(), topics.end(), dlq) != topics.end())
    return config_error(fmt::format("The DLQ topic '{}' may not be included in the list of topics ('topics=') consumed "
                                    "by the connector", dlq));
  return ok_status();
}

}  // namespace

std::string_view connector_type_name(ConnectorType type) { return type == ConnectorType::Source ? "source" : "sink"; }

const std::vector<ConnectorPlugin>& connector_plugins() {
  static const std::vector<ConnectorPlugin> plugins = {
      {"org.apache.kafka.connect.file.FileStreamSinkConnector", {"FileStreamSinkConnector", "FileStreamSink"},
       ConnectorType::Sink, {"file"}, {"file"}},
      {"org.apache.kafka.connect.file.FileStreamSourceConnector", {"FileStreamSourceConnector", "FileStreamSource"},
       ConnectorType::Source, {"file", "topic", "batch.size"}, {"file", "topic"}},
      {"io.confluent.connect.jdbc.JdbcSinkConnector", {"JdbcSinkConnector", "JdbcSink"}, ConnectorType::Sink,
       {"connection.url", "table.name.format", "auto.create", "insert.mode", "pk.mode", "pk.fields", "delete.enabled"},
       {"connection.url"}},
      {kLuaSourceClass, {}, ConnectorType::Source, {"topic"}, {}},
      {kLuaSinkClass, {}, ConnectorType::Sink, {}, {}},
  };
  return plugins;
}

std::optional<std::string> ConnectorConfig::prefixed_value(std::string_view key) const {
  auto it = prefixed.find(key);
  if (it == prefixed.end()) return std::nullopt;
  return it->second;
}

Result<ConnectorConfig> parse_connector_config(const std::vector<std::pair<std::string, std::string>>& entries,
                                               std::optional<ConnectorType> lua_type) {
  ConnectorConfig config;
  config.given = entries;
  std::map<std::string, std::string, std::less<>> plain;
  for (const auto& [key, value] : entries) plain[key] = value;
  auto name = plain.find("name");
  if (name == plain.end() || name->second.empty()) {
    // Java reads a UTF-8 byte order mark as the characters "ï»¿" of the first key (properties.hpp).
    constexpr std::string_view kBomAsLatin1 = "\xC3\xAF\xC2\xBB\xC2\xBF";
    for (const auto& [key, value] : entries)
      if (key.starts_with(kBomAsLatin1))
        return config_error(fmt::format("Missing required configuration \"name\" which has no default value. (The "
                                        "file starts with a UTF-8 byte order mark, which Java, and klab, read as the "
                                        "characters \"\xC3\xAF\xC2\xBB\xC2\xBF\" of the first key, {}: save the file without it.)",
                                        key));
    return missing("name");
  }
  config.name = name->second;
  if (lua_type) {
    config.plugin = find_plugin(*lua_type == ConnectorType::Source ? kLuaSourceClass : kLuaSinkClass);
  } else {
    auto connector_class = plain.find("connector.class");
    if (connector_class == plain.end() || connector_class->second.empty()) return missing("connector.class");
    config.plugin = find_plugin(connector_class->second);
    if (!config.plugin || std::string_view(config.plugin->class_name).starts_with("klab."))
      return config_error(fmt::format("Failed to find any class that implements Connector and which name matches {}, "
                                      "available connectors are: {}", connector_class->second, known_connectors()));
  }
  // Plain keys first (transforms must be known before transforms.<alias>.* is checked).
  for (const auto& [key, value] : plain) {
    if (key.starts_with("key.converter.") || key.starts_with("value.converter.") || key.starts_with("transforms.")) continue;
    if (contains(kWorkerKeys, key))
      return config_error(fmt::format("{} is a worker setting, not a connector's: give it when starting the worker "
                                      "(c:connect{{ [\"{}\"] = ... }})", key, key));
    const ConfigDef* def = connector_config_catalog().find(key);
    if (!def || !key_used(*config.plugin, key)) {
      std::string hint;
      std::vector<std::string_view> candidates;
      for (const ConfigDef& d : connector_config_catalog().all())
        if (key_used(*config.plugin, d.name)) candidates.push_back(d.name);
      std::optional<std::string_view> near;
      std::size_t best = 4;
      for (std::string_view candidate : candidates) {
        const std::size_t distance = edit_distance(key, candidate);
        if (distance < best) best = distance, near = candidate;
      }
      if (near) hint = fmt::format(" — did you mean '{}'?", *near);
      return config_error(fmt::format("unknown config '{}' for {} {}{}", key, config.plugin->class_name,
                                      def ? "(that connector does not read it)" : "", hint));
    }
    if (key == "connector.class" && lua_type) continue;
    if (Status set = config.values.set(key, ConfigInput(value)); !set) return set.error();
  }
  for (const auto& [key, value] : plain) {
    if (!(key.starts_with("key.converter.") || key.starts_with("value.converter.") || key.starts_with("transforms."))) continue;
    if (Status checked = check_prefixed(config, key); !checked) return checked.error();
    config.prefixed[key] = value;
  }
  for (const char* key : config.plugin->required_keys)
    if (!config.values.is_set(key) || config.values.get_string(key).empty()) return missing(key);
  config.tasks_max = static_cast<int32_t>(config.values.get_long("tasks.max"));
  if (config.type() == ConnectorType::Sink)
    if (Status sink = check_sink(config); !sink) return sink.error();
  for (const char* key : {"key.converter", "value.converter"})
    if (config.values.is_set(key) && !converter_class(config.values.get_string(key)))
      if (Result<std::unique_ptr<Converter>> made = make_converter(config.values.get_string(key), true); !made)
        return made.error();
  for (const char* key : {"key.converter.schemas.enable", "value.converter.schemas.enable"})
    if (auto value = config.prefixed_value(key); value && *value != "true" && *value != "false")
      return config_error(fmt::format("Invalid value {} for configuration {}: Expected value to be either true or false", *value, key));
  if (config.plugin->class_name == std::string_view("org.apache.kafka.connect.file.FileStreamSourceConnector") &&
      config.values.get_string("topic").find(',') != std::string::npos)
    return config_error("'topic' in FileStreamSourceConnector configuration requires definition of a single topic.");
  return config;
}

}  // namespace klab::connect
