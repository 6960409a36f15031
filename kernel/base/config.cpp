#include "base/config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

#include "base/suggest.hpp"
#include "base/text.hpp"

namespace klab {
namespace {

std::string trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string format_number(double number) {
  if (std::floor(number) == number && std::fabs(number) < 9.2e18) return fmt::format("{}", static_cast<int64_t>(number));
  return fmt::format("{}", number);
}

std::string input_text(const ConfigInput& input) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<V, std::string>) return v;
        else if constexpr (std::is_same_v<V, double>) return format_number(v);
        else return fmt::format("{}", v);
      },
      input);
}

Error invalid(std::string_view name, const ConfigInput& input, std::string_view why) {
  return make_error(ErrorCode::INVALID_CONFIG,
                    fmt::format("Invalid value {} for configuration {}: {}", input_text(input), name, why));
}

std::string join(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i) out += ", ";
    out += words[i];
  }
  return out;
}

Result<ConfigValue> parse_integer(const ConfigDef& def, const ConfigInput& input) {
  int64_t number = 0;
  if (auto* i = std::get_if<int64_t>(&input)) {
    number = *i;
  } else if (auto* d = std::get_if<double>(&input)) {
    if (std::floor(*d) != *d || std::fabs(*d) > 9.2e18) return invalid(def.name, input, "Expected a whole number");
    number = static_cast<int64_t>(*d);
  } else if (auto* s = std::get_if<std::string>(&input)) {
    std::string text = trim(*s);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
      return invalid(def.name, input, def.type == ConfigType::Int ? "Not a number of type INT" : "Not a number of type LONG");
  } else {
    return invalid(def.name, input, "Expected a number, but it was a boolean");
  }
  if (def.type == ConfigType::Int &&
      (number < std::numeric_limits<int32_t>::min() || number > std::numeric_limits<int32_t>::max()))
    return invalid(def.name, input, "Not a number of type INT");
  return ConfigValue(number);
}

Result<ConfigValue> parse_typed(const ConfigDef& def, const ConfigInput& input) {
  switch (def.type) {
    case ConfigType::Boolean: {
      if (auto* b = std::get_if<bool>(&input)) return ConfigValue(*b);
      if (auto* s = std::get_if<std::string>(&input)) {
        std::string text = trim(*s);
        std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
        if (text == "true") return ConfigValue(true);
        if (text == "false") return ConfigValue(false);
      }
      return invalid(def.name, input, "Expected value to be either true or false");
    }
    case ConfigType::Int:
    case ConfigType::Long:
      return parse_integer(def, input);
    case ConfigType::Double: {
      if (auto* i = std::get_if<int64_t>(&input)) return ConfigValue(static_cast<double>(*i));
      if (auto* d = std::get_if<double>(&input)) return ConfigValue(*d);
      if (auto* s = std::get_if<std::string>(&input)) {
        std::string text = trim(*s);
        double number = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return ConfigValue(number);
      }
      return invalid(def.name, input, "Not a number of type DOUBLE");
    }
    case ConfigType::String: {
      if (auto* s = std::get_if<std::string>(&input)) return ConfigValue(trim(*s));
      if (auto* i = std::get_if<int64_t>(&input)) return ConfigValue(fmt::format("{}", *i));  // acks = 1
      return invalid(def.name, input, "Expected value to be a string");
    }
    case ConfigType::List: {
      auto* s = std::get_if<std::string>(&input);
      if (!s) return invalid(def.name, input, "Expected a comma-separated list");
      std::vector<std::string> items;
      std::string_view rest = *s;
      while (!rest.empty()) {
        std::size_t comma = rest.find(',');
        std::string item = trim(rest.substr(0, comma));
        if (!item.empty()) items.push_back(std::move(item));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      return ConfigValue(std::move(items));
    }
  }
  return invalid(def.name, input, "unsupported type");
}

Status validate(const ConfigDef& def, const ConfigValue& value, const ConfigInput& input) {
  double number = 0;
  bool numeric = false;
  if (auto* i = std::get_if<int64_t>(&value)) number = static_cast<double>(*i), numeric = true;
  if (auto* d = std::get_if<double>(&value)) number = *d, numeric = true;
  if (numeric && def.at_least && number < *def.at_least)
    return invalid(def.name, input, "Value must be at least " + format_number(*def.at_least));
  if (numeric && def.at_most && number > *def.at_most)
    return invalid(def.name, input, "Value must be no more than " + format_number(*def.at_most));
  if (def.one_of.empty()) return ok_status();
  auto allowed = [&](std::string_view word) {
    return std::find(def.one_of.begin(), def.one_of.end(), word) != def.one_of.end();
  };
  if (auto* s = std::get_if<std::string>(&value); s && !allowed(*s))
    return invalid(def.name, input, "String must be one of: " + join(def.one_of));
  if (auto* list = std::get_if<std::vector<std::string>>(&value)) {
    for (const auto& item : *list)
      if (!allowed(item)) return invalid(def.name, input, "String must be one of: " + join(def.one_of));
  }
  return ok_status();
}

}  // namespace

std::string_view config_type_name(ConfigType type) {
  switch (type) {
    case ConfigType::Boolean: return "boolean";
    case ConfigType::Int: return "int";
    case ConfigType::Long: return "long";
    case ConfigType::Double: return "double";
    case ConfigType::String: return "string";
    case ConfigType::List: return "list";
  }
  return "?";
}

