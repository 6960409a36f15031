// The cluster's consumer-group admin calls (kafka-consumer-groups.sh): c:groups(),
// c:describe_group(id), c:reset_offsets{...} and c:delete_group(id). Results are tables that
// print as the tool prints them.
#include <fmt/format.h>

#include <cctype>
#include <ctime>
#include <set>

#include "group/group_admin.hpp"
#include "kafka_group_format.hpp"
#include "lua_bindings.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

void set_string(lua_State* L, const char* field, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_setfield(L, -2, field);
}

void set_optional_integer(lua_State* L, const char* field, const std::optional<int64_t>& value) {
  if (!value) return;
  lua_pushinteger(L, *value);
  lua_setfield(L, -2, field);
}

constexpr const char* kResetKeys =
    "group, topic, topics, partitions, all_topics, to_earliest, to_latest, to_current, to_offset, shift_by, "
    "to_datetime, by_duration, execute";

// Kafka's --to-datetime format, 'YYYY-MM-DDTHH:mm:SS.sss' (UTC here): milliseconds since the
// epoch, which is also where the simulated clock starts.
std::optional<int64_t> parse_datetime(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &used) != 6)
    return std::nullopt;
  std::string rest = text.substr(static_cast<std::size_t>(used));
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() != 4 || !std::isdigit(rest[1]) || !std::isdigit(rest[2]) || !std::isdigit(rest[3]))
      return std::nullopt;
    millis = std::stoi(rest.substr(1));
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::tm fields{};
  fields.tm_year = year - 1900;
  fields.tm_mon = month - 1;
  fields.tm_mday = day;
  fields.tm_hour = hour;
  fields.tm_min = minute;
  fields.tm_sec = second;
  return static_cast<int64_t>(timegm(&fields)) * 1000 + millis;
}

// Kafka's --by-duration format, ISO-8601 'PnDTnHnMnS' (seconds may have a fraction).
std::optional<int64_t> parse_duration(const std::string& text) {
  if (text.size() < 2 || text[0] != 'P') return std::nullopt;
  int64_t total = 0;
  bool in_time = false, any = false;
  std::size_t i = 1;
  while (i < text.size()) {
    if (text[i] == 'T') {
      in_time = true;
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
    if (start == i || i == text.size()) return std::nullopt;
    const double amount = std::stod(text.substr(start, i - start));
    const char unit = text[i++];
    double ms = 0;
    if (!in_time && unit == 'D') ms = amount * 86400000.0;
    else if (in_time && unit == 'H') ms = amount * 3600000.0;
    else if (in_time && unit == 'M') ms = amount * 60000.0;
    else if (in_time && unit == 'S') ms = amount * 1000.0;
    else return std::nullopt;
    total += static_cast<int64_t>(ms);
    any = true;
  }
  return any ? std::optional<int64_t>(total) : std::nullopt;
}

}  // namespace

int cluster_groups(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "groups");
  std::vector<group::GroupOverview> groups = group::list_groups(cluster);
  lua_createtable(L, static_cast<int>(groups.size()), 0);
  for (std::size_t i = 0; i < groups.size(); ++i) {
    lua_createtable(L, 0, 3);
    set_string(L, "group_id", groups[i].group_id);
    set_string(L, "state", groups[i].state);
    set_string(L, "protocol_type", groups[i].protocol_type);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  set_printed_form(L, format_group_list(groups), "klab.GroupList");
  return 1;
}

