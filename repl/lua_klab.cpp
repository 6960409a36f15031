// The global `klab` table: klab.cluster{...}, Kafka's partitioner arithmetic, and registration
// of every bound type.
#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "base/hashing.hpp"
#include "embedded_lua.hpp"
#include "client/partitioners.hpp"
#include "group/coordinator_records.hpp"
#include "help.hpp"
#include "lua_bindings.hpp"
#include "lua_streams.hpp"
#include "lua_support.hpp"
#include "group_diagram.hpp"
#include "topic_diagram.hpp"

namespace klab {
namespace {

int klab_cluster(lua_State* L) {
  ClusterOptions options;
  if (!lua_isnoneornil(L, 1)) {
    check_table(L, 1, "cluster");
    auto int_field = [L](const char* name, int64_t low, int64_t high) -> std::optional<int64_t> {
      int type = raw_field(L, 1, name);
      std::optional<int64_t> value;
      if (type != LUA_TNIL) {
        if (!lua_isinteger(L, -1)) {
          lua_pop(L, 1);
          throw LuaArgError(fmt::format("klab.cluster: '{}' must be a whole number", name));
        }
        value = lua_tointeger(L, -1);
      }
      lua_pop(L, 1);
      if (value && (*value < low || *value > high))
        throw LuaArgError(fmt::format("klab.cluster: '{}' must be between {} and {} (got {})", name, low, high, *value));
      return value;
    };
    if (auto brokers = int_field("brokers", 1, 100)) options.brokers = static_cast<int32_t>(*brokers);
    if (auto seed = int_field("seed", INT64_MIN, INT64_MAX)) options.seed = static_cast<uint64_t>(*seed);
    if (auto latency = int_field("latency_ms", 0, 60000)) options.network_latency_ms = *latency;
    if (auto bandwidth = int_field("bandwidth_mbps", 0, 1000000)) options.network_bandwidth_mbps = *bandwidth;
    if (raw_field(L, 1, "config") != LUA_TNIL) {
      if (!lua_istable(L, -1)) throw LuaArgError("klab.cluster: 'config' must be a table of broker configs");
      options.config = config_entries_from_table(L, -1, "klab.cluster");
    }
    lua_pop(L, 1);
  }
  push_new_cluster(L, options);
  return 1;
}

std::string_view check_key_bytes(lua_State* L, int index, const char* function) {
  if (lua_type(L, index) != LUA_TSTRING) arg_error(L, index, function, "string (the key's bytes)");
  std::size_t length = 0;
  const char* data = lua_tolstring(L, index, &length);
  return std::string_view(data, length);
}

int klab_partition_for(lua_State* L) {
  std::string_view key = check_key_bytes(L, 1, "partition_for");
  int64_t count = check_integer(L, 2, "partition_for");
  if (count < 1 || count > INT32_MAX) throw LuaArgError("partition_for: the partition count must be at least 1");
  std::optional<std::string> partitioner = opt_string(L, 3, "partition_for");
  auto n = static_cast<int32_t>(count);
  if (!partitioner || *partitioner == "murmur2" || *partitioner == "murmur2_random" || *partitioner == "java") {
    lua_pushinteger(L, java_key_partition(key, n));
  } else if (*partitioner == "consistent" || *partitioner == "consistent_random") {
    lua_pushinteger(L, static_cast<lua_Integer>(crc32(key) % static_cast<uint32_t>(n)));
  } else {
    throw LuaArgError(fmt::format("partition_for: unknown partitioner '{}' (use \"murmur2\" — the Java client's — "
                                  "or librdkafka's \"consistent_random\")", *partitioner));
  }
  return 1;
}

int klab_murmur2(lua_State* L) {
  lua_pushinteger(L, murmur2(check_key_bytes(L, 1, "murmur2")));
  return 1;
}

int klab_crc32(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(crc32(check_key_bytes(L, 1, "crc32"))));
  return 1;
}

int klab_to_positive(lua_State* L) {
  int64_t number = check_integer(L, 1, "to_positive");
  lua_pushinteger(L, to_positive(static_cast<int32_t>(number)));
  return 1;
}

// klab.diagram(cluster, topic [, path]): the topic as SVG, also written to `path` when given (not
// from a graded script: the sandbox sets the registry flag klab.no_files).
int klab_diagram(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "diagram");
  Result<std::string> svg = std::string();
  if (lua_istable(L, 2)) {  // {group = "id"} or {topic = "name"}
    if (raw_field(L, 2, "group") == LUA_TSTRING) {
      svg = group_diagram_svg(cluster, lua_tostring(L, -1));
    } else if (lua_pop(L, 1), raw_field(L, 2, "topic") == LUA_TSTRING) {
      svg = topic_diagram_svg(cluster, lua_tostring(L, -1));
    } else {
      throw LuaArgError("diagram: give a topic name, {topic = \"name\"} or {group = \"id\"}");
    }
    lua_pop(L, 1);
  } else {
    svg = topic_diagram_svg(cluster, check_string(L, 2, "diagram"));
  }
  if (!svg) return push_kafka_error(L, svg.error());
  if (!lua_isnoneornil(L, 3)) {
    std::string path = check_string(L, 3, "diagram");
    lua_getfield(L, LUA_REGISTRYINDEX, "klab.no_files");
    const bool no_files = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (no_files) throw LuaArgError("diagram: a graded script cannot write files");
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << *svg;
    if (!out.flush()) throw LuaArgError("diagram: cannot write " + path);
  }
  lua_pushlstring(L, svg->data(), svg->size());
  return 1;
}

