// What makes a producer fast or slow in simulated time: batching against per-request cost
// (latency plus bytes over the link's bandwidth), buffer.memory with max.block.ms, batch.size
// counted on Kafka's compressed-size estimate, and the producer-metrics that show it.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <string>

#include "test_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::map<std::string, double> metrics_of(const Producer& producer) {
  std::map<std::string, double> out;
  for (const auto& [name, value] : producer.metrics()) out[name] = value;
  return out;
}

const std::string kValue(200, 'v');

}  // namespace

TEST_CASE("flush after every record is slower in simulated time than letting batches fill") {
  ClusterOptions options;
  options.network_latency_ms = 2;
  options.network_bandwidth_mbps = 100;
  auto per_record = [&] {
    auto cluster = test::make_cluster(options);
    test::make_topic(*cluster, "t", 1);
    auto producer = test::make_producer(*cluster, {{"linger.ms", num(0)}});
    for (int i = 0; i < 1000; ++i) {
      REQUIRE(producer->send(ProducerRecord{"t", 0, {}, kValue, {}, {}}).ok());
      producer->flush();
    }
    return cluster->now();
  }();
  auto batched = [&] {
    auto cluster = test::make_cluster(options);
    test::make_topic(*cluster, "t", 1);
    auto producer = test::make_producer(*cluster, {{"linger.ms", num(20)}, {"batch.size", num(65536)}});
    for (int i = 0; i < 1000; ++i) REQUIRE(producer->send(ProducerRecord{"t", 0, {}, kValue, {}, {}}).ok());
    producer->flush();
    const auto metrics = metrics_of(*producer);
    CHECK(metrics.at("records-per-request-avg") > 200);
    CHECK(metrics.at("request-total") == 4);  // 1000 x ~210 bytes in 64 KiB batches
    return cluster->now();
  }();
  // Each flushed record: 2 x 2 ms latency + 1 ms on the wire (a few hundred bytes at 100 Mbit/s).
  CHECK(per_record == 5000);
  CHECK(batched < 100);
}

TEST_CASE("a request's bytes cross the link at its bandwidth, requests to one broker queue behind each other") {
  ClusterOptions options;
  options.network_latency_ms = 1;
  options.network_bandwidth_mbps = 8;  // 1000 bytes per ms
  auto cluster = test::make_cluster(options);
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"linger.ms", num(0)}, {"batch.size", num(100000)}});
  const std::string big(20000, 'x');
  TimeMs acknowledged = -1;
  REQUIRE(producer->send(ProducerRecord{"t", 0, {}, big, {}, {}}, [&](const RecordMetadata&, const Error* error) {
    CHECK(error == nullptr);
    acknowledged = cluster->now();
  }).ok());
  producer->flush();
  const auto metrics = metrics_of(*producer);
  const double bytes = metrics.at("outgoing-byte-total");
  CHECK(bytes > 20000);
  // ceil(bytes / 1000) ms on the wire, then 1 ms there and 1 ms back.
  CHECK(acknowledged == static_cast<TimeMs>(std::ceil(bytes / 1000.0)) + 2);
}

TEST_CASE("without a bandwidth the request costs latency only, as before") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster);
  Result<RecordMetadata> sent = producer->send_and_wait(ProducerRecord{"t", 0, {}, std::string(500000, 'x'), {}, {}});
  REQUIRE(sent.ok());
  CHECK(cluster->now() == 2);
}

TEST_CASE("send blocks while buffer.memory is used up and fails after max.block.ms") {
  ClusterOptions options;
  options.network_latency_ms = 10;
  auto cluster = test::make_cluster(options);
  test::make_topic(*cluster, "t", 2);
  // Room for two 1000-byte batches.
  auto producer = test::make_producer(*cluster, {{"buffer.memory", num(2000)}, {"batch.size", num(1000)},
                                                 {"linger.ms", num(1000)}, {"max.block.ms", num(500)}});
  REQUIRE(producer->send(ProducerRecord{"t", 0, {}, kValue, {}, {}}).ok());
  REQUIRE(producer->send(ProducerRecord{"t", 1, {}, kValue, {}, {}}).ok());
  CHECK(cluster->now() == 0);
  SUBCASE("the third batch waits for a request to complete") {
    REQUIRE(producer->send(ProducerRecord{"t", 0, std::string_view("k"), std::string(900, 'x'), {}, {}}).ok());
    // The sender sent both batches at once (exhausted memory makes them ready); the answer came at 20.
    CHECK(cluster->now() == 20);
    producer->flush();
  }
  SUBCASE("with the broker down nothing is freed: REQUEST_TIMED_OUT after max.block.ms") {
    for (BrokerId id : cluster->broker_ids()) REQUIRE(cluster->stop_broker(id).ok());
    Result<int32_t> third = producer->send(ProducerRecord{"t", 0, std::string_view("k"), std::string(900, 'x'), {}, {}});
    REQUIRE(!third.ok());
    CHECK(third.error().code == ErrorCode::REQUEST_TIMED_OUT);
    CHECK(third.error().message.rfind("Failed to allocate 1000 bytes within the configured max blocking time 500 ms.", 0) == 0);
    CHECK(cluster->now() == 500);
  }
  SUBCASE("a record larger than buffer.memory fails at once") {
    Result<int32_t> huge = producer->send(ProducerRecord{"t", 0, {}, std::string(3000, 'x'), {}, {}});
    REQUIRE(!huge.ok());
    CHECK(huge.error().code == ErrorCode::MESSAGE_TOO_LARGE);
    CHECK(huge.error().message.find("buffer.memory") != std::string::npos);
  }
}

