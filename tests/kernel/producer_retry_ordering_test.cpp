// Retries and order within a partition. An idempotent producer (Kafka 3.7's Sender, RecordAccumulator
// and TransactionManager) sends a retried batch again only when it is the first batch of its
// partition still in flight: a batch refused as OUT_OF_ORDER_SEQUENCE_NUMBER behind a lost request
// waits for that request's retry and goes once, right after it. A producer without idempotence
// keeps reordering with several requests in flight.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "test_support.hpp"

namespace klab {
namespace {

using test::num;
using test::str;

double metric(const Producer& producer, const std::string& name) {
  for (const auto& [metric_name, value] : producer.metrics())
    if (metric_name == name) return value;
  FAIL("no producer metric " << name);
  return 0;
}

struct Ack {
  std::string value;
  TimeMs at;
  int64_t offset;
  bool failed;
};

// The last demo of deck 03: a warm-up record, then "debit" whose request is lost, then "credit"
// 5 ms later while "debit" waits for an answer that never comes.
struct LostRequest {
  std::unique_ptr<Cluster> cluster = test::make_cluster();
  std::unique_ptr<Producer> producer;
  std::vector<Ack> acks;
  BrokerId leader = -1;
  TimeMs warm_up_ms = 0;  // one acks=all round trip when nothing is lost

  explicit LostRequest(const ConfigEntries& config, int dropped_requests = 1) {
    Topic& topic = test::make_topic(*cluster, "journal", 1, 3);
    leader = topic.partitions[0]->leader;
    producer = test::make_producer(*cluster, config);
    REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "journal", .value = "warm-up"}).ok());
    warm_up_ms = cluster->now();
    for (int i = 0; i < dropped_requests; ++i) REQUIRE(cluster->drop_next_request(leader).ok());
    send("debit");
    cluster->advance(5);
    send("credit");
  }
  void send(const std::string& value) {
    REQUIRE(producer->send(ProducerRecord{.topic = "journal", .value = value},
                           [this, value](const RecordMetadata& metadata, const Error* error) {
                             acks.push_back(Ack{value, cluster->now(), metadata.offset, error != nullptr});
                           })
                .ok());
  }
  const Ack& ack_of(const std::string& value) const {
    for (const Ack& ack : acks)
      if (ack.value == value) return ack;
    FAIL("no acknowledgement for " << value);
    return acks.front();
  }
  // Both acknowledged, debit then credit, each written once after the warm-up.
  void check_delivered_in_order() {
    REQUIRE(acks.size() == 2);
    CHECK_FALSE(ack_of("debit").failed);
    CHECK_FALSE(ack_of("credit").failed);
    CHECK(ack_of("debit").offset == 1);
    CHECK(ack_of("credit").offset == 2);
    CHECK(log_values() == std::vector<std::string>{"warm-up", "debit", "credit"});
  }
  std::vector<std::string> log_values() {
    std::vector<std::string> values;
    for (const test::StoredRecord& record : test::read_log(test::log_of(*cluster, "journal", 0)))
      values.push_back(record.value.value_or("<null>"));
    return values;
  }
};

TEST_CASE("an idempotent producer resends a batch refused as out of sequence once, after the earlier batch") {
  LostRequest run({});
  REQUIRE(run.producer->idempotent());
  // "credit" reached the leader (which had never seen "debit"), was refused and queued for a retry;
  // it then waits for "debit", whose request is still out, instead of going again every backoff.
  run.cluster->advance(20000);
  CHECK(run.acks.empty());
  CHECK(metric(*run.producer, "record-retry-total") == 1);  // credit's OUT_OF_ORDER_SEQUENCE_NUMBER
  CHECK(metric(*run.producer, "request-total") == 3);       // warm-up, debit, credit: nothing since
  run.producer->flush();
  run.check_delivered_in_order();
  const Ack& debit = run.ack_of("debit");
  const Ack& credit = run.ack_of("credit");
  // "credit" left when the answer for "debit" came: one acks=all round trip later, as the warm-up.
  CHECK(credit.at == debit.at + run.warm_up_ms);
  // As Kafka's Sender counts (recordRetries per re-enqueued batch): debit once, credit once.
  CHECK(metric(*run.producer, "record-retry-total") == 2);
  CHECK(metric(*run.producer, "request-total") == 5);
  CHECK(metric(*run.producer, "record-error-total") == 0);
}