// Real CPU time of this process in ms, for klab.compare_producers (never used by the kernel).
int klab_cpu_ms(lua_State* L) {
  lua_pushnumber(L, static_cast<lua_Number>(std::clock()) * 1000.0 / CLOCKS_PER_SEC);
  return 1;
}

// Delegates to repl/lua/throughput.lua, loaded on first use and kept in the registry. Lua code
// runs under lua_pcall only: its errors come back as a message (see lua_support.hpp).
int klab_compare_producers(lua_State* L) {
  auto raise_on_failure = [L](int status) {
    if (status == LUA_OK) return;
    std::string message = lua_tostring(L, -1) ? lua_tostring(L, -1) : "error in compare_producers";
    lua_pop(L, 1);
    throw LuaArgError(message);
  };
  lua_getfield(L, LUA_REGISTRYINDEX, "klab.throughput");
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    std::optional<std::string_view> source = embedded_lua("throughput.lua");
    if (!source) throw LuaArgError("compare_producers: throughput.lua is not embedded in this binary");
    raise_on_failure(luaL_loadbuffer(L, source->data(), source->size(), "=throughput.lua"));
    raise_on_failure(protected_call(L, 0, 1, 0, true));
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "klab.throughput");
  }
  lua_getfield(L, -1, "compare_producers");
  lua_pushvalue(L, 1);
  raise_on_failure(protected_call(L, 1, 2, 0, true));
  return 2;
}

// klab.format_offsets_record(key, value): a __consumer_offsets record as kafka-console-consumer
// prints it with --formatter OffsetsMessageFormatter (commits) or GroupMetadataMessageFormatter
// (group metadata); nil for a record neither formatter prints.
int klab_format_offsets_record(lua_State* L) {
  auto bytes = [L](int index) -> std::optional<std::string_view> {
    if (lua_isnoneornil(L, index)) return std::nullopt;
    if (lua_type(L, index) != LUA_TSTRING) arg_error(L, index, "format_offsets_record", "string or nil");
    size_t length = 0;
    const char* data = lua_tolstring(L, index, &length);
    return std::string_view(data, length);
  };
  const std::optional<std::string_view> key = bytes(1), value = bytes(2);
  std::optional<std::string> line = group::format_offsets_message(key, value);
  if (!line) line = group::format_group_metadata_message(key, value);
  if (!line) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushlstring(L, line->data(), line->size());
  return 1;
}

// Lab folders (labs/NN-slug) under the labs directory, sorted; used by the lab engine.
int klab_lab_dirs(lua_State* L) {
  std::string root = check_string(L, 1, "lab_dirs");
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(root, error)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "lab.lua")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  push_string_array(L, names);
  return 1;
}

