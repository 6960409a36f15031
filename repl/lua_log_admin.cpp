// klab.Cluster methods for a partition's storage: describe_configs, run_retention, run_cleaner,
// dump_log and delete_records. Thin: check arguments, call the kernel, convert the answer.
#include <fmt/format.h>

#include <algorithm>

#include "kafka_log_format.hpp"
#include "lua_bindings.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

int32_t check_partition(lua_State* L, int index, const char* function) {
  const int64_t partition = check_integer(L, index, function);
  if (partition < 0 || partition > INT32_MAX)
    throw LuaArgError(fmt::format("{}: partition must be a number from 0 (got {})", function, partition));
  return static_cast<int32_t>(partition);
}

void push_optional_bytes(lua_State* L, const std::optional<std::string_view>& bytes) {
  if (bytes) lua_pushlstring(L, bytes->data(), bytes->size());
  else lua_pushnil(L);
}

void push_reports(lua_State* L, const std::vector<LogMaintenanceReport>& reports, bool cleaner) {
  lua_createtable(L, static_cast<int>(reports.size()), 0);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const LogMaintenanceReport& r = reports[i];
    lua_createtable(L, 0, 10);
    lua_pushstring(L, r.topic.c_str()), lua_setfield(L, -2, "topic");
    lua_pushinteger(L, r.partition), lua_setfield(L, -2, "partition");
    lua_pushinteger(L, r.broker), lua_setfield(L, -2, "broker");
    lua_pushinteger(L, r.bytes_before), lua_setfield(L, -2, "bytes_before");
    lua_pushinteger(L, r.bytes_after), lua_setfield(L, -2, "bytes_after");
    lua_pushinteger(L, r.log_start_offset), lua_setfield(L, -2, "log_start_offset");
    lua_pushstring(L, r.reason.c_str()), lua_setfield(L, -2, "reason");
    if (cleaner) {
      lua_pushinteger(L, r.records_kept), lua_setfield(L, -2, "records_kept");
      lua_pushinteger(L, r.records_removed), lua_setfield(L, -2, "records_removed");
      lua_pushinteger(L, r.tombstones_removed), lua_setfield(L, -2, "tombstones_removed");
    } else {
      lua_pushinteger(L, r.segments_deleted), lua_setfield(L, -2, "segments_deleted");
    }
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
}

}  // namespace

int cluster_describe_configs(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "describe_configs");
  Result<TopicDescription> description =
      cluster.describe_topic(check_string(L, 2, "describe_configs", "topic name (string)"));
  if (!description) return push_kafka_error(L, description.error());
  lua_createtable(L, 0, static_cast<int>(description->configs.size()));
  for (const TopicConfigEntry& entry : description->configs) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, entry.value.c_str()), lua_setfield(L, -2, "value");
    const char* source = entry.source == ConfigSource::TopicConfig ? "topic"
                         : entry.source == ConfigSource::StaticBrokerConfig ? "broker"
                                                                             : "default";
    lua_pushstring(L, source), lua_setfield(L, -2, "source");
    lua_pushstring(L, config_source_name(entry.source)), lua_setfield(L, -2, "kafka_source");
    lua_setfield(L, -2, entry.name.c_str());
  }
  set_printed_form(L, format_describe_configs(*description), "klab.TopicConfigs");
  return 1;
}

int cluster_run_retention(lua_State* L) {
  refuse_nested("c:run_retention()");
  push_reports(L, check_cluster(L, 1, "run_retention").run_retention(), false);
  return 1;
}

int cluster_run_cleaner(lua_State* L) {
  refuse_nested("c:run_cleaner()");
  push_reports(L, check_cluster(L, 1, "run_cleaner").run_cleaner(), true);
  return 1;
}

