// Metric values on scripted workloads, checked against what the script did: records and bytes
// produced over known simulated seconds (MessagesInPerSec, BytesInPerSec, record-send-rate),
// ISR shrinks and expansions and elections across broker failures, consumer lag against the
// consumer's own positions.
#include <doctest/doctest.h>

#include <cmath>

#include "metrics_support.hpp"
#include "replication_support.hpp"

using namespace klab;
using test::num;
using test::sample_value;
using test::str;

namespace {

const std::string kTopicMetrics = "kafka.server:type=BrokerTopicMetrics";
const std::string kReplicaManager = "kafka.server:type=ReplicaManager";
const std::string kControllerStats = "kafka.controller:type=ControllerStats";
const std::string kRequestMetrics = "kafka.network:type=RequestMetrics";
const std::string kFetchManager = "consumer-fetch-manager-metrics";

std::string id(BrokerId broker) { return std::to_string(broker); }

}  // namespace

TEST_CASE("100 records a second for 10 simulated seconds: MessagesInPerSec, BytesInPerSec, record-send-rate") {
  auto cluster = test::make_cluster(ClusterOptions{.brokers = 1});
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"client.id", str("p")}, {"linger.ms", num(0)}});
  const std::string value(100, 'v');
  for (int second = 0; second < 10; ++second) {
    test::advance_to(*cluster, second * 1000);
    for (int i = 0; i < 100; ++i)
      REQUIRE(producer->send(ProducerRecord{"t", 0, {}, value, {}, {}}, [](const RecordMetadata&, const Error* error) {
        CHECK(error == nullptr);
      }).ok());
    producer->flush();  // one batch of 100 leaves at second * 1000, appended 1 ms later
  }
  test::advance_to(*cluster, 10000);
  const int64_t stored = cluster->describe_topic("t")->partitions[0].size_bytes;
  const test::Tags broker = {{"broker", "1"}}, topic = {{"broker", "1"}, {"topic", "t"}};
  CHECK(sample_value(*cluster, kTopicMetrics, "MessagesInPerSec", broker) == 1000);
  CHECK(sample_value(*cluster, kTopicMetrics, "MessagesInPerSec", topic) == 1000);
  CHECK(sample_value(*cluster, kTopicMetrics, "BytesInPerSec", topic) == stored);
  // The broker's meter exists since t = 0: 1000 records over 10 s; 500 in each 5 s tick interval.
  CHECK(sample_value(*cluster, kTopicMetrics, "MessagesInPerSec.MeanRate", broker) == doctest::Approx(100.0));
  CHECK(sample_value(*cluster, kTopicMetrics, "MessagesInPerSec.OneMinuteRate", broker) == doctest::Approx(100.0));
  CHECK(sample_value(*cluster, kTopicMetrics, "BytesInPerSec.OneMinuteRate", broker) ==
        doctest::Approx(static_cast<double>(stored) / 10.0));
  // The producer: 1000 records in its first 10 s, a rate over 10 s + one whole 30 s window.
  const test::Tags client = {{"client-id", "p"}};
  CHECK(sample_value(*cluster, "producer-metrics", "record-send-total", client) == 1000);
  CHECK(sample_value(*cluster, "producer-metrics", "record-send-rate", client) == doctest::Approx(1000.0 / 40.0));
  CHECK(sample_value(*cluster, "producer-metrics", "request-total", client) == 10);
  CHECK(sample_value(*cluster, "producer-metrics", "request-rate", client) == doctest::Approx(10.0 / 40.0));
  CHECK(sample_value(*cluster, "producer-metrics", "records-per-request-avg", client) == 100);
  CHECK(sample_value(*cluster, "producer-metrics", "request-latency-avg", client) == 2);  // 1 ms each way
  CHECK(sample_value(*cluster, "producer-topic-metrics", "record-send-total", {{"client-id", "p"}, {"topic", "t"}}) == 1000);
  // What went out is what the broker took in, plus the request framing.
  CHECK(sample_value(*cluster, "producer-metrics", "outgoing-byte-total", client) > static_cast<double>(stored));
  // The broker answered 10 produce requests, each at once (acks=1).
  CHECK(sample_value(*cluster, kRequestMetrics, "RequestsPerSec",
                     {{"broker", "1"}, {"request", "Produce"}, {"version", "10"}}) == 10);
  CHECK(sample_value(*cluster, kRequestMetrics, "TotalTimeMs", {{"broker", "1"}, {"request", "Produce"}}) == 10);
  CHECK(sample_value(*cluster, kRequestMetrics, "TotalTimeMs.Max", {{"broker", "1"}, {"request", "Produce"}}) == 0);
}

