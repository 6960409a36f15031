// klab.Cluster: topics, the simulated clock, and the factory for producers and consumers.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "kafka_cli_format.hpp"
#include "lua_bindings.hpp"
#include "lua_streams.hpp"
#include "lua_support.hpp"

namespace klab {
namespace {

constexpr const char* kClusterType = "klab.Cluster";

// Shared: a grader's Lua state and the sandboxed state of the script it grades use one cluster.
struct ClusterHandle {
  std::shared_ptr<Cluster> cluster;
};

std::optional<int32_t> opt_int32_field(lua_State* L, int table, const char* field, const char* function) {
  int type = raw_field(L, table, field);
  if (type == LUA_TNIL) {
    lua_pop(L, 1);
    return std::nullopt;
  }
  int is_integer = 0;
  lua_Integer value = lua_tointegerx(L, -1, &is_integer);
  lua_pop(L, 1);
  if (type != LUA_TNUMBER || !is_integer || value < INT32_MIN || value > INT32_MAX)
    throw LuaArgError(fmt::format("{}: '{}' must be a whole number", function, field));
  return static_cast<int32_t>(value);
}

void push_description(lua_State* L, const TopicDescription& description) {
  lua_createtable(L, 0, 6);
  lua_pushstring(L, description.name.c_str());
  lua_setfield(L, -2, "name");
  lua_pushstring(L, description.topic_id.c_str());
  lua_setfield(L, -2, "topic_id");
  lua_pushinteger(L, static_cast<lua_Integer>(description.partitions.size()));
  lua_setfield(L, -2, "partition_count");
  lua_pushinteger(L, description.replication_factor);
  lua_setfield(L, -2, "replication_factor");
  lua_createtable(L, static_cast<int>(description.partitions.size()), 0);
  for (std::size_t i = 0; i < description.partitions.size(); ++i) {
    const PartitionDescription& p = description.partitions[i];
    lua_createtable(L, 0, 9);
    lua_pushinteger(L, p.partition), lua_setfield(L, -2, "partition");
    if (p.leader >= 0) lua_pushinteger(L, p.leader), lua_setfield(L, -2, "leader");
    push_int_array(L, p.replicas), lua_setfield(L, -2, "replicas");
    push_int_array(L, p.in_sync_replicas), lua_setfield(L, -2, "isr");
    lua_pushinteger(L, p.log_start_offset), lua_setfield(L, -2, "log_start_offset");
    lua_pushinteger(L, p.high_watermark), lua_setfield(L, -2, "high_watermark");
    lua_pushinteger(L, p.log_end_offset), lua_setfield(L, -2, "log_end_offset");
    lua_pushinteger(L, static_cast<lua_Integer>(p.segment_count)), lua_setfield(L, -2, "segments");
    lua_pushinteger(L, p.size_bytes), lua_setfield(L, -2, "size_bytes");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "partitions");
  int64_t leader_bytes = 0;  // what retention counts: the leaders' stored (compressed) bytes
  for (const PartitionDescription& p : description.partitions) leader_bytes += p.size_bytes;
  lua_pushinteger(L, leader_bytes), lua_setfield(L, -2, "size_bytes");
  lua_createtable(L, 0, static_cast<int>(description.configs.size()));
  for (const TopicConfigEntry& entry : description.configs) {
    lua_pushstring(L, entry.value.c_str());
    lua_setfield(L, -2, entry.name.c_str());
  }
  lua_setfield(L, -2, "config");
  // The printed form is kafka-topics.sh --describe, kept with the table it describes.
  set_printed_form(L, format_topic_describe(description), "klab.TopicDescription");
}

int cluster_create_topic(lua_State* L) {
  refuse_nested("c:create_topic()");
  Cluster& cluster = check_cluster(L, 1, "create_topic");
  std::string name = check_string(L, 2, "create_topic", "topic name (string)");
  TopicSpec spec;
  if (!lua_isnoneornil(L, 3)) {
    check_table(L, 3, "create_topic");
    spec.partitions = opt_int32_field(L, 3, "partitions", "create_topic");
    spec.replication_factor = opt_int32_field(L, 3, "replication_factor", "create_topic");
    if (raw_field(L, 3, "config") != LUA_TNIL) {
      if (!lua_istable(L, -1)) throw LuaArgError("create_topic: 'config' must be a table of topic configs");
      spec.config = config_entries_from_table(L, -1, "create_topic");
    }
    lua_pop(L, 1);
  }
  Result<CreateTopicResult> created = cluster.create_topic(name, spec);
  if (!created) return push_kafka_error(L, created.error());
  for (const std::string& warning : created->warnings) std::cerr << warning << '\n';
  lua_pushboolean(L, true);
  return 1;
}

int cluster_delete_topic(lua_State* L) {
  refuse_nested("c:delete_topic()");
  Cluster& cluster = check_cluster(L, 1, "delete_topic");
  Status deleted = cluster.delete_topic(check_string(L, 2, "delete_topic", "topic name (string)"));
  if (!deleted) return push_kafka_error(L, deleted.error());
  lua_pushboolean(L, true);
  return 1;
}

int cluster_create_partitions(lua_State* L) {
  refuse_nested("c:create_partitions()");
  Cluster& cluster = check_cluster(L, 1, "create_partitions");
  std::string name = check_string(L, 2, "create_partitions", "topic name (string)");
  int64_t total = check_integer(L, 3, "create_partitions");
  if (total > INT32_MAX) total = INT32_MAX;
  Status grown = cluster.create_partitions(name, static_cast<int32_t>(total));
  if (!grown) return push_kafka_error(L, grown.error());
  lua_pushboolean(L, true);
  return 1;
}

int cluster_alter_topic_config(lua_State* L) {
  refuse_nested("c:alter_topic_config()");
  Cluster& cluster = check_cluster(L, 1, "alter_topic_config");
  std::string name = check_string(L, 2, "alter_topic_config", "topic name (string)");
  check_table(L, 3, "alter_topic_config");
  Status altered = cluster.alter_topic_config(name, config_entries_from_table(L, 3, "alter_topic_config"));
  if (!altered) return push_kafka_error(L, altered.error());
  lua_pushboolean(L, true);
  return 1;
}

int cluster_topics(lua_State* L) {
  push_string_array(L, check_cluster(L, 1, "topics").topic_names());
  return 1;
}

int cluster_describe_topic(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "describe_topic");
  Result<TopicDescription> description = cluster.describe_topic(check_string(L, 2, "describe_topic", "topic name (string)"));
  if (!description) return push_kafka_error(L, description.error());
  push_description(L, *description);
  return 1;
}

int cluster_now(lua_State* L) {
  lua_pushinteger(L, check_cluster(L, 1, "now").now());
  return 1;
}

int cluster_advance(lua_State* L) {
  refuse_nested("c:advance()");
  Cluster& cluster = check_cluster(L, 1, "advance");
  int64_t ms = check_integer(L, 2, "advance");
  if (ms < 0) throw LuaArgError("advance: time only moves forward (got a negative number of milliseconds)");
  cluster.advance(ms);
  lua_pushinteger(L, cluster.now());
  return 1;
}

int cluster_brokers(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "brokers");
  const auto& brokers = cluster.brokers();
  lua_createtable(L, static_cast<int>(brokers.size()), 0);
  for (std::size_t i = 0; i < brokers.size(); ++i) {
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, brokers[i].id), lua_setfield(L, -2, "id");
    lua_pushboolean(L, brokers[i].alive), lua_setfield(L, -2, "alive");
    lua_pushboolean(L, brokers[i].id == cluster.controller()), lua_setfield(L, -2, "controller");
    lua_pushboolean(L, brokers[i].isolated), lua_setfield(L, -2, "isolated");
    lua_pushboolean(L, brokers[i].fenced), lua_setfield(L, -2, "fenced");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

BrokerId check_broker_id(lua_State* L, int index, const char* function) {
  int64_t id = check_integer(L, index, function);
  return static_cast<BrokerId>(std::clamp<int64_t>(id, INT32_MIN, INT32_MAX));
}

int push_status(lua_State* L, const Status& status) {
  if (!status) return push_kafka_error(L, status.error());
  lua_pushboolean(L, true);
  return 1;
}

int cluster_stop_broker(lua_State* L) {
  refuse_nested("c:stop_broker()");
  Cluster& cluster = check_cluster(L, 1, "stop_broker");
  return push_status(L, cluster.stop_broker(check_broker_id(L, 2, "stop_broker")));
}

int cluster_start_broker(lua_State* L) {
  refuse_nested("c:start_broker()");
  Cluster& cluster = check_cluster(L, 1, "start_broker");
  return push_status(L, cluster.start_broker(check_broker_id(L, 2, "start_broker")));
}

int cluster_isolate(lua_State* L) {
  refuse_nested("c:isolate()");
  Cluster& cluster = check_cluster(L, 1, "isolate");
  return push_status(L, cluster.isolate(check_broker_id(L, 2, "isolate")));
}

int cluster_heal(lua_State* L) {
  refuse_nested("c:heal()");
  return push_status(L, check_cluster(L, 1, "heal").heal());
}

int cluster_controller(lua_State* L) {
  BrokerId controller = check_cluster(L, 1, "controller").controller();
  if (controller < 0) lua_pushnil(L);
  else lua_pushinteger(L, controller);
  return 1;
}

int cluster_elect_leaders(lua_State* L) {
  refuse_nested("c:elect_leaders()");
  Cluster& cluster = check_cluster(L, 1, "elect_leaders");
  Result<int32_t> moved = cluster.elect_preferred_leaders(check_string(L, 2, "elect_leaders", "topic name (string)"));
  if (!moved) return push_kafka_error(L, moved.error());
  lua_pushinteger(L, *moved);
  return 1;
}

int cluster_set_latency(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "set_latency");
  return push_status(L, cluster.set_latency(check_broker_id(L, 2, "set_latency"), check_broker_id(L, 3, "set_latency"),
                                            check_integer(L, 4, "set_latency")));
}

