// Configuration the way Kafka declares it: every key once, with type, default, valid values and
// the documentation that help() prints. A ConfigSet holds the values a user set for one
// scope (a producer, a consumer, a topic, the brokers); everything else reads the default.
//
// Invariants:
//  1. A ConfigSet only ever holds keys of its catalog, each already validated and converted
//     to its declared type.
//  2. Unknown keys are refused with a did-you-mean suggestion; wrong types and out-of-range
//     values are refused with Kafka's wording ("Invalid value X for configuration K: ...").
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.hpp"

namespace klab {

enum class ConfigType { Boolean, Int, Long, Double, String, List };
enum class ConfigScope { Broker, Topic, Producer, Consumer, Inspector, Connector, Streams };

std::string_view config_type_name(ConfigType type);
std::string_view config_scope_name(ConfigScope scope);

using ConfigValue = std::variant<std::monostate, bool, int64_t, double, std::string, std::vector<std::string>>;
// What a user may hand in: Lua gives booleans, integers, floats and strings.
using ConfigInput = std::variant<bool, int64_t, double, std::string>;

struct ConfigDef {
  std::string_view name;
  ConfigType type;
  ConfigValue default_value;  // monostate: null (Kafka's "null" default)
  std::optional<double> at_least;  // numeric range, inclusive
  std::optional<double> at_most;
  std::vector<std::string_view> one_of;  // allowed strings (every list element for List)
  std::string_view doc;
  // For a topic config: the broker key that supplies its default ("log.segment.bytes").
  std::string_view broker_synonym = {};
  // Kafka's documentation shows some defaults in a friendlier unit than the raw value.
  std::string_view default_text = {};
};

// All keys of one scope, sorted by name.
class ConfigCatalog {
 public:
  ConfigCatalog(ConfigScope scope, std::vector<ConfigDef> defs);

  ConfigScope scope() const { return scope_; }
  const ConfigDef* find(std::string_view name) const;
  std::span<const ConfigDef> all() const { return defs_; }
  // The closest known key, if one is near enough to be a plausible typo.
  std::optional<std::string_view> suggest(std::string_view unknown) const;

 private:
  ConfigScope scope_;
  std::vector<ConfigDef> defs_;
};

const ConfigCatalog& broker_config_catalog();
const ConfigCatalog& topic_config_catalog();
const ConfigCatalog& producer_config_catalog();
const ConfigCatalog& consumer_config_catalog();
// klab's own settings of the SQLite inspector (not Kafka configs): inspect.sample.ms.
const ConfigCatalog& inspector_config_catalog();
// A Connect connector's configuration and the standalone worker's (connect_config_catalog.cpp).
const ConfigCatalog& connector_config_catalog();
// Kafka Streams' StreamsConfig (the keys klab's Streams engine reads).
const ConfigCatalog& streams_config_catalog();
// Every catalog, for help() and completion.
std::span<const ConfigCatalog* const> all_config_catalogs();

// "unknown config 'ack' — did you mean 'acks'?" or a type/range complaint, as INVALID_CONFIG.
Result<ConfigValue> parse_config_value(const ConfigCatalog& catalog, std::string_view name, const ConfigInput& input);
std::string format_config_value(const ConfigValue& value);
// A multi-line description of one key for help(): doc, type, default, valid values, scope.
std::string describe_config(const ConfigDef& def, ConfigScope scope);

class ConfigSet {
 public:
  explicit ConfigSet(const ConfigCatalog& catalog) : catalog_(&catalog) {}

  Status set(std::string_view name, const ConfigInput& input);
  // Sets every entry or none: a bad key leaves the set as it was.
  Status set_all(const std::vector<std::pair<std::string, ConfigInput>>& entries);
  // Removes an explicit value (the key reads its default again); a key not set is a no-op.
  void unset(std::string_view name);

  bool is_set(std::string_view name) const;
  const ConfigValue& get(std::string_view name) const;  // explicit value, else the default
  bool get_bool(std::string_view name) const;
  int64_t get_long(std::string_view name) const;
  double get_double(std::string_view name) const;
  const std::string& get_string(std::string_view name) const;  // "" for a null default
  const std::map<std::string, ConfigValue, std::less<>>& explicit_values() const { return values_; }
  const ConfigCatalog& catalog() const { return *catalog_; }

 private:
  const ConfigDef& def(std::string_view name) const;
  const ConfigCatalog* catalog_;
  std::map<std::string, ConfigValue, std::less<>> values_;
};

}  // namespace klab