int cluster_dump_log(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "dump_log");
  const std::string topic_name = check_string(L, 2, "dump_log", "topic name (string)");
  const int32_t partition_id = check_partition(L, 3, "dump_log");
  const Topic* topic = cluster.find_topic(topic_name);
  if (!topic || partition_id >= topic->partition_count())
    return push_kafka_error(L, Error{ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                                     fmt::format("Partition {}-{} does not exist.", topic_name, partition_id)});
  const Partition& partition = *topic->partitions[static_cast<std::size_t>(partition_id)];
  BrokerId broker = partition.leader >= 0 ? partition.leader : partition.last_leader;
  if (std::optional<int64_t> chosen = opt_integer(L, 4, "dump_log")) broker = static_cast<BrokerId>(*chosen);
  const Replica* replica = cluster.find_replica(topic_name, partition_id, broker);
  if (!replica)
    return push_kafka_error(L, Error{ErrorCode::REPLICA_NOT_AVAILABLE,
                                     fmt::format("Broker {} holds no replica of {}-{}.", broker, topic_name, partition_id)});
  const PartitionLog& log = replica->log;
  lua_createtable(L, 0, 7);
  lua_pushstring(L, topic_name.c_str()), lua_setfield(L, -2, "topic");
  lua_pushinteger(L, partition_id), lua_setfield(L, -2, "partition");
  lua_pushinteger(L, broker), lua_setfield(L, -2, "broker");
  lua_pushinteger(L, log.log_start_offset()), lua_setfield(L, -2, "log_start_offset");
  lua_pushinteger(L, log.log_end_offset()), lua_setfield(L, -2, "log_end_offset");
  lua_createtable(L, static_cast<int>(log.segments().size()), 0);
  lua_Integer record_index = 0;
  lua_createtable(L, 0, 0);  // all records, in offset order (below the segments table)
  DecompressedBatches decompressed;
  for (std::size_t s = 0; s < log.segments().size(); ++s) {
    const Segment& segment = log.segments()[s];
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, segment.base_offset()), lua_setfield(L, -2, "base_offset");
    lua_pushinteger(L, segment.size_bytes()), lua_setfield(L, -2, "size_bytes");
    lua_pushboolean(L, s + 1 == log.segments().size()), lua_setfield(L, -2, "active");
    lua_createtable(L, 0, 0);
    lua_Integer in_segment = 0;
    segment.for_each_batch(segment.base_offset(), [&](const RecordBatchView& batch) {
      const Result<RecordBatchView> plain = decompressed.plain(batch);
      if (!plain) return true;  // the printed dump marks it isvalid: false
      plain->for_each_record(0, [&](const RecordView& record) {
        lua_createtable(L, 0, 6);
        lua_pushinteger(L, record.offset), lua_setfield(L, -2, "offset");
        lua_pushinteger(L, record.timestamp), lua_setfield(L, -2, "timestamp");
        push_optional_bytes(L, record.key), lua_setfield(L, -2, "key");
        push_optional_bytes(L, record.value), lua_setfield(L, -2, "value");
        lua_pushboolean(L, !record.value.has_value()), lua_setfield(L, -2, "tombstone");
        lua_pushinteger(L, segment.base_offset()), lua_setfield(L, -2, "segment");
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, ++in_segment);      // segment.records
        lua_rawseti(L, -4, ++record_index);    // dump.records
        return true;
      });
      return true;
    });
    lua_setfield(L, -2, "records");
    lua_rawseti(L, -3, static_cast<lua_Integer>(s + 1));
  }
  lua_setfield(L, -3, "records");
  lua_setfield(L, -2, "segments");
  set_printed_form(L, format_dump_log(topic_name, partition_id, log), "klab.LogDump");
  return 1;
}

int cluster_delete_records(lua_State* L) {
  refuse_nested("c:delete_records()");
  Cluster& cluster = check_cluster(L, 1, "delete_records");
  const std::string topic = check_string(L, 2, "delete_records", "topic name (string)");
  const int32_t partition = check_partition(L, 3, "delete_records");
  const int64_t offset = check_integer(L, 4, "delete_records");
  Result<int64_t> low = cluster.delete_records(topic, partition, offset);
  if (!low) return push_kafka_error(L, low.error());
  lua_createtable(L, 0, 3);
  lua_pushstring(L, topic.c_str()), lua_setfield(L, -2, "topic");
  lua_pushinteger(L, partition), lua_setfield(L, -2, "partition");
  lua_pushinteger(L, *low), lua_setfield(L, -2, "low_watermark");
  set_printed_form(L,
                   fmt::format("Records delete operation completed:\npartition: {}-{}\tlow_watermark: {}", topic,
                               partition, *low),
                   "klab.DeleteRecordsResult");
  return 1;
}

}  // namespace klab