int cluster_drop_next_request(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "drop_next_request");
  return push_status(L, cluster.drop_next_request(check_broker_id(L, 2, "drop_next_request")));
}

int cluster_drop_next_response(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "drop_next_response");
  return push_status(L, cluster.drop_next_response(check_broker_id(L, 2, "drop_next_response")));
}

int cluster_events(lua_State* L) {
  Cluster& cluster = check_cluster(L, 1, "events");
  const auto& events = cluster.events();
  lua_createtable(L, static_cast<int>(events.size()), 0);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const ClusterEvent& event = events[i];
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, event.time), lua_setfield(L, -2, "time");
    lua_pushstring(L, event.kind.c_str()), lua_setfield(L, -2, "kind");
    if (!event.topic.empty()) lua_pushstring(L, event.topic.c_str()), lua_setfield(L, -2, "topic");
    if (event.partition >= 0) lua_pushinteger(L, event.partition), lua_setfield(L, -2, "partition");
    if (event.broker >= 0) lua_pushinteger(L, event.broker), lua_setfield(L, -2, "broker");
    lua_pushstring(L, event.description.c_str()), lua_setfield(L, -2, "description");
    if (!event.group.empty()) lua_pushstring(L, event.group.c_str()), lua_setfield(L, -2, "group");
    if (!event.client_id.empty()) lua_pushstring(L, event.client_id.c_str()), lua_setfield(L, -2, "client_id");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  luaL_setmetatable(L, "klab.ClusterEvents");
  return 1;
}