const MethodDoc kKlabFunctions[] = {
    {"cluster", lua_entry<klab_cluster>,
     "klab.cluster{ brokers = 3, seed = 42, latency_ms = 1, bandwidth_mbps = 0, config = { [\"num.partitions\"] = 1 } } --> cluster",
     "A new simulated cluster. The seed drives every random choice (topic ids, replica placement, sticky "
     "partitions), so the same seed and script give the same run. config holds broker configs. latency_ms is "
     "the one-way client<->broker latency; bandwidth_mbps the client->broker link speed in megabits per second "
     "(0, the default: unlimited), so a produce request also costs its bytes over the link."},
    {"compare_producers", lua_entry<klab_compare_producers>,
     "klab.compare_producers{ runs = { { name =, config = {...}, flush_every = n }, ... }, records = n, value = s | fn(i), "
     "cluster = {...}, topic_config = {...} } --> rows, text",
     "Runs the same workload once per producer config, each on a fresh cluster built from `cluster`, and prints a "
     "table: records per simulated second, simulated ms, bytes sent, bytes stored, average batch size, "
     "compression-rate-avg and the run's real CPU ms. rows[i] has the same fields (records_per_sec, elapsed_ms, "
     "bytes_sent, bytes_stored, batch_size_avg, compression_rate, requests, cpu_ms)."},
    {"streams_builder", lua_entry<new_streams_builder>, "klab.streams_builder() --> builder",
     "A Kafka Streams topology builder: b:stream(topic), b:table(topic), b:global_table(topic), then the DSL "
     "(filter, map_values, group_by, count, join, to, ...). Run it with c:streams(b, { [\"application.id\"] = ... }) or "
     "klab.topology_test_driver(b). See help(\"streams\")."},
    {"topology_test_driver", lua_entry<new_topology_test_driver>, "klab.topology_test_driver(builder) --> driver",
     "Runs the topology without a cluster, as Kafka's TopologyTestDriver: d:pipe_input(topic, key, value [, ts]), "
     "d:read_output(topic), d:store(name)."},
    {"partition_for", lua_entry<klab_partition_for>, "klab.partition_for(key, partition_count [, partitioner]) --> n",
     "The partition Kafka's default partitioner picks for `key`: toPositive(murmur2(key)) % partition_count. "
     "With \"consistent_random\": librdkafka's (kcat's) CRC32 answer instead."},
    {"murmur2", lua_entry<klab_murmur2>, "klab.murmur2(bytes) --> int32",
     "The Java client's murmur2 hash of the bytes (a signed 32-bit number)."},
    {"crc32", lua_entry<klab_crc32>, "klab.crc32(bytes) --> number", "CRC-32 of the bytes, as librdkafka's consistent partitioners use."},
    {"to_positive", lua_entry<klab_to_positive>, "klab.to_positive(n) --> n & 0x7fffffff",
     "Kafka's Utils.toPositive: clears the sign bit (a mask, not an absolute value)."},
    {"format_offsets_record", lua_entry<klab_format_offsets_record>,
     "klab.format_offsets_record(key, value) --> text | nil",
     "A record of the internal topic __consumer_offsets as Kafka's OffsetsMessageFormatter or "
     "GroupMetadataMessageFormatter prints it, e.g. [dash,orders,0]::OffsetAndMetadata(offset=5, ...). Read "
     "the topic with a consumer (assign its partitions) and pass each record's key and value."},
    {"diagram", lua_entry<klab_diagram>, "klab.diagram(cluster, topic | {group = id} [, path]) --> svg | nil, err",
     "A picture of the topic as SVG: a column per broker, a row per partition, each replica's role (leader, "
     "in-sync follower, out of sync), stopped or cut-off brokers, high watermark and log end offset. With "
     "`path`, also written to that file. With {group = id}: the group's members, the partitions each owns with "
     "their committed offset and lag, and partitions nobody owns. Also the global diagram(...) in the REPL."},
};

}  // namespace

std::span<const MethodDoc> klab_functions() { return kKlabFunctions; }

void open_klab(lua_State* L) {
  register_error_type(L);
  register_cluster_type(L);
  register_producer_type(L);
  register_consumer_type(L);
  register_inspect(L);
  register_schema_registry_type(L);
  register_connect_type(L);
  register_streams_dsl_types(L);
  register_streams_app_types(L);
  lua_createtable(L, 0, 8);
  for (const MethodDoc& function : kKlabFunctions) {
    lua_pushcfunction(L, function.function);
    lua_setfield(L, -2, function.name);
  }
  lua_pushcfunction(L, lua_entry<klab_lab_dirs>);
  lua_setfield(L, -2, "_lab_dirs");
  lua_pushcfunction(L, lua_entry<klab_cpu_ms>);
  lua_setfield(L, -2, "_cpu_ms");
  lua_pushcfunction(L, lua_entry<klab_connect_workdir>);
  lua_setfield(L, -2, "_connect_workdir");
  lua_pushstring(L, KLAB_VERSION);
  lua_setfield(L, -2, "version");
  lua_setglobal(L, "klab");
  open_help(L);
}

std::span<const TypeDoc* const> bound_types() {
  static const TypeDoc* const types[] = {&kClusterTypeDoc,        &kProducerTypeDoc,       &kConsumerTypeDoc,
                                         &kInspectorTypeDoc,      &kSchemaRegistryTypeDoc, &kConnectWorkerTypeDoc,
                                         &kStreamsBuilderTypeDoc, &kKStreamTypeDoc,        &kKTableTypeDoc,
                                         &kGroupedTypeDoc,        &kBranchedTypeDoc,       &kGlobalKTableTypeDoc,
                                         &kStreamsAppTypeDoc,     &kTestDriverTypeDoc};
  return types;
}

}  // namespace klab