TEST_CASE("acks=all shows in the leader's Produce TotalTimeMs: the wait for the followers") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  const BrokerId leader = test::partition_of(*cluster, "t").leader;
  auto producer = test::make_producer(*cluster, {{"acks", str("all")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());
  const test::Tags tags = {{"broker", id(leader)}, {"request", "Produce"}};
  CHECK(sample_value(*cluster, kRequestMetrics, "TotalTimeMs", tags) == 1);
  CHECK(sample_value(*cluster, kRequestMetrics, "TotalTimeMs.Max", tags) > 0);
  CHECK(sample_value(*cluster, kRequestMetrics, "RequestsPerSec",
                     {{"broker", id(leader)}, {"request", "FetchFollower"}, {"version", "16"}}) >= 2);
}

TEST_CASE("ISR shrinks, expansions and elections across a slow follower and a broker stop and start") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Partition& partition = test::partition_of(*cluster, "t");
  const BrokerId leader = partition.leader;
  const BrokerId slow = test::followers_of(partition).at(0);
  // A follower whose fetch answers take 60 s falls out of the ISR: the leader's AlterPartition.
  REQUIRE(cluster->set_latency(leader, slow, 60000).ok());
  auto producer = test::make_producer(*cluster, {{"acks", str("1")}});
  REQUIRE(test::produce(*producer, "t", "x").ok());
  test::advance_to(*cluster, 45000);
  REQUIRE(!partition.in_isr(slow));
  CHECK(sample_value(*cluster, kReplicaManager, "IsrShrinksPerSec", {{"broker", id(leader)}}) == 1);
  CHECK(sample_value(*cluster, kReplicaManager, "UnderReplicatedPartitions", {{"broker", id(leader)}}) == 1);
  REQUIRE(cluster->set_latency(leader, slow, 1).ok());
  test::advance_to(*cluster, 200000);
  REQUIRE(partition.in_isr(slow));
  CHECK(sample_value(*cluster, kReplicaManager, "IsrExpandsPerSec", {{"broker", id(leader)}}) == 1);
  CHECK(sample_value(*cluster, kReplicaManager, "UnderReplicatedPartitions", {{"broker", id(leader)}}) == 0);

  // Stopping the leader: the controller removes it from the ISR (not an IsrShrink on any broker, as
  // in Kafka) and elects another leader. A stopped broker publishes nothing.
  REQUIRE(cluster->stop_broker(leader).ok());
  const BrokerId new_leader = partition.leader;
  const BrokerId new_controller = cluster->controller();
  REQUIRE(new_leader != leader);
  CHECK(sample_value(*cluster, kControllerStats, "LeaderElectionRateAndTimeMs", {{"broker", id(new_controller)}}) == 1);
  CHECK(sample_value(*cluster, kControllerStats, "UncleanLeaderElectionsPerSec", {{"broker", id(new_controller)}}) == 0);
  CHECK(sample_value(*cluster, kReplicaManager, "IsrShrinksPerSec", {{"broker", id(new_leader)}}) == 0);
  CHECK(sample_value(*cluster, kReplicaManager, "UnderReplicatedPartitions", {{"broker", id(new_leader)}}) == 1);
  CHECK(!test::find_sample(cluster->metrics_registry().collect(cluster->now()), kReplicaManager,
                           "UnderReplicatedPartitions", {{"broker", id(leader)}}));
  // It comes back and catches up: the new leader expands its ISR; the restarted broker's meters
  // start from zero, as a new JVM's do.
  REQUIRE(cluster->start_broker(leader).ok());
  test::advance_to(*cluster, cluster->now() + 10000);
  REQUIRE(partition.in_isr(leader));
  CHECK(sample_value(*cluster, kReplicaManager, "IsrExpandsPerSec", {{"broker", id(new_leader)}}) == 1);
  CHECK(sample_value(*cluster, kReplicaManager, "IsrExpandsPerSec", {{"broker", id(leader)}}) == 0);
  CHECK(sample_value(*cluster, kTopicMetrics, "MessagesInPerSec", {{"broker", id(leader)}}) == 0);
  // The flat summary keeps counting every ISR change since the start, whatever its cause.
  CHECK(test::metric(*cluster, "IsrShrinksPerSec") == 2);
  CHECK(test::metric(*cluster, "LeaderElectionRateAndTimeMs") == 1);
}