int cluster_seed(lua_State* L) {
  lua_pushinteger(L, static_cast<lua_Integer>(check_cluster(L, 1, "seed").seed()));
  return 1;
}

int cluster_tostring(lua_State* L) {
  // tostring never raises: a cluster finalized by hand still prints.
  auto* handle = static_cast<ClusterHandle*>(opt_userdata(L, 1, kClusterType, "__tostring"));
  if (!handle || !handle->cluster) {
    lua_pushliteral(L, "klab cluster (closed)");
    return 1;
  }
  const Cluster& cluster = *handle->cluster;
  std::string text = fmt::format("klab cluster: {} brokers, {} topics, seed {}, t={} ms", cluster.broker_ids().size(),
                                 cluster.topic_names().size(), cluster.seed(), cluster.now());
  lua_pushlstring(L, text.data(), text.size());
  return 1;
}

const MethodDoc kClusterMethods[] = {
    {"create_topic", lua_entry<cluster_create_topic>,
     "c:create_topic(name [, {partitions=, replication_factor=, config={...}}]) --> true | nil, err",
     "Creates a topic (kafka-topics.sh --create). Defaults: num.partitions and default.replication.factor. "
     "Errors: INVALID_TOPIC_EXCEPTION (name rules), TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, "
     "INVALID_REPLICATION_FACTOR, INVALID_CONFIG. A name with '.' or '_' prints Kafka's collision warning."},
    {"delete_topic", lua_entry<cluster_delete_topic>, "c:delete_topic(name) --> true | nil, err",
     "Deletes a topic and all its data."},
    {"create_partitions", lua_entry<cluster_create_partitions>, "c:create_partitions(name, total) --> true | nil, err",
     "Grows a topic to `total` partitions (kafka-topics.sh --alter --partitions). Partitions can only be added, "
     "and keys may now map to other partitions."},
    {"alter_topic_config", lua_entry<cluster_alter_topic_config>,
     "c:alter_topic_config(name, {key = value, ...}) --> true | nil, err",
     "Sets topic configs (kafka-configs.sh --alter --add-config)."},
    {"describe_configs", lua_entry<cluster_describe_configs>,
     "c:describe_configs(topic) --> { [\"retention.ms\"] = {value=, source=}, ... } | nil, err",
     "Every topic config with its effective value and where it comes from: \"topic\" (set on the topic), "
     "\"broker\" (a broker default such as log.retention.hours) or \"default\". Prints like "
     "kafka-configs.sh --describe --all."},
    {"schema_registry", lua_entry<cluster_schema_registry>, "c:schema_registry() --> registry",
     "The cluster's schema registry (help(\"schema_registry\")): register and look up Avro schemas by subject "
     "(<topic>-value), version and id, with compatibility levels. Producers with value.serializer = \"avro\" and "
     "consumers with value.deserializer = \"avro\" use it."},
    {"run_retention", lua_entry<cluster_run_retention>, "c:run_retention() --> { {topic, partition, broker, segments_deleted, ...}, ... }",
     "Runs every live broker's retention check now instead of waiting for log.retention.check.interval.ms: "
     "closed segments past retention.ms or retention.bytes (and below the log start offset) are deleted, "
     "never past the high watermark. Returns what each broker deleted. See help(\"retention\")."},
    {"run_cleaner", lua_entry<cluster_run_cleaner>, "c:run_cleaner() --> { {topic, partition, broker, records_kept, ...}, ... }",
     "Wakes every live broker's log cleaner now instead of after log.cleaner.backoff.ms. It compacts the "
     "replicas of compacted topics whose dirty ratio is above min.cleanable.dirty.ratio (or whose "
     "max.compaction.lag.ms passed), as Kafka's would. See help(\"compaction\")."},
    {"dump_log", lua_entry<cluster_dump_log>,
     "c:dump_log(topic, partition [, broker]) --> { segments = {{base_offset, size_bytes, active, records}}, records, ... }",
     "One replica's log (the leader's by default), segment by segment, record by record: offset, timestamp, "
     "key, value (nil for a tombstone). Prints like kafka-dump-log.sh --print-data-log."},
    {"delete_records", lua_entry<cluster_delete_records>,
     "c:delete_records(topic, partition, before_offset) --> { low_watermark = n } | nil, err",
     "kafka-delete-records.sh: the log start offset moves to before_offset (-1: the high watermark), so "
     "records below it can no longer be read; whole segments below it are deleted at the next retention "
     "check. OFFSET_OUT_OF_RANGE beyond the high watermark; POLICY_VIOLATION on a topic without delete "
     "in cleanup.policy."},
    {"topics", lua_entry<cluster_topics>, "c:topics() --> { name, ... }", "Topic names, sorted (kafka-topics.sh --list)."},
    {"describe_topic", lua_entry<cluster_describe_topic>, "c:describe_topic(name) --> description | nil, err",
     "A table {name, topic_id, partition_count, replication_factor, partitions = {{partition, leader, replicas, "
     "isr, log_start_offset, high_watermark, log_end_offset, segments, size_bytes}, ...}, size_bytes, config = {...}}. "
     "It prints like kafka-topics.sh --describe."},
    {"now", lua_entry<cluster_now>, "c:now() --> ms", "The simulated clock, in milliseconds since the cluster started."},
    {"advance", lua_entry<cluster_advance>, "c:advance(ms) --> now",
     "Lets `ms` simulated milliseconds pass: every timed event in between happens (lingering batches are sent, ...)."},
    {"pause", lua_entry<cluster_pause>, "c:pause() --> now",
     "Under `klab serve` (help(\"serve\")): freezes the clock, which otherwise follows the wall clock; while paused "
     "c:advance(ms) steps it at once. Elsewhere an error: a pure simulation's clock never moves by itself."},
    {"resume", lua_entry<cluster_resume>, "c:resume() --> now",
     "Under `klab serve`: the clock follows the wall clock again, from where it is."},
    {"connections", lua_entry<cluster_connections>,
     "c:connections() --> { {broker, address, client_id, software_name, software_version, requests = {Produce = n, ...}}, ... }",
     "Under `klab serve`: the real Kafka clients connected now, what they say they are (KIP-511) and the "
     "requests each sent by API. Empty outside serve mode."},
    {"serving", lua_entry<cluster_serving>, "c:serving() --> boolean",
     "True for the cluster `klab serve` serves to real clients (a serve lab, such as lab 18, is checked on it)."},
    {"brokers", lua_entry<cluster_brokers>, "c:brokers() --> { {id=, alive=, controller=, isolated=, fenced=}, ... }",
     "The brokers of the cluster: running or stopped, which one is the controller, which are cut off by "
     "c:isolate() and which of those the controller has fenced."},
    {"seed", lua_entry<cluster_seed>, "c:seed() --> number", "The seed: the same seed and script give the same run."},
    {"stop_broker", lua_entry<cluster_stop_broker>, "c:stop_broker(id) --> true | nil, err",
     "Stops a broker (like a controlled shutdown: it is fenced at once). It leaves every ISR; the partitions it "
     "led elect a new leader among the in-sync replicas, or go offline (Leader: none) when none is alive, "
     "unless unclean.leader.election.enable lets an out-of-sync replica lead."},
    {"start_broker", lua_entry<cluster_start_broker>, "c:start_broker(id) --> true | nil, err",
     "Starts a stopped broker. Its replicas truncate whatever the current leaders never had, fetch, and "
     "rejoin the ISR once caught up."},
    {"isolate", lua_entry<cluster_isolate>, "c:isolate(id) --> true | nil, err",
     "A network partition: broker `id` can no longer reach the other brokers or the controller; clients still "
     "reach it. Followers stop fetching across the cut; an isolated leader's high watermark freezes (acks=all "
     "writes wait). After broker.session.timeout.ms (9000) the controller fences it: it leaves every ISR and "
     "its partitions get new leaders, but it does not know, and keeps taking acks=1 writes from producers "
     "whose metadata still names it (a zombie leader). See help(\"failures\")."},
    {"heal", lua_entry<cluster_heal>, "c:heal() --> true | nil, err",
     "Ends every network partition made by c:isolate(). A zombie leader learns of the new leader and "
     "truncates what it took meanwhile (lost: see c:events()); followers catch up and rejoin the ISR."},
    {"controller", lua_entry<cluster_controller>, "c:controller() --> id | nil",
     "The active controller: at first the lowest broker id; it keeps the role until it stops or is cut off, "
     "then the lowest connected live broker takes over."},
    {"elect_leaders", lua_entry<cluster_elect_leaders>, "c:elect_leaders(topic) --> moved | nil, err",
     "Preferred-replica election (kafka-leader-election.sh --election-type preferred): each partition whose "
     "first replica is alive and in sync gets it back as leader. Returns how many leaders moved."},
    {"set_latency", lua_entry<cluster_set_latency>, "c:set_latency(from, to, ms) --> true | nil, err",
     "Simulated one-way network latency from broker `from` to broker `to` (a slow follower link)."},
    {"drop_next_request", lua_entry<cluster_drop_next_request>, "c:drop_next_request(broker) --> true | nil, err",
     "The next request a klab client sends to `broker` is lost on the way. A produce request: nothing is "
     "written, and the producer times out after request.timeout.ms and retries (with several requests in "
     "flight and no idempotence, the retried batch lands after later ones: reordering). A consumer's group "
     "request (heartbeat, commit, join): the consumer treats it as a disconnect and finds its coordinator "
     "again. Consumer fetches are not affected yet."},
    {"drop_next_response", lua_entry<cluster_drop_next_response>, "c:drop_next_response(broker) --> true | nil, err",
     "`broker` handles the next request a klab client sends it, but its answer is lost. A produce request "
     "(the records are written): the producer times out and retries; without idempotence the retry writes "
     "the records a second time, with it the leader recognises the sequence numbers and answers with the "
     "original offsets. A consumer's commit: it is stored, and commit_sync retries it."},
    {"events", lua_entry<cluster_events>, "c:events() --> { {time, kind, topic, partition, broker, description, group, client_id}, ... }",
     "The cluster's timeline: broker stops and starts, controller changes, leader elections, ISR shrinks and "
     "expansions, truncations, rebalances and consumer callbacks, with their simulated time; group and "
     "client_id name the consumer group and the consumer an event is about."},
    {"metrics", lua_entry<cluster_metrics>,
     "c:metrics() --> { UnderReplicatedPartitions = n, ... }   c:metrics{ all = true | name = | group = } --> samples",
     "Without options: the controller's summary of the cluster by Kafka's JMX names: UnderReplicatedPartitions, "
     "OfflinePartitionsCount, ActiveControllerCount, IsrShrinksPerSec, IsrExpandsPerSec, "
     "LeaderElectionRateAndTimeMs, UncleanLeaderElectionsPerSec (the *PerSec and election metrics are counts "
     "since the start). With { all = true }: every metric of the simulation as a list of {group, name, tags, "
     "value}: each running broker's (BrokerTopicMetrics, ReplicaManager, KafkaController, ControllerStats, "
     "RequestMetrics; a meter's Count under its name, its rates as name.OneMinuteRate ...), each live "
     "producer's (producer-metrics, producer-topic-metrics) and consumer's (consumer-fetch-manager-metrics). "
     "{ name = \"BytesInPerSec\" } or { group = \"producer-metrics\" } keeps only those. See help(\"metrics\")."},
    {"metrics_text", lua_entry<cluster_metrics_text>, "c:metrics_text() --> string",
     "Every metric in Prometheus' text format, named as the Prometheus JMX exporter names Kafka's MBeans "
     "(kafka_server_brokertopicmetrics_bytesin_total{broker=\"1\",topic=\"t\"}, "
     "kafka_producer_producer_metrics_record_send_rate{client_id=\"producer-1\"}). print() it."},
    {"groups", lua_entry<cluster_groups>, "c:groups() --> { {group_id=, state=, protocol_type=}, ... }",
     "The consumer groups the coordinators know (kafka-consumer-groups.sh --list; prints the ids)."},
    {"describe_group", lua_entry<cluster_describe_group>,
     "c:describe_group(id) --> {state, assignment_strategy, generation, coordinator, members, partitions}",
     "kafka-consumer-groups.sh --describe --group id: per partition the committed offset (CURRENT-OFFSET), the "
     "log end offset, the lag and the member that owns it; prints like the tool, with its notices for an empty, "
     "rebalancing or unknown group."},
    {"reset_offsets", lua_entry<cluster_reset_offsets>,
     "c:reset_offsets{ group=, topic= | topics= | all_topics=true, [partitions={...}], to_earliest=true | "
     "to_latest=true | to_current=true | to_offset=n | shift_by=n | to_datetime=\"YYYY-MM-DDTHH:mm:SS.sss\" | "
     "by_duration=\"PT10M\", [execute=true] } --> {plan, warnings, executed} | nil, err",
     "kafka-consumer-groups.sh --reset-offsets: a dry run by default (the plan: NEW-OFFSET per partition); "
     "execute = true stores it. Refused while the group has active members (stop them first); offsets beyond "
     "the log are clamped to its start or end, with a warning, as Kafka does."},
    {"delete_group", lua_entry<cluster_delete_group>, "c:delete_group(id) --> true | nil, err",
     "kafka-consumer-groups.sh --delete: removes the group and its committed offsets (a tombstone in "
     "__consumer_offsets). Refused while it has members (NON_EMPTY_GROUP)."},
    {"producer", lua_entry<new_producer>, "c:producer{ [\"acks\"] = \"all\", [\"linger.ms\"] = 5, ... } --> producer",
     "A new producer. Keys are Kafka producer configs; see help(\"producer\")."},
    {"streams", lua_entry<new_streams_app>,
     "c:streams(builder, { [\"application.id\"] = \"wordcount\", ... } [, { log = false }]) --> app",
     "A Kafka Streams application instance running the builder's topology; app:start() starts it. Instances with "
     "the same application.id share the partitions. Prints its log lines (restorations, state changes) unless "
     "log = false. See help(\"streams\")."},
    {"consumer", lua_entry<new_consumer>,
     "c:consumer{ [\"auto.offset.reset\"] = \"earliest\", ... } --> consumer",
     "A new consumer. Keys are Kafka consumer configs; see help(\"consumer\")."},
    {"connect", lua_entry<cluster_connect>,
     "c:connect([{dir = \".\", [\"offset.flush.interval.ms\"] = 60000}]) --> worker",
     "The cluster's standalone Kafka Connect worker, started on first call in `dir` (default: the current "
     "directory; in graded labs a fresh temporary one). See help(\"connect\")."},
};

}  // namespace

