#include "inspect/inspect_schema.hpp"

namespace klab::inspect {

std::string_view schema_sql() {
  return R"sql(-- klab inspector database (schema version 2; PRAGMA application_id 0x6B6C6162 'klab').
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

-- The sampled state is stored as spans: one row per entity (a broker, a partition, a metric, ...)
-- per stretch of consecutive samples during which none of its values changed, from first_sample to
-- last_sample (both sample_ids, inclusive; last_sample is NULL while the span is still open, i.e.
-- up to the latest sample). A view with the same columns and a row per entity per sample (brokers,
-- topics, partitions, replicas, groups, group_offsets, metrics) joins each *_spans table with
-- samples: query the views; the spans are what a sample costs (rows only for what changed).

-- Each broker at each sample. controller: 1 for the active controller.
CREATE TABLE broker_spans (
  first_sample INTEGER NOT NULL, last_sample INTEGER,
  broker INTEGER NOT NULL, alive INTEGER NOT NULL, isolated INTEGER NOT NULL,
  fenced INTEGER NOT NULL, controller INTEGER NOT NULL);
CREATE VIEW brokers AS
  SELECT s.sample_id, s.time_ms, b.broker, b.alive, b.isolated, b.fenced, b.controller
  FROM broker_spans b JOIN samples s
    ON s.sample_id >= b.first_sample AND s.sample_id <= IFNULL(b.last_sample, 9223372036854775807);

-- Each topic at each sample. internal: 1 for __consumer_offsets.
CREATE TABLE topic_spans (
  first_sample INTEGER NOT NULL, last_sample INTEGER,
  topic TEXT NOT NULL, topic_id TEXT NOT NULL, partitions INTEGER NOT NULL,
  replication_factor INTEGER NOT NULL, internal INTEGER NOT NULL);
CREATE VIEW topics AS
  SELECT s.sample_id, s.time_ms, t.topic, t.topic_id, t.partitions, t.replication_factor, t.internal
  FROM topic_spans t JOIN samples s
    ON s.sample_id >= t.first_sample AND s.sample_id <= IFNULL(t.last_sample, 9223372036854775807);

-- Each partition at each sample, as kafka-topics.sh --describe shows it. leader is NULL while the
-- partition is offline; replicas and isr are broker ids joined by ',' (replicas[0] is preferred).
-- Offsets are the leader's: log start, high watermark, log end (next offset to write).
CREATE TABLE partition_spans (
  first_sample INTEGER NOT NULL, last_sample INTEGER,
  topic TEXT NOT NULL, partition INTEGER NOT NULL,
  leader INTEGER, leader_epoch INTEGER NOT NULL,
  replicas TEXT NOT NULL, isr TEXT NOT NULL,
  replica_count INTEGER NOT NULL, isr_count INTEGER NOT NULL,
  under_replicated INTEGER NOT NULL,  -- 1 when isr_count < replica_count
  offline INTEGER NOT NULL,           -- 1 when no leader
  log_start_offset INTEGER NOT NULL, high_watermark INTEGER NOT NULL,
  log_end_offset INTEGER NOT NULL, size_bytes INTEGER NOT NULL);
CREATE INDEX partition_spans_by_topic ON partition_spans (topic, partition, first_sample);
CREATE VIEW partitions AS
  SELECT s.sample_id, s.time_ms, p.topic, p.partition, p.leader, p.leader_epoch, p.replicas, p.isr,
         p.replica_count, p.isr_count, p.under_replicated, p.offline, p.log_start_offset,
         p.high_watermark, p.log_end_offset, p.size_bytes
  FROM partition_spans p JOIN samples s
    ON s.sample_id >= p.first_sample AND s.sample_id <= IFNULL(p.last_sample, 9223372036854775807);

-- Each replica (one copy of a partition, on one broker) at each sample: its own log's offsets.
-- role: 'leader' or 'follower'; in_sync: 1 when the broker is in the ISR.
CREATE TABLE replica_spans (
  first_sample INTEGER NOT NULL, last_sample INTEGER,
  topic TEXT NOT NULL, partition INTEGER NOT NULL, broker INTEGER NOT NULL,
  role TEXT NOT NULL, in_sync INTEGER NOT NULL, broker_alive INTEGER NOT NULL,
  log_start_offset INTEGER NOT NULL, high_watermark INTEGER NOT NULL,
  log_end_offset INTEGER NOT NULL, size_bytes INTEGER NOT NULL);
CREATE INDEX replica_spans_by_topic ON replica_spans (topic, partition, first_sample);
CREATE VIEW replicas AS
  SELECT s.sample_id, s.time_ms, r.topic, r.partition, r.broker, r.role, r.in_sync, r.broker_alive,
         r.log_start_offset, r.high_watermark, r.log_end_offset, r.size_bytes
  FROM replica_spans r JOIN samples s
    ON s.sample_id >= r.first_sample AND s.sample_id <= IFNULL(r.last_sample, 9223372036854775807);

-- Each consumer group its coordinator holds, at each sample (kafka-consumer-groups.sh --describe --state).
CREATE TABLE group_spans (
  first_sample INTEGER NOT NULL, last_sample INTEGER,
  group_id TEXT NOT NULL, state TEXT NOT NULL, protocol_type TEXT NOT NULL,
  assignment_strategy TEXT NOT NULL, generation INTEGER NOT NULL,
  coordinator INTEGER,  -- NULL when no coordinator is alive
  members INTEGER NOT NULL);
CREATE VIEW groups AS
  SELECT s.sample_id, s.time_ms, g.group_id, g.state, g.protocol_type, g.assignment_strategy,
         g.generation, g.coordinator, g.members
  FROM group_spans g JOIN samples s
    ON s.sample_id >= g.first_sample AND s.sample_id <= IFNULL(g.last_sample, 9223372036854775807);

-- Committed offset and lag per group and partition at each sample (kafka-consumer-groups.sh
-- --describe). log_end_offset is the high watermark (what ListOffsets(latest) answers);
-- lag = log_end_offset - committed_offset; both NULL while the group committed nothing there.
-- consumer_id, client_id, host: the owning member, '-' when nobody owns the partition.
CREATE TABLE group_offset_spans (
  first_sample INTEGER NOT NULL, last_sample INTEGER,
  group_id TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
  committed_offset INTEGER, log_end_offset INTEGER NOT NULL, lag INTEGER,
  consumer_id TEXT NOT NULL, client_id TEXT NOT NULL, host TEXT NOT NULL);
CREATE INDEX group_offset_spans_by_group ON group_offset_spans (group_id, first_sample);
CREATE VIEW group_offsets AS
  SELECT s.sample_id, s.time_ms, o.group_id, o.topic, o.partition, o.committed_offset,
         o.log_end_offset, o.lag, o.consumer_id, o.client_id, o.host
  FROM group_offset_spans o JOIN samples s
    ON s.sample_id >= o.first_sample AND s.sample_id <= IFNULL(o.last_sample, 9223372036854775807);

-- Every metric of the simulation at each sample, with Kafka's names: metric_group is the JMX type
-- or metrics group ('kafka.controller:type=KafkaController', 'producer-metrics'), tags a JSON object
-- in Kafka's order ({"topic":"orders","partition":"0"}; read one with json_extract(tags, '$.topic')).
CREATE TABLE metric_spans (
  first_sample INTEGER NOT NULL, last_sample INTEGER,
  metric_group TEXT NOT NULL, name TEXT NOT NULL, tags TEXT NOT NULL, value REAL NOT NULL);
CREATE INDEX metric_spans_by_name ON metric_spans (name, first_sample);
CREATE VIEW metrics AS
  SELECT s.sample_id, s.time_ms, m.metric_group, m.name, m.tags, m.value
  FROM metric_spans m JOIN samples s
    ON s.sample_id >= m.first_sample AND s.sample_id <= IFNULL(m.last_sample, 9223372036854775807);

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

}  // namespace klab::inspect