TEST_CASE("with compression batch.size counts estimated compressed bytes, so batches hold more records") {
  auto records_per_batch = [](const std::string& codec) {
    auto cluster = test::make_cluster();
    test::make_topic(*cluster, "t", 1);
    auto producer = test::make_producer(*cluster, {{"compression.type", str(codec)}, {"linger.ms", num(100)}});
    for (int i = 0; i < 20000; ++i) {
      const std::string value = "{\"sensor\":\"room-" + std::to_string(i % 7) + "\",\"celsius\":21.5,\"ok\":true}";
      REQUIRE(producer->send(ProducerRecord{"t", 0, {}, value, {}, {}}).ok());
      // The sender drains full batches while the application sends (Kafka's sender thread);
      // each drained batch feeds its real ratio back into the estimate.
      if (i % 50 == 49) cluster->advance(1);
    }
    producer->flush();
    std::vector<int32_t> counts;
    for (const Segment& segment : cluster->find_topic("t")->partitions[0]->log().segments())
      segment.for_each_batch(0, [&](const RecordBatchView& batch) {
        counts.push_back(batch.record_count());
        return true;
      });
    return std::pair(counts, metrics_of(*producer));
  };
  auto [plain, plain_metrics] = records_per_batch("none");
  auto [zstd, zstd_metrics] = records_per_batch("zstd");
  // The first batch is sized on the initial estimate 1.0 times the 1.05 safety factor: smaller.
  CHECK(zstd.front() == plain.front() * 100 / 105);
  // Then the estimate falls by 0.005 per batch towards the real ratio, and batches grow with it.
  CHECK(zstd[10] > zstd[1]);
  CHECK(zstd[20] > zstd[10]);
  CHECK(plain_metrics.at("compression-rate-avg") == 1.0);
  CHECK(zstd_metrics.at("compression-rate-avg") < 0.3);
}

TEST_CASE("producer metrics follow Kafka's definitions") {
  ClusterOptions options;
  options.network_latency_ms = 5;
  auto cluster = test::make_cluster(options);
  test::make_topic(*cluster, "t", 1);
  auto producer = test::make_producer(*cluster, {{"linger.ms", num(10)}});
  CHECK(std::isnan(metrics_of(*producer).at("batch-size-avg")));  // Kafka's Avg with no samples
  for (int i = 0; i < 10; ++i) REQUIRE(producer->send(ProducerRecord{"t", 0, {}, kValue, {}, {}}).ok());
  producer->flush();  // flush sends at once: queue time 0
  cluster->advance(1000 - cluster->now());
  for (int i = 0; i < 10; ++i) REQUIRE(producer->send(ProducerRecord{"t", 0, {}, kValue, {}, {}}).ok());
  cluster->advance(1000);  // this batch waits its linger.ms
  const auto metrics = metrics_of(*producer);
  CHECK(metrics.at("record-queue-time-avg") == 5.0);  // (0 + 10) / 2
  CHECK(metrics.at("records-per-request-avg") == 10.0);
  CHECK(metrics.at("request-total") == 2);
  // Kafka's Rate: 2 requests, the first sample began at the first request (t = 0) 2 s ago, and a
  // rate divides by at least metrics.num.samples - 1 = 1 whole 30 s window: 2 / 32 s.
  CHECK(metrics.at("request-rate") == doctest::Approx(2 / 32.0));
  CHECK(metrics.at("outgoing-byte-rate") == doctest::Approx(metrics.at("outgoing-byte-total") / 32.0));
  CHECK(metrics.at("batch-size-avg") > 2000);
  CHECK(metrics.at("record-send-total") == 20);
}