int cluster_describe_group(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "describe_group");
  std::string id = check_string(L, 2, "describe_group", "group id (string)");
  group::GroupDescription description = group::describe_group(cluster, id);
  lua_createtable(L, 0, 8);
  set_string(L, "group_id", description.group_id);
  set_string(L, "state", description.state);
  set_string(L, "assignment_strategy", description.assignment_strategy);
  lua_pushinteger(L, description.generation), lua_setfield(L, -2, "generation");
  if (description.coordinator >= 0) lua_pushinteger(L, description.coordinator), lua_setfield(L, -2, "coordinator");
  lua_createtable(L, static_cast<int>(description.members.size()), 0);
  for (std::size_t i = 0; i < description.members.size(); ++i) {
    const group::GroupMemberRow& member = description.members[i];
    lua_createtable(L, 0, 5);
    set_string(L, "consumer_id", member.consumer_id);
    if (member.group_instance_id) set_string(L, "group_instance_id", *member.group_instance_id);
    set_string(L, "host", member.host);
    set_string(L, "client_id", member.client_id);
    lua_createtable(L, static_cast<int>(member.assignment.size()), 0);
    for (std::size_t k = 0; k < member.assignment.size(); ++k) {
      lua_createtable(L, 0, 2);
      set_string(L, "topic", member.assignment[k].topic);
      lua_pushinteger(L, member.assignment[k].partition), lua_setfield(L, -2, "partition");
      lua_rawseti(L, -2, static_cast<lua_Integer>(k + 1));
    }
    lua_setfield(L, -2, "assignment");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "members");
  lua_createtable(L, static_cast<int>(description.partitions.size()), 0);
  for (std::size_t i = 0; i < description.partitions.size(); ++i) {
    const group::GroupPartitionRow& row = description.partitions[i];
    lua_createtable(L, 0, 8);
    set_string(L, "topic", row.topic);
    lua_pushinteger(L, row.partition), lua_setfield(L, -2, "partition");
    set_optional_integer(L, "current_offset", row.current_offset);
    lua_pushinteger(L, row.log_end_offset), lua_setfield(L, -2, "log_end_offset");
    set_optional_integer(L, "lag", row.lag);
    set_string(L, "consumer_id", row.consumer_id);
    set_string(L, "host", row.host);
    set_string(L, "client_id", row.client_id);
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "partitions");
  set_printed_form(L, format_group_describe(description), "klab.GroupDescription");
  return 1;
}

