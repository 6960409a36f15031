// Retention (cleanup.policy=delete) on the cluster: whole segments by time and size, the high
// watermark bound, the log start offset, DeleteRecords, and what a consumer below the log start gets.
#include <doctest/doctest.h>

#include "replication_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

// Each send is its own batch (acks=1, no linger): 1 record of about 70 bytes.
void send_values(Cluster& cluster, Producer& producer, const std::string& topic, int count, const std::string& prefix = "v") {
  for (int i = 0; i < count; ++i) {
    const std::string value = prefix + std::to_string(i);
    REQUIRE(test::produce(producer, topic, value).ok());
  }
  (void)cluster;
}

ConfigEntries small_segments(ConfigEntries extra = {}) {
  extra.push_back({"segment.bytes", num(200)});  // 2 one-record batches per segment
  return extra;
}

}  // namespace

TEST_CASE("retention.ms deletes closed segments whose largest timestamp is older, and the log start moves up") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, small_segments({{"retention.ms", num(60000)}}));
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  send_values(*cluster, *producer, "t", 6);  // segments [0,1] [2,3] [4,5] (active)
  const PartitionLog& log = test::log_of(*cluster, "t", 0);
  REQUIRE(log.segments().size() == 3);
  cluster->advance(30000);
  send_values(*cluster, *producer, "t", 1, "young");  // rolls; [4,5] closed, offset 6 active
  cluster->advance(31000);  // the first records are now 61 s old, "young" 31 s
  auto reports = cluster->run_retention();
  CHECK(log.log_start_offset() == 6);
  CHECK(log.segments().size() == 1);
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].segments_deleted == 3);
  CHECK(reports[0].reason == "retention.ms");
  CHECK(test::read_log(log).front().value == "young0");
}

TEST_CASE("the active segment is kept while it holds a young record; once everything is expired Kafka rolls and deletes it") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, {{"retention.ms", num(1000)}});
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  send_values(*cluster, *producer, "t", 3);
  const PartitionLog& log = test::log_of(*cluster, "t", 0);
  cluster->run_retention();
  CHECK(log.log_start_offset() == 0);  // 1 s has not passed
  cluster->advance(1001);
  cluster->run_retention();
  CHECK(log.log_start_offset() == 3);  // UnifiedLog.deleteSegments rolled first
  CHECK(log.log_end_offset() == 3);
  CHECK(log.segments().size() == 1);
  CHECK(log.segments().back().empty());
}

TEST_CASE("retention.bytes is per partition and deletes the oldest segments while the excess covers them") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, small_segments({{"retention.bytes", num(250)}}));
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  send_values(*cluster, *producer, "t", 7);  // 3 closed segments + active [6]
  const PartitionLog& log = test::log_of(*cluster, "t", 0);
  const int64_t size = log.size_bytes();
  const int64_t first = log.segments()[0].size_bytes();
  REQUIRE(size - 250 >= first);
  cluster->run_retention();
  CHECK(log.size_bytes() <= size - first);
  // Never below what the limit asks: one more segment would have gone only if the excess covered it.
  CHECK(log.size_bytes() + log.segments().front().size_bytes() > 250);
}

TEST_CASE("retention checks run every log.retention.check.interval.ms on the simulated clock") {
  auto cluster = test::make_cluster(ClusterOptions{.config = {{"log.retention.check.interval.ms", num(10000)}}});
  test::make_topic(*cluster, "t", 1, 1, small_segments({{"retention.ms", num(5000)}}));
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  send_values(*cluster, *producer, "t", 4);
  const PartitionLog& log = test::log_of(*cluster, "t", 0);
  cluster->advance(9000);
  CHECK(log.log_start_offset() == 0);  // expired at ~5 s, but the next check is at 10 s
  test::advance_to(*cluster, 10000);
  CHECK(log.log_start_offset() > 0);
  CHECK(test::events_of_kind(*cluster, "SegmentsDeleted").front().time == 10000);
}

TEST_CASE("retention never deletes past the high watermark") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3, small_segments({{"retention.ms", num(1000)}}));
  Partition& partition = test::partition_of(*cluster, "t");
  test::slow_down_followers(*cluster, partition, 20000);
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  send_values(*cluster, *producer, "t", 5);  // acknowledged by the leader; the followers have nothing yet
  cluster->advance(2000);
  REQUIRE(partition.high_watermark() == 0);
  cluster->run_retention();
  CHECK(partition.log().log_start_offset() == 0);  // expired, but above the high watermark
  cluster->advance(60000);  // the followers catch up (or leave the ISR): the high watermark moves
  REQUIRE(partition.high_watermark() == 5);
  cluster->run_retention();
  CHECK(partition.log().log_start_offset() == 5);
}

