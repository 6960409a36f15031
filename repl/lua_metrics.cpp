// The metrics methods of klab.Cluster: c:metrics() (the controller's summary as a flat table, the
// form the first labs use), c:metrics{ all = true | name = | group = } (every sample of the
// cluster's MetricsRegistry: brokers, producers, consumers) and c:metrics_text() (Prometheus).
#include <fmt/format.h>

#include "lua_bindings.hpp"
#include "lua_support.hpp"
#include "metrics/prometheus_text.hpp"

namespace klab {
namespace {

struct SampleFilter {
  std::optional<std::string> name;   // the metric name, with or without ".Attribute"
  std::optional<std::string> group;  // "kafka.server:type=BrokerTopicMetrics", "producer-metrics", ...
  bool matches(const MetricSample& sample) const {
    if (group && sample.group != *group) return false;
    return !name || sample.name == *name || sample.name.substr(0, sample.name.find('.')) == *name;
  }
};

SampleFilter check_filter(lua_State* L, int index) {
  check_table(L, index, "metrics");
  SampleFilter filter;
  bool all = false;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING)
      throw LuaArgError("metrics: the options are { all = true } or { name = \"...\" } or { group = \"...\" }");
    const std::string key = lua_tostring(L, -2);
    if (key == "all") {
      if (lua_type(L, -1) != LUA_TBOOLEAN) throw LuaArgError("metrics: 'all' must be true or false");
      all = lua_toboolean(L, -1) != 0;
    } else if (key == "name" || key == "group") {
      if (lua_type(L, -1) != LUA_TSTRING) throw LuaArgError(fmt::format("metrics: '{}' must be a string", key));
      (key == "name" ? filter.name : filter.group) = lua_tostring(L, -1);
    } else {
      throw LuaArgError(fmt::format("metrics: unknown option '{}' (all, name, group)", key));
    }
    lua_pop(L, 1);
  }
  if (!all && !filter.name && !filter.group)
    throw LuaArgError("metrics: say what you want: { all = true }, { name = \"BytesInPerSec\" } or { group = ... }");
  return filter;
}

std::string sample_line(const MetricSample& sample) {
  std::string tags;
  for (const auto& [key, value] : sample.tags) tags += fmt::format("{}{}={}", tags.empty() ? "" : ",", key, value);
  return fmt::format("{} {}{}{}{} {}", sample.group, sample.name, tags.empty() ? "" : "{", tags,
                     tags.empty() ? "" : "}", sample.value);
}

void push_sample(lua_State* L, const MetricSample& sample) {
  lua_createtable(L, 0, 4);
  lua_pushstring(L, sample.group.c_str());
  lua_setfield(L, -2, "group");
  lua_pushstring(L, sample.name.c_str());
  lua_setfield(L, -2, "name");
  lua_createtable(L, 0, static_cast<int>(sample.tags.size()));
  for (const auto& [key, value] : sample.tags) {
    lua_pushstring(L, value.c_str());
    lua_setfield(L, -2, key.c_str());
  }
  lua_setfield(L, -2, "tags");
  lua_pushnumber(L, sample.value);
  lua_setfield(L, -2, "value");
}

}  // namespace

int cluster_metrics(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "metrics");
  if (lua_isnoneornil(L, 2)) {
    auto metrics = cluster.metrics();
    lua_createtable(L, 0, static_cast<int>(metrics.size()));
    for (const auto& [name, value] : metrics) {
      lua_pushinteger(L, value);
      lua_setfield(L, -2, name.c_str());
    }
    return 1;
  }
  const SampleFilter filter = check_filter(L, 2);
  const std::vector<MetricSample> samples = cluster.metrics_registry().collect(cluster.now());
  lua_createtable(L, 0, 0);
  std::string text;
  lua_Integer count = 0;
  for (const MetricSample& sample : samples) {
    if (!filter.matches(sample)) continue;
    push_sample(L, sample);
    lua_rawseti(L, -2, ++count);
    text += sample_line(sample) + "\n";
  }
  set_printed_form(L, text.empty() ? "(no metrics)\n" : text, "klab.MetricSamples");
  return 1;
}

int cluster_metrics_text(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "metrics_text");
  const std::string text = prometheus_text(cluster.metrics_registry().collect(cluster.now()), cluster.now());
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

}  // namespace klab