int cluster_reset_offsets(lua_State* L) {
  refuse_nested("c:reset_offsets()");
  Cluster& cluster = check_cluster(L, 1, "reset_offsets");
  check_table(L, 2, "reset_offsets");
  // Unknown keys are refused: a typo ("to_erliest") must not become a silent dry run of nothing.
  lua_pushnil(L);
  while (lua_next(L, 2) != 0) {
    lua_pop(L, 1);
    static const std::set<std::string, std::less<>> known = {
        "group", "topic", "topics", "partitions", "all_topics", "to_earliest", "to_latest", "to_current",
        "to_offset", "shift_by", "to_datetime", "by_duration", "execute"};
    std::string key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : std::string();
    if (!known.count(key))
      throw LuaArgError(fmt::format("reset_offsets: unknown option '{}' (options: {})",
                                    key.empty() ? luaL_typename(L, -1) : key, kResetKeys));
  }
  group::ResetOffsetsRequest request;
  if (raw_field(L, 2, "group") != LUA_TSTRING) throw LuaArgError("reset_offsets: 'group' (the group id) is required");
  request.group_id = lua_tostring(L, -1);
  lua_pop(L, 1);
  std::vector<int32_t> partitions;
  if (raw_field(L, 2, "partitions") != LUA_TNIL) {
    if (!lua_istable(L, -1)) throw LuaArgError("reset_offsets: 'partitions' must be a list of partition numbers");
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) != LUA_TNIL; ++i) {
      if (!lua_isinteger(L, -1)) throw LuaArgError("reset_offsets: 'partitions' must be a list of partition numbers");
      partitions.push_back(static_cast<int32_t>(lua_tointeger(L, -1)));
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (raw_field(L, 2, "topic") == LUA_TSTRING) request.topics.push_back(group::ResetTopic{lua_tostring(L, -1), partitions});
  else if (!lua_isnil(L, -1)) throw LuaArgError("reset_offsets: 'topic' must be a topic name");
  lua_pop(L, 1);
  if (raw_field(L, 2, "topics") != LUA_TNIL) {
    if (!lua_istable(L, -1)) throw LuaArgError("reset_offsets: 'topics' must be a list of topic names");
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; ++i) {
      request.topics.push_back(group::ResetTopic{lua_tostring(L, -1), partitions});
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  request.all_topics = raw_field(L, 2, "all_topics") != LUA_TNIL && lua_toboolean(L, -1);
  lua_pop(L, 1);
  request.execute = raw_field(L, 2, "execute") != LUA_TNIL && lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (request.topics.empty() && !request.all_topics)
    throw LuaArgError("reset_offsets: say which partitions: topic = \"name\" (optionally partitions = {0, 1}), "
                      "topics = {...}, or all_topics = true");
  int scopes = 0;
  auto scope = [&](const char* key, group::ResetScope chosen, auto&& read_value) {
    if (raw_field(L, 2, key) != LUA_TNIL) {
      ++scopes;
      request.scope = chosen;
      read_value();
    }
    lua_pop(L, 1);
  };
  auto integer_value = [&](const char* key) {
    return [&, key] {
      if (!lua_isinteger(L, -1)) throw LuaArgError(fmt::format("reset_offsets: '{}' must be a whole number", key));
      request.value = lua_tointeger(L, -1);
    };
  };
  scope("to_earliest", group::ResetScope::ToEarliest, [] {});
  scope("to_latest", group::ResetScope::ToLatest, [] {});
  scope("to_current", group::ResetScope::ToCurrent, [] {});
  scope("to_offset", group::ResetScope::ToOffset, integer_value("to_offset"));
  scope("shift_by", group::ResetScope::ShiftBy, integer_value("shift_by"));
  scope("to_datetime", group::ResetScope::ToDatetime, [&] {
    if (lua_isinteger(L, -1)) request.value = lua_tointeger(L, -1);
    else if (auto parsed = lua_type(L, -1) == LUA_TSTRING ? parse_datetime(lua_tostring(L, -1)) : std::nullopt)
      request.value = *parsed;
    else
      throw LuaArgError("reset_offsets: 'to_datetime' is 'YYYY-MM-DDTHH:mm:SS.sss' (simulated time starts at "
                        "1970-01-01T00:00:00.000) or milliseconds of simulated time");
  });
  scope("by_duration", group::ResetScope::ByDuration, [&] {
    if (lua_isinteger(L, -1)) request.value = lua_tointeger(L, -1);
    else if (auto parsed = lua_type(L, -1) == LUA_TSTRING ? parse_duration(lua_tostring(L, -1)) : std::nullopt)
      request.value = *parsed;
    else
      throw LuaArgError("reset_offsets: 'by_duration' is an ISO-8601 duration 'PnDTnHnMnS' (e.g. \"PT10M\") or "
                        "milliseconds");
  });
  if (scopes != 1)
    throw LuaArgError(fmt::format("reset_offsets: give exactly one of to_earliest, to_latest, to_current, to_offset, "
                                  "shift_by, to_datetime, by_duration (got {})", scopes));
  Result<group::ResetOffsetsResult> result = group::reset_offsets(cluster, request);
  if (!result) return push_kafka_error(L, result.error());
  lua_createtable(L, 0, 3);
  lua_createtable(L, static_cast<int>(result->plan.size()), 0);
  for (std::size_t i = 0; i < result->plan.size(); ++i) {
    lua_createtable(L, 0, 3);
    set_string(L, "topic", result->plan[i].topic);
    lua_pushinteger(L, result->plan[i].partition), lua_setfield(L, -2, "partition");
    lua_pushinteger(L, result->plan[i].new_offset), lua_setfield(L, -2, "new_offset");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "plan");
  push_string_array(L, result->warnings);
  lua_setfield(L, -2, "warnings");
  lua_pushboolean(L, result->executed), lua_setfield(L, -2, "executed");
  set_printed_form(L, format_reset_offsets(request.group_id, *result), "klab.ResetOffsets");
  return 1;
}

int cluster_delete_group(lua_State* L) {
  refuse_nested("c:delete_group()");
  Cluster& cluster = check_cluster(L, 1, "delete_group");
  Status deleted = group::delete_group(cluster, check_string(L, 2, "delete_group", "group id (string)"));
  if (!deleted) return push_kafka_error(L, deleted.error());
  lua_pushboolean(L, true);
  return 1;
}


}  // namespace klab