std::string_view config_scope_name(ConfigScope scope) {
  switch (scope) {
    case ConfigScope::Broker: return "broker";
    case ConfigScope::Topic: return "topic";
    case ConfigScope::Producer: return "producer";
    case ConfigScope::Consumer: return "consumer";
    case ConfigScope::Inspector: return "inspector";
    case ConfigScope::Connector: return "connector";
    case ConfigScope::Streams: return "streams";
  }
  return "?";
}

ConfigCatalog::ConfigCatalog(ConfigScope scope, std::vector<ConfigDef> defs) : scope_(scope), defs_(std::move(defs)) {
  std::sort(defs_.begin(), defs_.end(), [](const ConfigDef& a, const ConfigDef& b) { return a.name < b.name; });
}

const ConfigDef* ConfigCatalog::find(std::string_view name) const {
  auto it = std::lower_bound(defs_.begin(), defs_.end(), name,
                             [](const ConfigDef& def, std::string_view key) { return def.name < key; });
  return it != defs_.end() && it->name == name ? &*it : nullptr;
}

std::optional<std::string_view> ConfigCatalog::suggest(std::string_view unknown) const {
  std::vector<std::string_view> names;
  names.reserve(defs_.size());
  for (const auto& def : defs_) names.push_back(def.name);
  return closest_match(unknown, names);
}

Result<ConfigValue> parse_config_value(const ConfigCatalog& catalog, std::string_view name, const ConfigInput& input) {
  const ConfigDef* def = catalog.find(name);
  if (!def) {
    std::string message = fmt::format("unknown {} config '{}'", config_scope_name(catalog.scope()), name);
    if (auto near = catalog.suggest(name)) message += fmt::format(" — did you mean '{}'?", *near);
    return make_error(ErrorCode::INVALID_CONFIG, std::move(message));
  }
  Result<ConfigValue> value = parse_typed(*def, input);
  if (!value) return value;
  Status valid = validate(*def, *value, input);
  if (!valid) return valid.error();
  return value;
}

std::string format_config_value(const ConfigValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) return "null";
        else if constexpr (std::is_same_v<V, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<V, std::string>) return v;
        else if constexpr (std::is_same_v<V, double>) return format_number(v);
        else if constexpr (std::is_same_v<V, int64_t>) return fmt::format("{}", v);
        else {
          std::string out;
          for (std::size_t i = 0; i < v.size(); ++i) {
            if (i) out += ',';
            out += v[i];
          }
          return out;
        }
      },
      value);
}

std::string describe_config(const ConfigDef& def, ConfigScope scope) {
  std::string out = fmt::format("{}  ({} config, type {})\n\n{}\n", def.name, config_scope_name(scope),
                                config_type_name(def.type), wrap_text(def.doc, 76));
  std::string default_text = def.default_text.empty() ? format_config_value(def.default_value)
                                                      : std::string(def.default_text);
  out += fmt::format("  Default:      {}\n", default_text);
  if (!def.one_of.empty()) out += fmt::format("  Valid values: {}\n", join(def.one_of));
  if (def.at_least && def.at_most)
    out += fmt::format("  Valid values: [{},...,{}]\n", format_number(*def.at_least), format_number(*def.at_most));
  else if (def.at_least)
    out += fmt::format("  Valid values: [{},...]\n", format_number(*def.at_least));
  if (!def.broker_synonym.empty()) out += fmt::format("  Broker default from: {}\n", def.broker_synonym);
  return out;
}

Status ConfigSet::set(std::string_view name, const ConfigInput& input) {
  Result<ConfigValue> value = parse_config_value(*catalog_, name, input);
  if (!value) return value.error();
  values_[std::string(name)] = std::move(value).value();
  return ok_status();
}

Status ConfigSet::set_all(const std::vector<std::pair<std::string, ConfigInput>>& entries) {
  ConfigSet staged = *this;
  for (const auto& [name, input] : entries) {
    Status status = staged.set(name, input);
    if (!status) return status;
  }
  *this = std::move(staged);
  return ok_status();
}

void ConfigSet::unset(std::string_view name) {
  if (auto it = values_.find(name); it != values_.end()) values_.erase(it);
}

bool ConfigSet::is_set(std::string_view name) const { return values_.find(name) != values_.end(); }

const ConfigDef& ConfigSet::def(std::string_view name) const {
  const ConfigDef* found = catalog_->find(name);
  if (!found) throw std::logic_error(fmt::format("config '{}' is not declared in the {} catalog", name,
                                                 config_scope_name(catalog_->scope())));
  return *found;
}

const ConfigValue& ConfigSet::get(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() ? it->second : def(name).default_value;
}

bool ConfigSet::get_bool(std::string_view name) const { return std::get<bool>(get(name)); }

int64_t ConfigSet::get_long(std::string_view name) const { return std::get<int64_t>(get(name)); }

double ConfigSet::get_double(std::string_view name) const { return std::get<double>(get(name)); }

const std::string& ConfigSet::get_string(std::string_view name) const {
  static const std::string empty;
  const ConfigValue& value = get(name);
  if (auto* s = std::get_if<std::string>(&value)) return *s;
  return empty;
}

}  // namespace klab