TEST_CASE("records-lag is the high watermark minus the consumer's position after each fetch") {
  auto cluster = test::make_cluster(ClusterOptions{.brokers = 1});
  test::make_topic(*cluster, "t", 2);
  auto producer = test::make_producer(*cluster, {{"linger.ms", num(0)}});
  for (int i = 0; i < 50; ++i) {
    REQUIRE(producer->send(ProducerRecord{"t", 0, {}, std::string("a"), {}, {}}).ok());
    REQUIRE(producer->send(ProducerRecord{"t", 1, {}, std::string("b"), {}, {}}).ok());
  }
  producer->flush();
  auto consumer = test::make_consumer(*cluster, {{"client.id", str("k")}, {"max.poll.records", num(20)},
                                                 {"auto.offset.reset", str("earliest")}});
  const std::vector<TopicPartition> partitions = {{"t", 0}, {"t", 1}};
  REQUIRE(consumer->assign(partitions).ok());
  std::vector<ConsumerRecord> records;
  double largest_lag = 0;
  int64_t consumed = 0;
  for (int poll = 0; poll < 3; ++poll) {
    consumed += static_cast<int64_t>(consumer->poll(0, records).value());
    for (const TopicPartition& tp : partitions) {
      const test::Tags tags = {{"client-id", "k"}, {"topic", "t"}, {"partition", std::to_string(tp.partition)}};
      const auto lag = test::find_sample(cluster->metrics_registry().collect(cluster->now()), kFetchManager,
                                         "records-lag", tags);
      if (!lag) continue;  // not fetched yet: max.poll.records stopped the pass before it
      const int64_t high_watermark = test::partition_of(*cluster, "t", tp.partition).high_watermark();
      CHECK(*lag == static_cast<double>(high_watermark - consumer->position(tp).value()));
      largest_lag = std::max(largest_lag, *lag);
    }
  }
  const test::Tags client = {{"client-id", "k"}};
  CHECK(consumed == 60);
  CHECK(sample_value(*cluster, kFetchManager, "records-consumed-total", client) == 60);
  CHECK(sample_value(*cluster, kFetchManager, "records-lag-max", client) == largest_lag);
  CHECK(largest_lag == 30);  // 50 - 20 after the first fetch of a partition
  CHECK(sample_value(*cluster, kFetchManager, "fetch-total", client) == 3);
  CHECK(sample_value(*cluster, kFetchManager, "bytes-consumed-total", client) > 0);
  // The broker served those bytes to a consumer: BytesOutPerSec, FetchConsumer requests.
  CHECK(sample_value(*cluster, kTopicMetrics, "BytesOutPerSec", {{"broker", "1"}, {"topic", "t"}}) ==
        sample_value(*cluster, kFetchManager, "bytes-consumed-total", {{"client-id", "k"}, {"topic", "t"}}));
  CHECK(sample_value(*cluster, kRequestMetrics, "RequestsPerSec",
                     {{"broker", "1"}, {"request", "FetchConsumer"}, {"version", "16"}}) == 3);
  // Unassigned partitions lose their metrics; a closed consumer leaves the registry.
  REQUIRE(consumer->assign({{"t", 1}}).ok());
  CHECK(!test::find_sample(cluster->metrics_registry().collect(cluster->now()), kFetchManager, "records-lag",
                           {{"client-id", "k"}, {"topic", "t"}, {"partition", "0"}}));
  consumer.reset();
  CHECK(!test::find_sample(cluster->metrics_registry().collect(cluster->now()), kFetchManager, "fetch-total", client));
}

TEST_CASE("a retried batch counts in record-retry-rate, a failed one in record-error-rate") {
  auto cluster = test::make_cluster(ClusterOptions{.brokers = 1});
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"client.id", str("p")}, {"request.timeout.ms", num(1000)},
                                                 {"delivery.timeout.ms", num(120000)}});
  REQUIRE(cluster->drop_next_request(1).ok());
  REQUIRE(test::produce(*producer, "t", "x").ok());
  const test::Tags client = {{"client-id", "p"}};
  CHECK(sample_value(*cluster, "producer-metrics", "record-retry-total", client) == 1);
  CHECK(sample_value(*cluster, "producer-metrics", "record-retry-rate", client) > 0);
  CHECK(sample_value(*cluster, "producer-metrics", "record-error-total", client) == 0);
  CHECK(sample_value(*cluster, "producer-topic-metrics", "record-retry-total", {{"client-id", "p"}, {"topic", "t"}}) == 1);
}
