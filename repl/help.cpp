#include "help.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "base/config.hpp"
#include "base/suggest.hpp"
#include "base/text.hpp"
#include "embedded_lua.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

// Pushes the topics table from help_topics.lua (cached in the registry).
void push_topics(lua_State* L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, "klab.help_topics") == LUA_TTABLE) return;
  lua_pop(L, 1);
  std::string_view source = embedded_lua("help_topics.lua").value_or("return {}");
  if (luaL_loadbuffer(L, source.data(), source.size(), "=help_topics.lua") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
    lua_pop(L, 1);
    lua_newtable(L);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "klab.help_topics");
}

std::string describe_type(const TypeDoc& type) {
  std::string out = fmt::format("{} ({})\n{}\nMethods:\n", type.help_topic, type.metatable_name, wrap_text(type.summary, 76, ""));
  for (const MethodDoc& method : type.methods) out += "  " + std::string(method.signature) + "\n" + wrap_text(method.doc, 72, "      ");
  return out;
}

std::string describe_scope_configs(const ConfigCatalog& catalog) {
  std::string out = fmt::format("{} configs (help(\"<key>\") for one):\n", config_scope_name(catalog.scope()));
  for (const ConfigDef& def : catalog.all()) {
    std::string shown = def.default_text.empty() ? format_config_value(def.default_value) : std::string(def.default_text);
    out += fmt::format("  {:<42} default {}\n", def.name, shown);
  }
  return out;
}

// The help text for a string query, or nullopt.
std::optional<std::string> help_for_word(lua_State* L, const std::string& word) {
  push_topics(L);
  lua_getfield(L, -1, word.c_str());
  std::optional<std::string> text;
  if (lua_isstring(L, -1)) text = lua_tostring(L, -1);
  lua_pop(L, 2);
  for (const TypeDoc* type : bound_types()) {
    if (word == type->help_topic || word == type->metatable_name) {
      text = text ? fmt::format("{}\n{}", *text, describe_type(*type)) : describe_type(*type);
    }
  }
  // A word can be a concept page and a config key at once ("acks"): show both.
  std::string configs;
  for (const ConfigCatalog* catalog : all_config_catalogs()) {
    if (word == std::string(config_scope_name(catalog->scope())) + " configs") return describe_scope_configs(*catalog);
    if (const ConfigDef* def = catalog->find(word)) configs += fmt::format("{}{}", configs.empty() ? "" : "\n", describe_config(*def, catalog->scope()));
  }
  if (text && !configs.empty()) return fmt::format("{}\n{}", *text, configs);
  if (text) return text;
  if (!configs.empty()) return configs;
  std::string methods;
  for (const TypeDoc* type : bound_types())
    for (const MethodDoc& method : type->methods)
      if (word == method.name) methods += std::string(method.signature) + "\n" + wrap_text(method.doc, 72, "    ");
  for (const MethodDoc& function : klab_functions())
    if (word == function.name || word == "klab." + std::string(function.name))
      methods += std::string(function.signature) + "\n" + wrap_text(function.doc, 72, "    ");
  if (!methods.empty()) return methods;
  return std::nullopt;
}

int help_body(lua_State* L) {
  std::string text;
  if (lua_isnoneornil(L, 1)) {
    text = help_for_word(L, "index").value_or("help");
  } else if (lua_type(L, 1) == LUA_TSTRING) {
    std::string word = lua_tostring(L, 1);
    if (auto found = help_for_word(L, word)) {
      text = *found;
    } else {
      std::vector<std::string> words = help_words(L);
      std::vector<std::string_view> candidates(words.begin(), words.end());
      text = fmt::format("no help for '{}'", word);
      if (auto near = closest_match(word, candidates)) text += fmt::format(" — did you mean '{}'?", *near);
      text += "\nhelp() lists what there is.\n";
    }
  } else if (lua_type(L, 1) == LUA_TUSERDATA) {
    std::string name = type_name_at(L, 1);
    for (const TypeDoc* type : bound_types())
      if (name == type->metatable_name) text = describe_type(*type);
    if (text.empty()) text = "no help for a " + name + "\n";
  } else {
    lua_getglobal(L, "klab");
    bool is_klab = lua_rawequal(L, 1, -1);
    lua_pop(L, 1);
    if (is_klab) {
      text = "klab functions:\n";
      for (const MethodDoc& function : klab_functions()) text += "  " + std::string(function.signature) + "\n" + wrap_text(function.doc, 72, "      ");
    } else {
      text = "help(x): x is a topic name (\"producer\"), a config key (\"linger.ms\") or a klab object (help(cluster)).\n";
    }
  }
  std::cout << text;
  if (!text.empty() && text.back() != '\n') std::cout << '\n';
  std::cout.flush();
  return 0;
}

}  // namespace

std::vector<std::string> help_words(lua_State* L) {
  std::vector<std::string> words;
  push_topics(L);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    if (lua_type(L, -2) == LUA_TSTRING) words.emplace_back(lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  for (const ConfigCatalog* catalog : all_config_catalogs())
    for (const ConfigDef& def : catalog->all()) words.emplace_back(def.name);
  for (const TypeDoc* type : bound_types()) {
    words.emplace_back(type->help_topic);
    for (const MethodDoc& method : type->methods) words.emplace_back(method.name);
  }
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  return words;
}

void open_help(lua_State* L) {
  lua_pushcfunction(L, lua_entry<help_body>);
  lua_setglobal(L, "help");
}

}  // namespace klab
