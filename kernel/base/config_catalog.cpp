// The declared configuration keys, one table per scope. Each entry is the single source for
// validation, defaults and help() text. Names, types, defaults and ranges follow Kafka 3.7;
// the prose is ours. A key is declared here only once klab gives it its Kafka behaviour.
#include <array>

#include "base/config.hpp"

namespace klab {
namespace {

using std::string;
constexpr int64_t kOneGiB = 1073741824;
constexpr int64_t kSevenDaysMs = 604800000;

// The client metrics windows (producer and consumer alike).
ConfigDef metrics_sample_window_def() {
  return {"metrics.sample.window.ms", ConfigType::Long, int64_t{30000}, 1, {}, {},
          "The window of one metrics sample, in milliseconds. Rates and averages (record-send-rate, "
          "records-lag-max, ...) are computed over the last metrics.num.samples windows; a rate divides by "
          "at least metrics.num.samples - 1 whole windows. (Kafka accepts 0; klab asks for at least 1.)"};
}

ConfigDef metrics_num_samples_def() {
  return {"metrics.num.samples", ConfigType::Int, int64_t{2}, 1, {}, {},
          "How many sample windows of metrics.sample.window.ms the client's rates and averages cover."};
}

ConfigCatalog make_broker_catalog() {
  return ConfigCatalog(ConfigScope::Broker, {
      {"num.partitions", ConfigType::Int, int64_t{1}, 1, {}, {},
       "How many partitions a topic gets when it is created without a partition count, including topics "
       "created automatically on first use (auto.create.topics.enable)."},
      {"default.replication.factor", ConfigType::Int, int64_t{1}, 1, {}, {},
       "How many replicas each partition of a topic gets when the topic is created without a replication "
       "factor, including automatically created topics."},
      {"auto.create.topics.enable", ConfigType::Boolean, true, {}, {}, {},
       "When true, producing to (or fetching metadata for) a topic that does not exist creates it with "
       "num.partitions partitions and default.replication.factor replicas. When false, such a request "
       "fails with UNKNOWN_TOPIC_OR_PARTITION. Production clusters usually turn it off so a typo in a topic "
       "name does not silently create a new topic."},
      {"log.segment.bytes", ConfigType::Int, kOneGiB, 14, {}, {},
       "Broker default for the topic config segment.bytes: the size at which a partition's active log "
       "segment is closed and a new one is rolled."},
      {"log.roll.ms", ConfigType::Long, std::monostate{}, 1, {}, {},
       "Broker default for the topic config segment.ms, in milliseconds. When unset, log.roll.hours "
       "applies.", {}, "null (log.roll.hours applies)"},
      {"log.roll.hours", ConfigType::Int, int64_t{168}, 1, {}, {},
       "Broker default for segment.ms, in hours; used only when log.roll.ms is not set."},
      {"log.message.timestamp.type", ConfigType::String, string("CreateTime"), {}, {},
       {"CreateTime", "LogAppendTime"},
       "Broker default for the topic config message.timestamp.type."},
      {"message.max.bytes", ConfigType::Int, int64_t{1048588}, 0, {}, {},
       "Broker default for the topic config max.message.bytes: the largest record batch the broker "
       "accepts."},
      {"min.insync.replicas", ConfigType::Int, int64_t{1}, 1, {}, {},
       "Broker default for the topic config min.insync.replicas."},
      {"compression.type", ConfigType::String, string("producer"), {}, {},
       {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
       "Broker default for the topic config compression.type."},
      {"unclean.leader.election.enable", ConfigType::Boolean, false, {}, {}, {},
       "Broker default for the topic config unclean.leader.election.enable."},
      {"auto.leader.rebalance.enable", ConfigType::Boolean, true, {}, {}, {},
       "When a failover left a partition led by a replica other than its preferred one (the first in its "
       "assignment), the controller moves leadership back once the preferred replica is in sync again, "
       "checking leader.imbalance.check.interval.seconds after the imbalance appeared. Set false to keep "
       "leaders where elections put them (then kafka-leader-election.sh / c:elect_leaders does it)."},
      {"leader.imbalance.check.interval.seconds", ConfigType::Long, int64_t{300}, 1, {}, {},
       "How long after a partition got a non-preferred leader the controller checks and restores preferred "
       "leaders (auto.leader.rebalance.enable)."},
      {"leader.imbalance.per.broker.percentage", ConfigType::Int, int64_t{10}, 0, {}, {},
       "ZooKeeper-mode controllers rebalanced a broker's leaders only above this share of imbalanced "
       "partitions. The KRaft controller (Kafka 3.7, klab) ignores it: every imbalanced partition whose "
       "preferred replica is in sync is moved back."},
      {"replica.lag.time.max.ms", ConfigType::Long, int64_t{30000}, 0, {}, {},
       "A follower that has not caught up with the leader's log end for this long is removed from the "
       "ISR (in-sync replicas). The leader checks every half of this interval, so a lagging follower "
       "leaves the ISR between 1x and 1.5x this time after it last caught up. It rejoins once it has "
       "caught up to the high watermark. Default 30000 since Kafka 2.5 (10000 before)."},
      {"replica.fetch.wait.max.ms", ConfigType::Int, int64_t{500}, 0, {}, {},
       "How long a follower's fetch request may wait at the leader for new data before it is answered "
       "empty."},
      {"offsets.topic.num.partitions", ConfigType::Int, int64_t{50}, 1, {}, {},
       "How many partitions the internal topic __consumer_offsets gets when it is created (on first use "
       "of a consumer group). A group lives on partition abs(groupId.hashCode()) % this count, and the "
       "leader of that partition is the group's coordinator. Changing it after creation moves every group, "
       "which is why Kafka says not to."},
      {"offsets.topic.replication.factor", ConfigType::Int, int64_t{3}, 1, 32767, {},
       "Replication factor of __consumer_offsets. Kafka's default is 3, and creating the topic fails "
       "(COORDINATOR_NOT_AVAILABLE) until that many brokers are alive. klab, like the server.properties "
       "that ships with Kafka for single-broker quickstarts (which sets it to 1), lowers the default to the "
       "cluster size when the cluster has fewer than 3 brokers; a value set explicitly is used as is.",
       {}, "3 (klab: min(3, number of brokers) unless set)"},
      {"offsets.commit.timeout.ms", ConfigType::Int, int64_t{5000}, 1, {}, {},
       "An offset commit waits until every in-sync replica of the __consumer_offsets partition has it (like "
       "a produce with acks=all), or this long; then it fails with REQUEST_TIMED_OUT."},
      {"group.initial.rebalance.delay.ms", ConfigType::Int, int64_t{3000}, 0, {}, {},
       "When the first member joins an empty group, the coordinator waits this long for more members "
       "before it completes the rebalance, and again (up to the rebalance timeout) while new members keep "
       "arriving, so that a group starting several consumers at once rebalances once rather than once per "
       "consumer."},
      {"group.min.session.timeout.ms", ConfigType::Int, int64_t{6000}, {}, {}, {},
       "The smallest session.timeout.ms a consumer may ask for; below it JoinGroup fails with "
       "INVALID_SESSION_TIMEOUT."},
      {"group.max.session.timeout.ms", ConfigType::Int, int64_t{1800000}, {}, {}, {},
       "The largest session.timeout.ms a consumer may ask for; above it JoinGroup fails with "
       "INVALID_SESSION_TIMEOUT."},
      {"replica.fetch.backoff.ms", ConfigType::Int, int64_t{1000}, 0, {}, {},
       "How long a follower waits before fetching again after a fetch failed (the leader could not be "
       "reached, for example across a network partition)."},
      {"log.retention.hours", ConfigType::Int, int64_t{168}, {}, {}, {},
       "Broker default for the topic config retention.ms, in hours; used only when neither "
       "log.retention.ms nor log.retention.minutes is set."},
      {"log.retention.minutes", ConfigType::Int, std::monostate{}, {}, {}, {},
       "Broker default for retention.ms, in minutes; wins over log.retention.hours, loses to "
       "log.retention.ms.", {}, "null (log.retention.hours applies)"},
      {"log.retention.ms", ConfigType::Long, std::monostate{}, -1, {}, {},
       "Broker default for the topic config retention.ms; wins over log.retention.minutes and "
       "log.retention.hours. -1 keeps data forever.", {}, "null (log.retention.minutes, then log.retention.hours apply)"},
      {"log.retention.bytes", ConfigType::Long, int64_t{-1}, {}, {}, {},
       "Broker default for the topic config retention.bytes."},
      {"log.retention.check.interval.ms", ConfigType::Long, int64_t{300000}, 1, {}, {},
       "How often each broker looks for segments that retention (retention.ms, retention.bytes, the log "
       "start offset) allows it to delete. Between two checks nothing is deleted, so data can outlive "
       "retention.ms by up to this interval (plus the age of the newest record in its segment)."},
      {"log.cleanup.policy", ConfigType::List, std::vector<string>{"delete"}, {}, {}, {"compact", "delete"},
       "Broker default for the topic config cleanup.policy."},
      {"log.cleaner.enable", ConfigType::Boolean, true, {}, {}, {},
       "Whether brokers run the log cleaner, which compacts topics whose cleanup.policy contains compact. "
       "Off, compacted topics grow without bound (and __consumer_offsets with them)."},
      {"log.cleaner.backoff.ms", ConfigType::Long, int64_t{15000}, 0, {}, {},
       "How long the log cleaner sleeps when it finds no log to clean before looking again."},
      {"log.cleaner.min.cleanable.ratio", ConfigType::Double, 0.5, 0, 1, {},
       "Broker default for the topic config min.cleanable.dirty.ratio."},
      {"log.cleaner.min.compaction.lag.ms", ConfigType::Long, int64_t{0}, 0, {}, {},
       "Broker default for the topic config min.compaction.lag.ms."},
      {"log.cleaner.max.compaction.lag.ms", ConfigType::Long, int64_t{9223372036854775807}, 1, {}, {},
       "Broker default for the topic config max.compaction.lag.ms."},
      {"log.cleaner.delete.retention.ms", ConfigType::Long, int64_t{86400000}, 0, {}, {},
       "Broker default for the topic config delete.retention.ms."},
      {"broker.session.timeout.ms", ConfigType::Int, int64_t{9000}, 1, {}, {},
       "KRaft: the controller fences a broker it has not heard a heartbeat from for this long. A fenced "
       "broker leaves every ISR and loses its leaderships; one cut off by a network partition does not "
       "know it and keeps serving clients that still send to it."},
  });
}

ConfigCatalog make_topic_catalog() {
  return ConfigCatalog(ConfigScope::Topic, {
      {"segment.bytes", ConfigType::Int, kOneGiB, 14, {}, {},
       "A partition's log is a list of segment files; only the newest (the active segment) takes "
       "appends. When appending a batch would make the active segment larger than this many bytes, the "
       "segment is closed and a new one begins at the next offset. Retention and compaction work on "
       "whole closed segments, so smaller segments make them act sooner.",
       "log.segment.bytes", "1073741824 (1 gibibyte)"},
      {"segment.ms", ConfigType::Long, kSevenDaysMs, 1, {}, {},
       "A segment is also rolled once its first record is this many milliseconds old (checked when the "
       "next batch is appended), even if it is not full, so that retention can act on old data in quiet "
       "partitions.",
       "log.roll.ms", "604800000 (7 days)"},
      {"message.timestamp.type", ConfigType::String, string("CreateTime"), {}, {},
       {"CreateTime", "LogAppendTime"},
       "Which timestamp records keep. CreateTime: the timestamp the producer set (by default the time of "
       "send()). LogAppendTime: the broker overwrites it with the time it appended the batch.",
       "log.message.timestamp.type"},
      {"max.message.bytes", ConfigType::Int, int64_t{1048588}, 0, {}, {},
       "The largest record batch (after compression) the topic accepts; a larger one is refused with "
       "MESSAGE_TOO_LARGE.",
       "message.max.bytes"},
      {"min.insync.replicas", ConfigType::Int, int64_t{1}, 1, {}, {},
       "With acks=all, the fewest in-sync replicas (leader included) a write needs. With fewer, the "
       "leader refuses the write with NOT_ENOUGH_REPLICAS before appending it, and (Kafka 3.7) the high "
       "watermark stops advancing. Since Kafka 3.7 the minimum is capped at the partition's replica count, "
       "so a value above the replication factor behaves like the replication factor. acks=0 and acks=1 "
       "ignore it.",
       "min.insync.replicas"},
      {"cleanup.policy", ConfigType::List, std::vector<string>{"delete"}, {}, {}, {"compact", "delete"},
       "What happens to old data: delete removes whole closed segments once they are older than "
       "retention.ms or the partition is larger than retention.bytes; compact keeps at least the latest "
       "record of every key (the log cleaner removes older records with the same key, and tombstones - "
       "records with a null value - after delete.retention.ms). \"compact,delete\" does both. A compacted "
       "topic refuses records without a key (INVALID_RECORD).",
       "log.cleanup.policy"},
      {"retention.ms", ConfigType::Long, kSevenDaysMs, -1, {}, {},
       "With cleanup.policy delete: how long a partition keeps a closed segment after the newest record "
       "in it (its largest timestamp). -1: forever. Retention deletes whole segments, checked every "
       "log.retention.check.interval.ms, never past the high watermark; the log start offset moves up and "
       "a consumer positioned below it gets OFFSET_OUT_OF_RANGE (then auto.offset.reset applies).",
       "log.retention.ms", "604800000 (7 days)"},
      {"retention.bytes", ConfigType::Long, int64_t{-1}, {}, {}, {},
       "With cleanup.policy delete: the most bytes one partition (not the whole topic) keeps; the oldest "
       "segments go while the partition is larger by at least their size. -1: no size limit.",
       "log.retention.bytes"},
      {"min.cleanable.dirty.ratio", ConfigType::Double, 0.5, 0, 1, {},
       "The log cleaner compacts a partition only when the dirty part (records written since the last "
       "cleaning, in closed segments) is more than this fraction of the cleanable log. Lower: cleaned more "
       "often, fewer duplicates kept, more cleaning work. max.compaction.lag.ms overrides it.",
       "log.cleaner.min.cleanable.ratio"},
      {"min.compaction.lag.ms", ConfigType::Long, int64_t{0}, 0, {}, {},
       "A record stays uncompacted for at least this long: segments holding a record younger than this "
       "are not cleaned, so consumers get a window to see every update.",
       "log.cleaner.min.compaction.lag.ms"},
      {"max.compaction.lag.ms", ConfigType::Long, int64_t{9223372036854775807}, 1, {}, {},
       "A dirty closed segment whose first record is older than this is cleaned even when the dirty "
       "ratio is below min.cleanable.dirty.ratio (a bound on how long an old value may linger).",
       "log.cleaner.max.compaction.lag.ms", "9223372036854775807 (Long.MAX_VALUE)"},
      {"delete.retention.ms", ConfigType::Long, int64_t{86400000}, 0, {}, {},
       "How long a tombstone (a record with a null value) survives after the cleaner first cleaned the "
       "batch holding it: consumers reading the topic from the start within this time see the delete. "
       "Later cleanings remove it for good.",
       "log.cleaner.delete.retention.ms", "86400000 (1 day)"},
      {"compression.type", ConfigType::String, string("producer"), {}, {},
       {"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"},
       "The codec the topic's batches are stored with. producer (default): keep each batch as the producer "
       "compressed it (no work for the broker). gzip, snappy, lz4, zstd: the leader recompresses every batch "
       "that arrives with another codec, paying the CPU the producer saved. uncompressed: store plain "
       "records. Retention (retention.bytes, segment.bytes) counts the stored, compressed bytes.",
       "compression.type"},
      {"unclean.leader.election.enable", ConfigType::Boolean, false, {}, {}, {},
       "When the leader fails and no in-sync replica is alive, may an out-of-sync replica become "
       "leader? true keeps the partition available but loses the records that replica never got; "
       "false (the default since 0.11) keeps the partition offline until an in-sync replica returns.",
       "unclean.leader.election.enable"},
  });
}

ConfigCatalog make_producer_catalog() {
  return ConfigCatalog(ConfigScope::Producer, {
      {"acks", ConfigType::String, string("all"), {}, {}, {"all", "-1", "0", "1"},
       "How many acknowledgements the leader needs before a send counts as complete. 0: the producer "
       "does not wait at all (no offset comes back, offset = -1). 1: the leader has written the record "
       "to its own log. all (= -1): every in-sync replica has it. Kafka 3.0 changed the default from 1 "
       "to all."},
      {"batch.size", ConfigType::Int, int64_t{16384}, 0, {}, {},
       "Upper size in bytes of a batch of records for one partition. Records for the same partition "
       "are grouped into a batch until it is full or linger.ms expires. Without a key, the built-in "
       "partitioner sticks to one partition until about batch.size bytes went there, then picks "
       "another one. 0 disables batching."},
      {"compression.type", ConfigType::String, string("none"), {}, {}, {"none", "gzip", "snappy", "lz4", "zstd"},
       "The codec the producer compresses whole batches with: none (default), gzip, snappy, lz4 or zstd. "
       "Fuller batches compress better (more repetition to exploit), so it works together with batch.size "
       "and linger.ms. Saves network and disk (brokers keep batches compressed) at the cost of producer CPU "
       "and consumer CPU to decompress. batch.size then counts estimated compressed bytes."},
      {"compression.gzip.level", ConfigType::Int, int64_t{-1}, {}, {}, {},
       "gzip level, 1 (fastest) to 9 (smallest); -1: zlib's default (6). Kafka 3.8 (KIP-390) added this "
       "key; a 3.7 client would ignore it, klab offers it so the level's cost can be measured."},
      {"compression.lz4.level", ConfigType::Int, int64_t{9}, 1, 17, {},
       "lz4 level, 1 to 17. The default 9 is LZ4's fast compressor (as before Kafka 3.8); other levels use "
       "LZ4 HC, smaller and slower. Kafka 3.8 (KIP-390); klab offers it ahead of its 3.7 baseline."},
      {"compression.zstd.level", ConfigType::Int, int64_t{3}, -131072, 22, {},
       "zstd level, -131072 (fastest) to 22 (smallest); default 3. Kafka 3.8 (KIP-390); klab offers it "
       "ahead of its 3.7 baseline."},
      {"buffer.memory", ConfigType::Long, int64_t{33554432}, 0, {}, {},
       "The bytes the producer may hold in batches not yet acknowledged. Each new batch takes batch.size "
       "(or the record's size if larger) until its request completes. When it is used up, send() blocks "
       "(the sender sends every batch at once) until a request completes, and fails after max.block.ms."},
      {"max.block.ms", ConfigType::Long, int64_t{60000}, 0, {}, {},
       "How long send() may block waiting for buffer.memory to free up before it fails with a timeout "
       "(BufferExhaustedException, a TimeoutException)."},
      {"linger.ms", ConfigType::Long, int64_t{0}, 0, {}, {},
       "How long a batch waits for more records before it is sent, in milliseconds. 0 (the default "
       "through Kafka 3.9) sends as soon as the sender is free; a few milliseconds make fuller batches "
       "at the cost of latency: a synchronous send waits linger.ms before it leaves."},
      {"client.id", ConfigType::String, string(""), {}, {}, {},
       "A name for this client, shown in logs, metrics and quotas. Default: producer-N."},
      {"enable.idempotence", ConfigType::Boolean, true, {}, {}, {},
       "The producer gets a producer id and numbers each partition's batches; the leader refuses a batch "
       "out of sequence and answers a retried duplicate with its original offsets, so retries neither "
       "duplicate nor reorder records. Needs acks=all, retries > 0 and "
       "max.in.flight.requests.per.connection <= 5: set explicitly with a conflicting setting it is an "
       "error; left at its default (true since Kafka 3.0) it is quietly turned off instead."},
      {"max.in.flight.requests.per.connection", ConfigType::Int, int64_t{5}, 1, {}, {},
       "How many produce requests may wait for an answer on one broker connection. Above 1, a retried "
       "batch can land after a later one (reordering) unless idempotence is on."},
      metrics_sample_window_def(),
      metrics_num_samples_def(),
      {"metadata.max.age.ms", ConfigType::Long, int64_t{300000}, 0, {}, {},
       "The producer refreshes its metadata (who leads each partition) at least this often. It also "
       "refreshes at once after NOT_LEADER_OR_FOLLOWER, a request that timed out, or a broker that "
       "refuses connections; a broker cut off by a network partition that still thinks it leads gives "
       "no such sign, so acks=1 writes keep going to it until this age is reached."},
      {"request.timeout.ms", ConfigType::Int, int64_t{30000}, 0, {}, {},
       "How long the producer waits for the answer to a produce request. With acks=all the leader holds "
       "the request until the in-sync replicas have the records; past this time the attempt fails with "
       "REQUEST_TIMED_OUT and is retried if delivery.timeout.ms allows."},
      {"retries", ConfigType::Int, int64_t{2147483647}, 0, {}, {},
       "How many times a batch that failed with a retriable error (NOT_ENOUGH_REPLICAS, "
       "NOT_LEADER_OR_FOLLOWER, REQUEST_TIMED_OUT, ...) is sent again. The default retries until "
       "delivery.timeout.ms runs out. Retries without idempotence can duplicate or reorder records."},
      {"retry.backoff.ms", ConfigType::Long, int64_t{100}, 0, {}, {},
       "How long the producer waits before the first retry of a failed batch. Since Kafka 3.7 (KIP-580) the "
       "wait doubles with each further attempt, up to retry.backoff.max.ms, with +/-20% random jitter; a "
       "batch whose partition has a new leader is retried at once."},
      {"retry.backoff.max.ms", ConfigType::Long, int64_t{1000}, 0, {}, {},
       "The longest wait between two retries of a batch (exponential backoff, KIP-580)."},
      {"delivery.timeout.ms", ConfigType::Int, int64_t{120000}, 0, {}, {},
       "The upper bound on the time between send() and its outcome: waiting in a batch, every attempt and "
       "every backoff together. A record still not acknowledged then fails (the last error, or "
       "REQUEST_TIMED_OUT when it never left). Must be at least linger.ms + request.timeout.ms."},
      {"max.request.size", ConfigType::Int, int64_t{1048576}, 0, {}, {},
       "The largest request the producer sends, which also caps the size of a single record; a larger "
       "record fails with MESSAGE_TOO_LARGE before it leaves the producer."},
      {"partitioner.class", ConfigType::String, std::monostate{}, {}, {},
       {"org.apache.kafka.clients.producer.RoundRobinPartitioner", "RoundRobinPartitioner"},
       "Which partitioner picks the partition of a record that names none. null (default): Kafka's "
       "built-in partitioner: a keyed record goes to toPositive(murmur2(key)) % partitions; a record "
       "without a key follows the uniform sticky rule (KIP-794). RoundRobinPartitioner: every record, "
       "keyed or not, goes to the next partition in turn. In klab a Lua function(topic, key, value, "
       "partition_count) returning a partition number is also accepted."},
      {"key.serializer", ConfigType::String, std::monostate{}, {}, {}, {"org.apache.kafka.common.serialization.StringSerializer", "org.apache.kafka.common.serialization.IntegerSerializer", "org.apache.kafka.common.serialization.LongSerializer", "org.apache.kafka.common.serialization.DoubleSerializer", "org.apache.kafka.common.serialization.ByteArraySerializer", "StringSerializer", "IntegerSerializer", "LongSerializer", "DoubleSerializer", "ByteArraySerializer", "io.confluent.kafka.serializers.KafkaAvroSerializer", "KafkaAvroSerializer", "avro"},
       "How the producer turns a record's key into bytes: StringSerializer (UTF-8), IntegerSerializer (4 bytes, "
       "big-endian), LongSerializer (8), DoubleSerializer (8, IEEE 754), ByteArraySerializer, with or without "
       "Kafka's package name org.apache.kafka.common.serialization; avro (Confluent's KafkaAvroSerializer): the "
       "registry's wire format with key.schema, subject <topic>-key. Java requires it; klab's default (null) sends "
       "Lua strings as they are. A Lua function(topic, key) returning a string is also accepted."},
      {"value.serializer", ConfigType::String, std::monostate{}, {}, {}, {"org.apache.kafka.common.serialization.StringSerializer", "org.apache.kafka.common.serialization.IntegerSerializer", "org.apache.kafka.common.serialization.LongSerializer", "org.apache.kafka.common.serialization.DoubleSerializer", "org.apache.kafka.common.serialization.ByteArraySerializer", "StringSerializer", "IntegerSerializer", "LongSerializer", "DoubleSerializer", "ByteArraySerializer", "io.confluent.kafka.serializers.KafkaAvroSerializer", "KafkaAvroSerializer", "avro"},
       "How the producer turns a record's value into bytes; same choices as key.serializer. avro "
       "(io.confluent.kafka.serializers.KafkaAvroSerializer) writes magic byte 0, the schema id (4 bytes, "
       "big-endian) and the Avro binary of the value (a Lua table) under value.schema, registering the schema "
       "under the subject <topic>-value (TopicNameStrategy). A Lua function(topic, value) returning a string is "
       "also accepted."},
      {"key.schema", ConfigType::String, std::monostate{}, {}, {}, {},
       "klab: the Avro schema (JSON text) of the keys when key.serializer is avro. In Java the schema travels "
       "with the GenericRecord or the generated class."},
      {"value.schema", ConfigType::String, std::monostate{}, {}, {}, {},
       "klab: the Avro schema (JSON text) of the values when value.serializer is avro: the writer's schema, "
       "registered (auto.register.schemas) or looked up under <topic>-value. In Java the schema travels with "
       "the GenericRecord or the generated class."},
      {"auto.register.schemas", ConfigType::Boolean, true, {}, {}, {},
       "Confluent's Avro serializer: register the schema under its subject on first use. The registry refuses a "
       "schema that breaks the subject's compatibility level, and the send fails with a SerializationException "
       "(error code 409). false: the schema must already be registered (else error code 40403), as production "
       "deployments usually require."},
      {"partitioner.ignore.keys", ConfigType::Boolean, false, {}, {}, {},
       "When true, the built-in partitioner ignores keys and treats every record like a keyless one "
       "(sticky). Per-key ordering is then lost."},
      {"partitioner.adaptive.partitioning.enable", ConfigType::Boolean, true, {}, {}, {},
       "When true, the built-in partitioner picks the next sticky partition with a probability that "
       "favours partitions whose queues are shorter (faster brokers get more data). When false, each "
       "partition is equally likely."},
      {"partitioner", ConfigType::String, std::monostate{}, {}, {},
       {"random", "consistent", "consistent_random", "murmur2", "murmur2_random"},
       "librdkafka's (and so kcat's) partitioner setting, offered so its behaviour can be compared with "
       "the Java client's. consistent_random (librdkafka's default): CRC32 of the key, keyless and "
       "empty-key records go to a random partition. murmur2_random: the Java client's hash. consistent: "
       "CRC32, no key -> partition 0. murmur2: Java hash, no key hashed as empty. random: ignore keys. "
       "When unset, the Java client's built-in partitioner applies."},
      {"interceptor.classes", ConfigType::List, std::vector<string>{}, {}, {}, {},
       "Producer interceptors, called in order: onSend(record) before the record is serialized and "
       "partitioned (it may return a changed record), onAcknowledgement(metadata, exception) when the "
       "broker answered or the send failed. In klab each is a Lua table { on_send = function(record) ... end, "
       "on_acknowledgement = function(metadata, err) ... end } (see help(\"interceptors\")); an error raised "
       "by an interceptor is logged and ignored, as Kafka does."},
      {"sticky.partitioning.linger.ms", ConfigType::Int, int64_t{10}, 0, 900000, {},
       "librdkafka: with a librdkafka partitioner, keyless records stay on one randomly chosen partition "
       "for this many milliseconds. 0 picks a new random partition for every record."},
  });
}

ConfigCatalog make_consumer_catalog() {
  return ConfigCatalog(ConfigScope::Consumer, {
      {"interceptor.classes", ConfigType::List, std::vector<string>{}, {}, {}, {},
       "Consumer interceptors, called in order: onConsume(records) just before poll() returns them (it may "
       "change or drop records), onCommit(offsets) after offsets were committed. In klab each is a Lua table "
       "{ on_consume = function(records) ... end, on_commit = function(offsets) ... end } (see "
       "help(\"interceptors\")); an error raised by an interceptor is logged and ignored, as Kafka does."},
      {"auto.offset.reset", ConfigType::String, string("latest"), {}, {}, {"latest", "earliest", "none"},
       "Where to start when there is no committed offset or the position is out of range. earliest: the "
       "log start offset. latest (default): the log end offset, so only new records are read. none: "
       "fail with OFFSET_OUT_OF_RANGE / NoOffsetForPartition."},
      {"key.deserializer", ConfigType::String, std::monostate{}, {}, {}, {"org.apache.kafka.common.serialization.StringDeserializer", "org.apache.kafka.common.serialization.IntegerDeserializer", "org.apache.kafka.common.serialization.LongDeserializer", "org.apache.kafka.common.serialization.DoubleDeserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer", "StringDeserializer", "IntegerDeserializer", "LongDeserializer", "DoubleDeserializer", "ByteArrayDeserializer", "io.confluent.kafka.serializers.KafkaAvroDeserializer", "KafkaAvroDeserializer", "avro"},
       "How the consumer turns key bytes back into a value: StringDeserializer, IntegerDeserializer, "
       "LongDeserializer, DoubleDeserializer, ByteArrayDeserializer (Kafka's names, with or without the package "
       "org.apache.kafka.common.serialization), or avro (Confluent's KafkaAvroDeserializer). Unset: keys come as "
       "Lua strings. A Lua function(topic, bytes) is also accepted."},
      {"value.deserializer", ConfigType::String, std::monostate{}, {}, {}, {"org.apache.kafka.common.serialization.StringDeserializer", "org.apache.kafka.common.serialization.IntegerDeserializer", "org.apache.kafka.common.serialization.LongDeserializer", "org.apache.kafka.common.serialization.DoubleDeserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer", "StringDeserializer", "IntegerDeserializer", "LongDeserializer", "DoubleDeserializer", "ByteArrayDeserializer", "io.confluent.kafka.serializers.KafkaAvroDeserializer", "KafkaAvroDeserializer", "avro"},
       "How the consumer turns value bytes back into a value; same choices as key.deserializer. avro reads the "
       "schema id after magic byte 0, fetches that (writer's) schema from the registry and decodes the Avro "
       "binary into a Lua table, resolved against specific.reader.schema when set. A record it cannot decode "
       "makes poll() fail at that record (RecordDeserializationException); seek past it to go on."},
      {"specific.reader.schema", ConfigType::String, std::monostate{}, {}, {}, {},
       "klab: the consumer's reader schema for Avro values (in Java: the schema of the generated class used with "
       "specific.avro.reader=true). Data written with another schema is resolved to it by Avro's rules: fields the "
       "reader added take their defaults, fields it dropped are skipped, int widens to long, ... Unset: values are "
       "decoded with the writer's schema."},
      {"max.poll.records", ConfigType::Int, int64_t{500}, 1, {}, {},
       "The most records one poll() returns."},
      {"client.id", ConfigType::String, string(""), {}, {}, {},
       "A name for this client, shown in logs and in kafka-consumer-groups output. Default: "
       "consumer-<group.id>-<group.instance.id> for a static member, else consumer-<group.id>-N with N "
       "counting every consumer (consumer-null-N without a group), as the Java client names it."},
      {"group.id", ConfigType::String, std::monostate{}, {}, {}, {},
       "The consumer group this consumer belongs to. Needed for subscribe() and for committing offsets; "
       "consumers with the same group.id share the partitions of the topics they subscribe to, and the "
       "group's committed offsets say where each partition resumes."},
      {"group.instance.id", ConfigType::String, std::monostate{}, {}, {}, {},
       "Static membership (KIP-345): a stable name for this member. A consumer that restarts with the same "
       "name within session.timeout.ms takes its old place without a rebalance. Static members do not "
       "send LeaveGroup when they close, so their partitions wait for the session timeout."},
      {"session.timeout.ms", ConfigType::Int, int64_t{45000}, {}, {}, {},
       "If the coordinator hears no heartbeat from a member for this long, it removes the member and "
       "rebalances the group. Must lie within the broker's group.min.session.timeout.ms and "
       "group.max.session.timeout.ms. Default 45000 since Kafka 3.0 (10000 before)."},
      {"heartbeat.interval.ms", ConfigType::Int, int64_t{3000}, {}, {}, {},
       "How often the consumer's background heartbeat tells the coordinator it is alive; a heartbeat "
       "answer is also how a member learns that a rebalance has begun. Usually a third of "
       "session.timeout.ms or less."},
      {"max.poll.interval.ms", ConfigType::Int, int64_t{300000}, 1, {}, {},
       "The longest time between two poll() calls. A consumer that does not poll for this long is "
       "considered stuck: it leaves the group (its heartbeats alone do not keep it in) and its partitions "
       "go to the others. It is also the rebalance timeout the consumer sends in JoinGroup: how long the "
       "coordinator waits for every member to rejoin."},
      {"enable.auto.commit", ConfigType::Boolean, true, {}, {}, {},
       "When true, poll() commits the positions of the assigned partitions every auto.commit.interval.ms, "
       "and before a rebalance and on close. What was returned by poll() counts as processed: records "
       "being processed when the consumer crashes may be read again (at-least-once)."},
      {"auto.commit.interval.ms", ConfigType::Int, int64_t{5000}, 0, {}, {},
       "How often, with enable.auto.commit, poll() commits the current positions."},
      {"partition.assignment.strategy", ConfigType::List,
       std::vector<string>{"org.apache.kafka.clients.consumer.RangeAssignor",
                           "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"},
       {}, {},
       {"org.apache.kafka.clients.consumer.RangeAssignor", "org.apache.kafka.clients.consumer.RoundRobinAssignor",
        "org.apache.kafka.clients.consumer.StickyAssignor",
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", "range", "roundrobin", "sticky",
        "cooperative-sticky"},
       "The assignors this consumer supports, most preferred first. The coordinator picks one that every "
       "member supports, by the members' votes (each votes for its first supported choice). The Java "
       "client takes class names; klab also takes the protocol names (range, roundrobin, sticky, "
       "cooperative-sticky) as librdkafka does. The default [RangeAssignor, CooperativeStickyAssignor] "
       "(Kafka 3.0+) runs range, eager; a group can later move to cooperative-sticky by a rolling change "
       "that removes RangeAssignor."},
      {"retry.backoff.ms", ConfigType::Long, int64_t{100}, 0, {}, {},
       "How long the consumer waits before retrying a failed coordinator request (finding the coordinator, "
       "joining, committing)."},
      metrics_sample_window_def(),
      metrics_num_samples_def(),
      {"metadata.max.age.ms", ConfigType::Long, int64_t{300000}, 0, {}, {},
       "The consumer refreshes its metadata at least this often. The group leader notices new partitions "
       "of a subscribed topic at such a refresh and starts a rebalance so they get assigned."},
  });
}

ConfigCatalog make_inspector_catalog() {
  return ConfigCatalog(ConfigScope::Inspector, {
      {"inspect.sample.ms", ConfigType::Long, int64_t{1000}, 1, {}, {},
       "klab's inspector (not a Kafka config): how often, in simulated milliseconds, the inspector "
       "samples topics, partitions, replicas, group offsets and lag, and metrics into its database. A "
       "sample is taken each time the simulated clock passes a multiple of this value (and on demand with "
       "inspect.sample()); a quiet stretch with nothing happening is recorded at its first and last multiple."},
  });
}

// Kafka Streams (StreamsConfig). klab runs one stream thread per application instance and keeps
// stores in memory; the keys below are the ones that change what a student can observe.
ConfigCatalog make_streams_catalog() {
  return ConfigCatalog(ConfigScope::Streams, {
      {"application.id", ConfigType::String, std::monostate{}, {}, {}, {},
       "An identifier for the stream processing application. Must be unique within the Kafka cluster. It is "
       "the group.id of the application's consumer group, the default client.id prefix, and the prefix of "
       "its internal topics (<application.id>-<store>-changelog, <application.id>-<name>-repartition). "
       "Required."},
      {"client.id", ConfigType::String, std::string{}, {}, {}, {},
       "Prefix of the clients' ids (<client.id>-StreamThread-1-consumer, ...-producer). Default: "
       "<application.id>-<a random process id>."},
      {"processing.guarantee", ConfigType::String, std::string{"at_least_once"}, {}, {},
       {"at_least_once", "exactly_once", "exactly_once_beta", "exactly_once_v2"},
       "at_least_once: offsets are committed only after every record the processing produced (output, "
       "repartition and changelog records) was acknowledged, so a crash may repeat work but never lose "
       "it. exactly_once_v2 (and the deprecated exactly_once, exactly_once_beta that Kafka 3.7 still "
       "accepts) needs transactions, which klab does not simulate: it is refused at start."},
      {"commit.interval.ms", ConfigType::Long, int64_t{30000}, 0, {}, {},
       "How often the application commits the offsets of what it processed (30000 under "
       "at_least_once; Kafka uses 100 under exactly_once_v2)."},
      {"poll.ms", ConfigType::Long, int64_t{100}, 0, {}, {},
       "How long the stream thread blocks waiting for input. In klab: the simulated time between two "
       "rounds of the stream thread (poll, process, maybe commit)."},
      {"num.stream.threads", ConfigType::Int, int64_t{1}, 1, 1, {},
       "The number of stream threads of an instance. klab runs one per instance; start several instances "
       "with the same application.id to share the partitions."},
      {"statestore.cache.max.bytes", ConfigType::Long, int64_t{0}, 0, 0, {},
       "Memory for record caches across all threads. Kafka's default is 10485760 (10 MiB): a KTable then "
       "emits only some updates (at commit or when the cache is full). klab has no record cache and "
       "behaves as with 0, the value courses set to see every update: each update of a KTable is "
       "forwarded downstream and to its changelog at once.",
       {}, "0 (klab; Kafka: 10485760)"},
      {"cache.max.bytes.buffering", ConfigType::Long, int64_t{0}, 0, 0, {},
       "Deprecated since Kafka 3.4 in favour of statestore.cache.max.bytes; same meaning.", {},
       "0 (klab; Kafka: 10485760)"},
      {"replication.factor", ConfigType::Int, int64_t{-1}, -1, {}, {},
       "The replication factor of the internal topics (changelog and repartition) the application "
       "creates. -1 takes the broker's default.replication.factor."},
  });
}

}  // namespace

const ConfigCatalog& broker_config_catalog() {
  static const ConfigCatalog catalog = make_broker_catalog();
  return catalog;
}
const ConfigCatalog& topic_config_catalog() {
  static const ConfigCatalog catalog = make_topic_catalog();
  return catalog;
}
const ConfigCatalog& producer_config_catalog() {
  static const ConfigCatalog catalog = make_producer_catalog();
  return catalog;
}
const ConfigCatalog& consumer_config_catalog() {
  static const ConfigCatalog catalog = make_consumer_catalog();
  return catalog;
}
const ConfigCatalog& inspector_config_catalog() {
  static const ConfigCatalog catalog = make_inspector_catalog();
  return catalog;
}

const ConfigCatalog& streams_config_catalog() {
  static const ConfigCatalog catalog = make_streams_catalog();
  return catalog;
}

std::span<const ConfigCatalog* const> all_config_catalogs() {
  static const std::array<const ConfigCatalog*, 7> catalogs = {
      &broker_config_catalog(),    &topic_config_catalog(),     &producer_config_catalog(), &consumer_config_catalog(),
      &inspector_config_catalog(), &connector_config_catalog(), &streams_config_catalog()};
  return catalogs;
}

}  // namespace klab