TEST_CASE("while an idempotent producer holds a retry back, its other partitions on that leader wait too") {
  // Kafka's drain breaks out of the broker's loop at the held partition and starts there again next
  // round, so nothing goes to that broker until the earlier batch is answered; other brokers are served.
  LostRequest run({});
  test::make_topic(*run.cluster, "audit", 3, 3);
  Topic* audit = run.cluster->find_topic("audit");
  int32_t same = -1, other = -1;
  for (int32_t p = 0; p < audit->partition_count(); ++p)
    (audit->partitions[static_cast<std::size_t>(p)]->leader == run.leader ? same : other) = p;
  REQUIRE(same >= 0);
  REQUIRE(other >= 0);
  run.cluster->advance(1000);  // credit is held back by now
  std::vector<std::pair<int32_t, TimeMs>> audit_acks;
  for (int32_t partition : {same, other})
    REQUIRE(run.producer->send(ProducerRecord{.topic = "audit", .partition = partition, .value = "a"},
                               [&, partition](const RecordMetadata&, const Error* error) {
                                 CHECK(error == nullptr);
                                 audit_acks.emplace_back(partition, run.cluster->now());
                               })
                .ok());
  run.cluster->advance(1000);
  REQUIRE(audit_acks.size() == 1);
  CHECK(audit_acks[0].first == other);
  run.producer->flush();
  REQUIRE(audit_acks.size() == 2);
  CHECK(audit_acks[1].first == same);
  // It went once debit's request had timed out (request.timeout.ms after it left at warm_up_ms): debit
  // then heads the queue in its backoff, which skips the partition (Kafka: continue) instead of stopping.
  CHECK(audit_acks[1].second >= run.warm_up_ms + 30000);
  CHECK(audit_acks[1].second < run.ack_of("debit").at);
  CHECK(run.log_values() == std::vector<std::string>{"warm-up", "debit", "credit"});
}

TEST_CASE("two lost requests of an idempotent producer are retried in sequence order, one after the other") {
  LostRequest run({}, 2);
  run.producer->flush();
  run.check_delivered_in_order();
  const Ack& debit = run.ack_of("debit");
  const Ack& credit = run.ack_of("credit");
  // Both timed out; "credit" went back in the queue behind "debit" and could leave only once "debit"
  // was answered (its own backoff, drawn with jitter, may end later still).
  CHECK(credit.at >= debit.at + run.warm_up_ms);
  CHECK(metric(*run.producer, "record-retry-total") == 2);
  CHECK(metric(*run.producer, "request-total") == 5);
}

TEST_CASE("a producer without idempotence still reorders a retried batch with several requests in flight") {
  LostRequest run({{"enable.idempotence", str("false")}});
  run.producer->flush();
  REQUIRE(run.acks.size() == 2);
  const Ack& debit = run.ack_of("debit");
  const Ack& credit = run.ack_of("credit");
  CHECK(credit.offset == 1);
  CHECK(debit.offset == 2);
  CHECK(credit.at < debit.at);
  CHECK(metric(*run.producer, "record-retry-total") == 1);  // only debit's timeout
  CHECK(run.log_values() == std::vector<std::string>{"warm-up", "credit", "debit"});
}

TEST_CASE("a producer without idempotence and one request in flight keeps order by waiting") {
  LostRequest run({{"enable.idempotence", str("false")}, {"max.in.flight.requests.per.connection", num(1)}});
  run.producer->flush();
  run.check_delivered_in_order();
  CHECK(metric(*run.producer, "record-retry-total") == 1);
}

TEST_CASE("an idempotent producer with retries=1 delivers both: the held-back resend is credit's one retry") {
  // credit's OUT_OF_ORDER_SEQUENCE_NUMBER costs its only retry, and that retry waits for debit, so it
  // lands. Resent every backoff while debit was out, it would be refused again and fail for good.
  LostRequest run({{"retries", num(1)}});
  run.producer->flush();
  run.check_delivered_in_order();
}

}  // namespace
}  // namespace klab
