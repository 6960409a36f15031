// The log cleaner (cleanup.policy=compact) against a reference model: the latest record of each key
// survives in the cleaned range, offsets are preserved, the active segment is untouched, the dirty
// ratio and compaction lags gate it, tombstones live delete.retention.ms after their first
// cleaning, replicas stay consistent and followers keep fetching across the gaps.
#include <doctest/doctest.h>

#include <map>

#include "log/log_cleaner.hpp"
#include "replication_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

ConfigEntries compacted(ConfigEntries extra = {}) {
  extra.push_back({"cleanup.policy", str("compact")});
  extra.push_back({"segment.bytes", num(300)});
  return extra;
}

void send(Producer& producer, const std::string& topic, const std::string& key, std::optional<std::string> value) {
  std::optional<std::string_view> v;
  if (value) v = *value;
  REQUIRE(producer.send_and_wait(ProducerRecord{.topic = topic, .partition = 0, .key = key, .value = v}).ok());
}

}  // namespace

TEST_CASE("the cleaner keeps exactly the latest record per key below the first uncleanable offset, at its offset") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, compacted());
  auto producer = test::make_producer(*cluster);
  std::map<std::string, int64_t> latest;
  for (int i = 0; i < 40; ++i) {
    const std::string key = "k" + std::to_string(i % 4);
    send(*producer, "t", key, "v" + std::to_string(i));
    latest[key] = i;
  }
  const PartitionLog& log = test::log_of(*cluster, "t", 0);
  const int64_t active_base = log.segments().back().base_offset();
  const auto active_before = test::read_log(log, active_base);
  auto reports = cluster->run_cleaner();
  REQUIRE(reports.size() == 1);
  std::map<std::string, int64_t> model;  // the latest offset per key among records below active_base
  for (int i = 0; i < active_base; ++i) model["k" + std::to_string(i % 4)] = i;
  for (const auto& record : test::read_log(log, 0, active_base)) {
    CHECK(model.at(*record.key) == record.offset);
    CHECK(*record.value == "v" + std::to_string(record.offset));
  }
  CHECK(test::read_log(log, 0, active_base).size() == model.size());
  const auto active_after = test::read_log(log, active_base);
  CHECK(test::offsets_of(active_after) == test::offsets_of(active_before));
  CHECK(log.log_end_offset() == 40);
}

TEST_CASE("nothing is cleaned while the dirty ratio is at or below min.cleanable.dirty.ratio") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, compacted({{"min.cleanable.dirty.ratio", ConfigInput(0.99)}}));
  auto producer = test::make_producer(*cluster);
  for (int i = 0; i < 10; ++i) send(*producer, "t", "k", "v" + std::to_string(i));
  REQUIRE(cluster->run_cleaner().size() == 1);  // never cleaned: all dirty, ratio 1.0
  for (int i = 0; i < 4; ++i) send(*producer, "t", "k", "w" + std::to_string(i));
  CHECK(cluster->run_cleaner().empty());  // a little dirt on a clean log: below 0.99
}

TEST_CASE("min.compaction.lag.ms keeps young segments dirty; max.compaction.lag.ms forces a cleaning") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, compacted({{"min.compaction.lag.ms", num(10000)}}));
  auto producer = test::make_producer(*cluster);
  for (int i = 0; i < 10; ++i) send(*producer, "t", "k", "v" + std::to_string(i));
  CHECK(cluster->run_cleaner().empty());
  cluster->advance(10000);
  CHECK(cluster->run_cleaner().size() == 1);

  test::make_topic(*cluster, "u", 1, 1,
                   compacted({{"min.cleanable.dirty.ratio", ConfigInput(1.0)}, {"max.compaction.lag.ms", num(5000)}}));
  for (int i = 0; i < 10; ++i) send(*producer, "u", "k", "v" + std::to_string(i));
  CHECK(cluster->run_cleaner().empty());  // a ratio of 1.0 is never exceeded
  cluster->advance(5001);
  auto reports = cluster->run_cleaner();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].reason == "max.compaction.lag.ms passed");
}

TEST_CASE("a tombstone survives its first cleaning, gets a delete horizon, and goes after delete.retention.ms") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, compacted({{"delete.retention.ms", num(60000)}}));
  auto producer = test::make_producer(*cluster);
  for (int i = 0; i < 6; ++i) send(*producer, "t", "a" + std::to_string(i), "x");
  send(*producer, "t", "a0", std::nullopt);
  for (int i = 0; i < 6; ++i) send(*producer, "t", "b" + std::to_string(i), "y");
  const PartitionLog& log = test::log_of(*cluster, "t", 0);
  auto has_tombstone = [&] {
    for (const auto& record : test::read_log(log)) if (*record.key == "a0") return !record.value.has_value();
    return false;
  };
  const TimeMs cleaned_at = cluster->now();
  REQUIRE(cluster->run_cleaner().size() == 1);
  CHECK(has_tombstone());
  std::vector<TimeMs> horizons;
  log.read_batches(0, log.log_end_offset(), [&](const RecordBatchView& batch) {
    if (batch.has_delete_horizon()) horizons.push_back(batch.delete_horizon_ms());
    return true;
  });
  CHECK(horizons == std::vector<TimeMs>{cleaned_at + 60000});  // only the batch holding the tombstone
  cluster->advance(60001);
  for (int i = 0; i < 20; ++i) send(*producer, "t", "c" + std::to_string(i), "z");  // new dirt
  REQUIRE_FALSE(cluster->run_cleaner().empty());
  CHECK_FALSE(has_tombstone());
}

TEST_CASE("replicas clean independently to identical bytes, and a lagging follower fetches across the gaps") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3, compacted());
  Partition& partition = test::partition_of(*cluster, "t");
  auto producer = test::make_producer(*cluster);
  for (int i = 0; i < 30; ++i) send(*producer, "t", "k" + std::to_string(i % 3), "v" + std::to_string(i));
  cluster->advance(100);
  const BrokerId late = test::followers_of(partition)[0];
  REQUIRE(cluster->stop_broker(late).ok());
  for (int i = 30; i < 60; ++i) send(*producer, "t", "k" + std::to_string(i % 3), "v" + std::to_string(i));
  cluster->advance(100);
  cluster->run_cleaner();
  const BrokerId other = test::followers_of(partition)[1];
  CHECK(test::replica_bytes(partition, partition.leader) == test::replica_bytes(partition, other));
  REQUIRE(cluster->start_broker(late).ok());
  cluster->advance(60000);
  CHECK(partition.in_isr(late));
  CHECK(partition.replica_on(late)->log.log_end_offset() == partition.log().log_end_offset());
  // The late follower copied the leader's compacted records (and may since have cleaned further
  // on its own): the same latest value per key.
  auto latest = [&](BrokerId broker) {
    std::map<std::string, std::string> values;
    for (const auto& record : test::read_log(partition.replica_on(broker)->log)) values[*record.key] = *record.value;
    return values;
  };
  CHECK(latest(late) == latest(partition.leader));
  CHECK(latest(late).at("k2") == "v59");
}

TEST_CASE("a keyless record sent to a compacted topic fails with INVALID_RECORD") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, compacted());
  auto producer = test::make_producer(*cluster);
  Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{.topic = "t", .value = "no key"});
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.error().code == ErrorCode::INVALID_RECORD);
  CHECK(sent.error().message == "Compacted topic cannot accept message without key in topic partition t-0.");
}

TEST_CASE("delete_records on a compact-only topic is a POLICY_VIOLATION") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1, compacted());
  CHECK(cluster->delete_records("t", 0, 0).error().code == ErrorCode::POLICY_VIOLATION);
}
