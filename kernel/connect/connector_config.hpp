// A connector's configuration, checked the way Kafka checks it when the connector is created:
// required keys, the connector class (full name or alias), a sink's topics / topics.regex, the dead
// letter queue, converters and transforms. Keys are Kafka's (catalog: base/connect_config_catalog.cpp);
// klab also refuses keys no part of the connector reads, with a did-you-mean, where Kafka would
// silently ignore a typo.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/config.hpp"
#include "base/result.hpp"

namespace klab::connect {

enum class ConnectorType { Source, Sink };
std::string_view connector_type_name(ConnectorType type);  // "source" / "sink"

// A connector klab can run.
struct ConnectorPlugin {
  const char* class_name;  // Kafka's full class name
  std::vector<const char*> aliases;
  ConnectorType type;
  std::vector<const char*> own_keys;  // besides the common ones
  std::vector<const char*> required_keys;
};
const std::vector<ConnectorPlugin>& connector_plugins();
// The class name of a connector written in Lua (connector.class given as a Lua table).
inline constexpr const char* kLuaSourceClass = "klab.LuaSourceConnector";
inline constexpr const char* kLuaSinkClass = "klab.LuaSinkConnector";

struct ConnectorConfig {
  std::string name;
  const ConnectorPlugin* plugin = nullptr;
  int32_t tasks_max = 1;
  ConfigSet values{connector_config_catalog()};
  // key.converter.*, value.converter.*, transforms.<alias>.* as given.
  std::map<std::string, std::string, std::less<>> prefixed;
  std::vector<std::pair<std::string, std::string>> given;  // every entry as given, in order

  ConnectorType type() const { return plugin->type; }
  std::optional<std::string> prefixed_value(std::string_view key) const;
};

// `lua_type` is set when connector.class is a Lua connector (the REPL passes its table separately).
Result<ConnectorConfig> parse_connector_config(const std::vector<std::pair<std::string, std::string>>& entries,
                                               std::optional<ConnectorType> lua_type = std::nullopt);

}  // namespace klab::connect
