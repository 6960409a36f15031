#include "inspect/inspect_schema.hpp"

namespace klab::inspect {

std::string_view schema_sql() {
  return R"sql(-- klab inspector database (schema version 1; PRAGMA application_id 0x6B6C6162 'klab').
-- Every time_ms is simulated milliseconds since the cluster started (what c:now() returns).
-- Samples are taken each time the simulated clock passes a multiple of sample_ms, and on demand
-- (inspect.sample()). Sampled tables hold the state at that instant; events are recorded as they happen.

-- What this database records: format, schema_version, seed, brokers, sample_ms.
CREATE TABLE klab_database (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- One row per sample. reason: 'periodic' (a multiple of sample_ms) or 'on demand'.
CREATE TABLE samples (
  sample_id INTEGER PRIMARY KEY,
  time_ms INTEGER NOT NULL,
  reason TEXT NOT NULL);

-- Each broker at each sample. controller: 1 for the active controller.
CREATE TABLE brokers (
  sample_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  broker INTEGER NOT NULL, alive INTEGER NOT NULL, isolated INTEGER NOT NULL,
  fenced INTEGER NOT NULL, controller INTEGER NOT NULL);

-- Each topic at each sample. internal: 1 for __consumer_offsets.
CREATE TABLE topics (
  sample_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  topic TEXT NOT NULL, topic_id TEXT NOT NULL, partitions INTEGER NOT NULL,
  replication_factor INTEGER NOT NULL, internal INTEGER NOT NULL);

-- Each partition at each sample, as kafka-topics.sh --describe shows it. leader is NULL while the
-- partition is offline; replicas and isr are broker ids joined by ',' (replicas[0] is preferred).
-- Offsets are the leader's: log start, high watermark, log end (next offset to write).
CREATE TABLE partitions (
  sample_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  topic TEXT NOT NULL, partition INTEGER NOT NULL,
  leader INTEGER, leader_epoch INTEGER NOT NULL,
  replicas TEXT NOT NULL, isr TEXT NOT NULL,
  replica_count INTEGER NOT NULL, isr_count INTEGER NOT NULL,
  under_replicated INTEGER NOT NULL,  -- 1 when isr_count < replica_count
  offline INTEGER NOT NULL,           -- 1 when no leader
  log_start_offset INTEGER NOT NULL, high_watermark INTEGER NOT NULL,
  log_end_offset INTEGER NOT NULL, size_bytes INTEGER NOT NULL);
CREATE INDEX partitions_by_time ON partitions (time_ms, topic, partition);

-- Each replica (one copy of a partition, on one broker) at each sample: its own log's offsets.
-- role: 'leader' or 'follower'; in_sync: 1 when the broker is in the ISR.
CREATE TABLE replicas (
  sample_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  topic TEXT NOT NULL, partition INTEGER NOT NULL, broker INTEGER NOT NULL,
  role TEXT NOT NULL, in_sync INTEGER NOT NULL, broker_alive INTEGER NOT NULL,
  log_start_offset INTEGER NOT NULL, high_watermark INTEGER NOT NULL,
  log_end_offset INTEGER NOT NULL, size_bytes INTEGER NOT NULL);
CREATE INDEX replicas_by_time ON replicas (time_ms, topic, partition);

-- Each consumer group its coordinator holds, at each sample (kafka-consumer-groups.sh --describe --state).
CREATE TABLE groups (
  sample_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  group_id TEXT NOT NULL, state TEXT NOT NULL, protocol_type TEXT NOT NULL,
  assignment_strategy TEXT NOT NULL, generation INTEGER NOT NULL,
  coordinator INTEGER,  -- NULL when no coordinator is alive
  members INTEGER NOT NULL);

-- Committed offset and lag per group and partition at each sample (kafka-consumer-groups.sh
-- --describe). log_end_offset is the high watermark (what ListOffsets(latest) answers);
-- lag = log_end_offset - committed_offset; both NULL while the group committed nothing there.
-- consumer_id, client_id, host: the owning member, '-' when nobody owns the partition.
CREATE TABLE group_offsets (
  sample_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  group_id TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  committed_offset INTEGER, log_end_offset INTEGER NOT NULL, lag INTEGER,
  consumer_id TEXT NOT NULL, client_id TEXT NOT NULL, host TEXT NOT NULL);
CREATE INDEX group_offsets_by_group ON group_offsets (group_id, time_ms);

-- Every metric of the simulation at each sample, with Kafka's names: metric_group is the JMX type
-- or metrics group ('kafka.controller:type=KafkaController', 'producer-metrics'), tags a JSON object
-- in Kafka's order ({"topic":"orders","partition":"0"}; read one with json_extract(tags, '$.topic')).
CREATE TABLE metrics (
  sample_id INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  metric_group TEXT NOT NULL, name TEXT NOT NULL, tags TEXT NOT NULL, value REAL NOT NULL);
CREATE INDEX metrics_by_name ON metrics (name, time_ms);

-- Cluster events in the order they happened (c:events()): BrokerStopped, BrokerStarted,
-- ControllerElected, LeaderElected, UncleanLeaderElection, PartitionOffline, IsrShrink, IsrExpand,
-- Truncation, SegmentsDeleted, LogCleaned, RebalanceStarted, RebalanceCompleted, MemberJoined, ...
-- topic is NULL for broker-level events; partition and broker NULL when not about one.
CREATE TABLE events (
  event_id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, kind TEXT NOT NULL,
  topic TEXT, partition INTEGER, broker INTEGER, description TEXT NOT NULL);
CREATE INDEX events_by_kind ON events (kind, time_ms);

-- Views for the common questions.
-- The last sample taken.
CREATE VIEW latest_sample AS
  SELECT * FROM samples ORDER BY sample_id DESC LIMIT 1;
-- Total lag of each group at each sample (partitions with a committed offset).
CREATE VIEW group_lag AS
  SELECT sample_id, time_ms, group_id, SUM(lag) AS lag, MAX(lag) AS max_partition_lag,
         COUNT(lag) AS partitions
  FROM group_offsets GROUP BY sample_id, group_id;
-- Lag per group and partition at the latest sample.
CREATE VIEW latest_lag AS
  SELECT group_id, topic, partition, committed_offset, log_end_offset, lag, consumer_id, time_ms
  FROM group_offsets WHERE sample_id = (SELECT MAX(sample_id) FROM samples)
  ORDER BY group_id, topic, partition;
-- Every sampled moment a partition was under-replicated (ISR smaller than its replicas).
CREATE VIEW under_replicated AS
  SELECT time_ms, topic, partition, leader, replicas, isr FROM partitions WHERE under_replicated = 1;
-- Partitions under-replicated at the latest sample.
CREATE VIEW under_replicated_now AS
  SELECT topic, partition, leader, replicas, isr, time_ms FROM partitions
  WHERE under_replicated = 1 AND sample_id = (SELECT MAX(sample_id) FROM samples)
  ORDER BY topic, partition;
-- Leader elections (clean and unclean), in order.
CREATE VIEW leader_elections AS
  SELECT time_ms, topic, partition, broker AS new_leader, kind, description FROM events
  WHERE kind IN ('LeaderElected', 'UncleanLeaderElection') ORDER BY event_id;
)sql";
}

std::string_view drop_schema_sql() {
  return R"sql(
DROP VIEW IF EXISTS leader_elections; DROP VIEW IF EXISTS under_replicated_now;
DROP VIEW IF EXISTS under_replicated; DROP VIEW IF EXISTS latest_lag; DROP VIEW IF EXISTS group_lag;
DROP VIEW IF EXISTS latest_sample;
DROP TABLE IF EXISTS events; DROP TABLE IF EXISTS metrics; DROP TABLE IF EXISTS group_offsets;
DROP TABLE IF EXISTS groups; DROP TABLE IF EXISTS replicas; DROP TABLE IF EXISTS partitions;
DROP TABLE IF EXISTS topics; DROP TABLE IF EXISTS brokers; DROP TABLE IF EXISTS samples;
DROP TABLE IF EXISTS klab_database;
)sql";
}

}  // namespace klab::inspect