TEST_CASE("a consumer whose position fell below the log start gets OFFSET_OUT_OF_RANGE or its auto.offset.reset") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, small_segments({{"retention.ms", num(1000)}}));
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  send_values(*cluster, *producer, "t", 4);
  auto strict = test::make_consumer(*cluster, {{"auto.offset.reset", str("none")}});
  auto earliest = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  const TopicPartition tp{"t", 0};
  for (auto* consumer : {strict.get(), earliest.get()}) {
    REQUIRE(consumer->assign({tp}).ok());
    consumer->seek(tp, 1);
  }
  cluster->advance(2000);
  send_values(*cluster, *producer, "t", 1, "late");
  cluster->run_retention();
  REQUIRE(test::log_of(*cluster, "t", 0).log_start_offset() == 4);
  std::vector<ConsumerRecord> records;
  Result<std::size_t> failed = strict->poll(0, records);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::OFFSET_OUT_OF_RANGE);
  REQUIRE(earliest->poll(0, records).ok());
  REQUIRE(records.size() == 1);
  CHECK(records[0].offset == 4);
}

TEST_CASE("delete_records raises the log start on every replica; beyond the high watermark it is OFFSET_OUT_OF_RANGE") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3, small_segments());
  Partition& partition = test::partition_of(*cluster, "t");
  auto producer = test::make_producer(*cluster);
  send_values(*cluster, *producer, "t", 6);
  cluster->advance(100);
  Result<int64_t> beyond = cluster->delete_records("t", 0, 7);
  REQUIRE_FALSE(beyond.ok());
  CHECK(beyond.error().code == ErrorCode::OFFSET_OUT_OF_RANGE);
  Result<int64_t> low = cluster->delete_records("t", 0, 3);
  REQUIRE(low.ok());
  CHECK(*low == 3);
  for (auto& copy : partition.copies) CHECK(copy->log.log_start_offset() == 3);
  cluster->run_retention();  // the segment [0,1] is wholly below the log start: it goes everywhere
  for (auto& copy : partition.copies) CHECK(copy->log.segments().front().base_offset() == 2);
  CHECK(test::replica_bytes(partition, partition.replicas[0]) == test::replica_bytes(partition, partition.replicas[1]));
}

TEST_CASE("bad retention configs are refused with Kafka's messages") {
  auto cluster = test::make_cluster();
  Result<CreateTopicResult> negative = cluster->create_topic("t", TopicSpec{1, 1, {{"retention.ms", num(-2)}}});
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().message == "Invalid value -2 for configuration retention.ms: Value must be at least -1");
  Result<CreateTopicResult> policy = cluster->create_topic("t", TopicSpec{1, 1, {{"cleanup.policy", str("compcat")}}});
  REQUIRE_FALSE(policy.ok());
  CHECK(policy.error().message == "Invalid value compcat for configuration cleanup.policy: String must be one of: compact, delete");
  Result<CreateTopicResult> lags = cluster->create_topic(
      "t", TopicSpec{1, 1, {{"min.compaction.lag.ms", num(10)}, {"max.compaction.lag.ms", num(5)}}});
  REQUIRE_FALSE(lags.ok());
  CHECK(lags.error().code == ErrorCode::INVALID_CONFIG);
  CHECK(cluster->create_topic("t", TopicSpec{1, 1, {{"retention.ms", num(-1)}}}).ok());
}

TEST_CASE("retention.ms falls back on log.retention.ms, then .minutes, then .hours, with their source") {
  auto cluster = test::make_cluster(ClusterOptions{.config = {{"log.retention.hours", num(1)}}});
  test::make_topic(*cluster, "t", 1);
  auto describe = [&] {
    const TopicDescription description = cluster->describe_topic("t").value();
    for (const TopicConfigEntry& entry : description.configs)
      if (entry.name == "retention.ms") return entry;
    FAIL("no retention.ms");
    return TopicConfigEntry{};
  };
  CHECK(describe().value == "3600000");
  CHECK(describe().source == ConfigSource::StaticBrokerConfig);
  REQUIRE(cluster->alter_topic_config("t", {{"retention.ms", num(5)}}).ok());
  CHECK(describe().value == "5");
  CHECK(describe().source == ConfigSource::TopicConfig);
}