Cluster& check_cluster(lua_State* L, int index, const char* function) {
  auto* handle = static_cast<ClusterHandle*>(check_userdata(L, index, kClusterType, function));
  if (!handle->cluster) throw LuaArgError("this cluster was closed");
  return *handle->cluster;
}

Cluster& push_new_cluster(lua_State* L, const ClusterOptions& options) {
  Result<std::unique_ptr<Cluster>> created = Cluster::create(options);
  if (!created) throw LuaArgError("klab.cluster: " + created.error().message);
  return push_shared_cluster(L, std::shared_ptr<Cluster>(std::move(created).value()));
}

Cluster& push_shared_cluster(lua_State* L, std::shared_ptr<Cluster> cluster) {
  return *push_object(L, kClusterType, ClusterHandle{std::move(cluster)}).cluster;
}

std::shared_ptr<Cluster> shared_cluster(lua_State* L, int index) {
  auto* handle = static_cast<ClusterHandle*>(test_userdata(L, index, kClusterType));
  return handle ? handle->cluster : nullptr;
}

const TypeDoc kClusterTypeDoc{kClusterType, "cluster",
                              "A simulated Kafka cluster: brokers, topics, a simulated clock and a seeded RNG.",
                              kClusterMethods};

void register_cluster_type(lua_State* L) {
  static const luaL_Reg metamethods[] = {{"__tostring", lua_entry<cluster_tostring>}};
  register_type(L, kClusterTypeDoc, metamethods);
  // Events print as a table with these columns first.
  luaL_newmetatable(L, "klab.ClusterEvents");
  const char* fields[] = {"time", "kind", "description"};
  lua_createtable(L, 3, 0);
  for (int i = 0; i < 3; ++i) {
    lua_pushstring(L, fields[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "__fields");
  lua_pop(L, 1);
}

}  // namespace klab
