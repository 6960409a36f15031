// Kafka's compression codecs on real batch bytes: producer compresses, broker stores (or
// recompresses for the topic's compression.type), consumer decompresses; bad bytes are
// CORRUPT_MESSAGE, never a crash.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "log/compressed_batch.hpp"
#include "test_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

const std::vector<std::string> kCodecs = {"none", "gzip", "snappy", "lz4", "zstd"};

// Text-like records: JSON with repeated field names, as the lab sends.
std::string order_json(int i) {
  return "{\"order_id\":" + std::to_string(i) + ",\"customer\":\"customer-" + std::to_string(i % 17) +
         "\",\"status\":\"CREATED\",\"items\":[{\"sku\":\"SKU-" + std::to_string(i % 50) +
         "\",\"quantity\":1}],\"currency\":\"EUR\"}";
}

void produce_orders(Cluster& cluster, const std::string& topic, const std::string& codec, int count,
                    ConfigEntries extra = {}) {
  extra.emplace_back("compression.type", str(codec));
  extra.emplace_back("linger.ms", num(50));
  auto producer = test::make_producer(cluster, extra);
  for (int i = 0; i < count; ++i) {
    const std::string key = "k" + std::to_string(i), value = order_json(i);
    ProducerRecord record{topic, 0, key, value, {}, {}};
    HeaderView header{"src", std::string_view("test")};
    record.headers = std::span<const HeaderView>(&header, 1);
    REQUIRE(producer->send(record).ok());
  }
  producer->flush();
}

std::vector<int> stored_codecs(const PartitionLog& log) {
  std::vector<int> codecs;
  for (const Segment& segment : log.segments())
    segment.for_each_batch(0, [&](const RecordBatchView& batch) {
      codecs.push_back(batch.compression_id());
      return true;
    });
  return codecs;
}

}  // namespace

TEST_CASE("every codec round-trips records through produce and consume byte for byte") {
  for (const std::string& codec : kCodecs) {
    CAPTURE(codec);
    auto cluster = test::make_cluster();
    test::make_topic(*cluster, "orders", 1);
    produce_orders(*cluster, "orders", codec, 300);
    auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}, {"max.poll.records", num(1000)}});
    REQUIRE(consumer->assign({TopicPartition{"orders", 0}}).ok());
    std::vector<ConsumerRecord> records;
    REQUIRE(consumer->poll(0, records).ok());
    REQUIRE(records.size() == 300);
    for (int i = 0; i < 300; ++i) {
      CHECK(records[static_cast<std::size_t>(i)].offset == i);
      CHECK(records[static_cast<std::size_t>(i)].key == "k" + std::to_string(i));
      CHECK(records[static_cast<std::size_t>(i)].value == order_json(i));
      int headers = 0;
      records[static_cast<std::size_t>(i)].headers.for_each([&](const HeaderView& h) {
        CHECK(h.key == "src");
        CHECK(h.value == "test");
        ++headers;
      });
      CHECK(headers == 1);
    }
    const int expected_id = static_cast<int>(*compression_from_name(codec));
    for (int id : stored_codecs(cluster->find_topic("orders")->partitions[0]->log())) CHECK(id == expected_id);
  }
}

TEST_CASE("compressible records take fewer bytes on disk with every codec") {
  auto size_with = [](const std::string& codec) {
    auto cluster = test::make_cluster();
    test::make_topic(*cluster, "orders", 1);
    produce_orders(*cluster, "orders", codec, 500);
    return cluster->find_topic("orders")->partitions[0]->log().size_bytes();
  };
  const int64_t plain = size_with("none");
  for (const std::string codec : {"gzip", "snappy", "lz4", "zstd"}) {
    CAPTURE(codec);
    CHECK(size_with(codec) * 2 < plain);  // JSON with repeated names compresses far better than 2:1
  }
}

TEST_CASE("the codecs write Kafka's framing") {
  const std::string plain(5000, 'x');
  CHECK(compress(CompressionType::Gzip, plain).substr(0, 2) == "\x1f\x8b");
  const std::string snappy = compress(CompressionType::Snappy, plain);
  CHECK(snappy.substr(0, 16) == std::string("\x82SNAPPY\0\0\0\0\x01\0\0\0\x01", 16));
  CHECK(compress(CompressionType::Lz4, plain).substr(0, 4) == "\x04\x22\x4d\x18");  // LZ4 frame magic
  CHECK(compress(CompressionType::Zstd, plain).substr(0, 4) == "\x28\xb5\x2f\xfd");  // zstd frame magic
  SUBCASE("snappy-java splits the input into 32 KiB blocks") {
    std::string big(70000, 'y');
    const std::string framed = compress(CompressionType::Snappy, big);
    std::size_t at = 16, blocks = 0;
    while (at < framed.size()) {
      at += 4 + static_cast<std::size_t>(load_be(framed.data() + at, 4));
      ++blocks;
    }
    CHECK(blocks == 3);
    CHECK(at == framed.size());
  }
}

TEST_CASE("a topic whose compression.type differs makes the leader recompress") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "zstd-topic", 1, 1, {{"compression.type", str("zstd")}});
  test::make_topic(*cluster, "plain-topic", 1, 1, {{"compression.type", str("uncompressed")}});
  test::make_topic(*cluster, "as-sent", 1, 1);
  produce_orders(*cluster, "zstd-topic", "gzip", 100);
  produce_orders(*cluster, "plain-topic", "lz4", 100);
  produce_orders(*cluster, "as-sent", "snappy", 100);
  for (int id : stored_codecs(cluster->find_topic("zstd-topic")->partitions[0]->log())) CHECK(id == 4);
  for (int id : stored_codecs(cluster->find_topic("plain-topic")->partitions[0]->log())) CHECK(id == 0);
  for (int id : stored_codecs(cluster->find_topic("as-sent")->partitions[0]->log())) CHECK(id == 2);
  std::vector<test::StoredRecord> records = test::read_log(cluster->find_topic("zstd-topic")->partitions[0]->log());
  REQUIRE(records.size() == 100);
  CHECK(records[42].value == order_json(42));
}

TEST_CASE("the log cleaner keeps a compressed batch's codec when it rewrites it") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "latest", 1, 1,
                   {{"cleanup.policy", str("compact")}, {"segment.bytes", num(2000)},
                    {"min.cleanable.dirty.ratio", num(0)}});
  auto producer = test::make_producer(*cluster, {{"compression.type", str("lz4")}, {"linger.ms", num(5)}});
  for (int round = 0; round < 20; ++round) {
    for (int key = 0; key < 10; ++key) {
      const std::string k = "key-" + std::to_string(key), v = "value-" + std::to_string(round) + "-" + order_json(key);
      REQUIRE(producer->send(ProducerRecord{"latest", 0, k, v, {}, {}}).ok());
    }
    producer->flush();
  }
  PartitionLog& log = cluster->find_topic("latest")->partitions[0]->log();
  const int64_t before = log.size_bytes();
  cluster->advance(60000);  // the cleaner runs on its own schedule
  CHECK(log.size_bytes() < before);
  for (int id : stored_codecs(log)) CHECK(id == 3);
  std::vector<test::StoredRecord> records = test::read_log(log);
  REQUIRE(!records.empty());
  CHECK(records.back().value == "value-19-" + order_json(9));
}

TEST_CASE("corrupt compressed bytes are CORRUPT_MESSAGE, never a crash") {
  RecordBatchBuilder builder;
  builder.reset(1 << 20, CompressionType::None);
  for (int i = 0; i < 50; ++i) {
    const std::string value = order_json(i);
    builder.append(RecordInput{std::nullopt, value, nullptr, 0, 1000 + i});
  }
  const std::string plain(builder.finish());
  for (const std::string codec : {"gzip", "snappy", "lz4", "zstd"}) {
    CAPTURE(codec);
    const std::string good = compress_batch(plain, *compression_from_name(codec));
    REQUIRE(decompress_batch(RecordBatchView(good.data())).ok());
    CHECK(*decompress_batch(RecordBatchView(good.data())) == plain);
    SUBCASE("truncated") {
      std::string cut = good.substr(0, good.size() - 7);
      store_be(cut.data() + batch_field::kBatchLength, cut.size() - 12, 4);
      Result<std::string> out = decompress_batch(RecordBatchView(cut.data()));
      REQUIRE(!out.ok());
      CHECK(out.error().code == ErrorCode::CORRUPT_MESSAGE);
    }
    SUBCASE("every byte of the compressed records flipped in turn") {
      for (std::size_t at = kBatchHeaderSize; at < good.size(); ++at) {
        std::string bad = good;
        bad[at] = static_cast<char>(bad[at] ^ 0x5a);
        Result<std::string> out = decompress_batch(RecordBatchView(bad.data()));
        // Some flips still decode (inside a literal run): then the records must still parse.
        if (!out.ok()) CHECK(out.error().code == ErrorCode::CORRUPT_MESSAGE);
        else CHECK(check_plain_records(RecordBatchView(out->data())).ok());
      }
    }
  }
  SUBCASE("a codec id Kafka does not define") {
    std::string bad = plain;
    store_be(bad.data() + batch_field::kAttributes, 6, 2);
    CHECK(decompress_batch(RecordBatchView(bad.data())).error().code == ErrorCode::CORRUPT_MESSAGE);
  }
}

TEST_CASE("a corrupt compressed batch is refused by the leader and reported by a consumer that meets one") {
  auto cluster = test::make_cluster();
  Topic& topic = test::make_topic(*cluster, "orders", 1);
  RecordBatchBuilder builder;
  builder.reset(1 << 20, CompressionType::Gzip);
  const std::string value = order_json(1);
  builder.append(RecordInput{std::nullopt, value, nullptr, 0, 0});
  std::string bad(builder.finish());
  bad[bad.size() - 3] = static_cast<char>(bad[bad.size() - 3] ^ 0xff);  // inside the gzip trailer's CRC
  Result<AppendInfo> appended = cluster->append(topic, 0, bad, 1);
  REQUIRE(!appended.ok());
  CHECK(appended.error().code == ErrorCode::CORRUPT_MESSAGE);

  produce_orders(*cluster, "orders", "gzip", 3);
  // A batch damaged on disk, past the leader's check (a fault klab injects by hand here).
  Partition& partition = *topic.partitions[0];
  REQUIRE(partition.log().append(bad, cluster->now(), partition.leader_epoch).ok());
  partition.leader_replica().high_watermark = partition.log().log_end_offset();
  auto consumer = test::make_consumer(*cluster, {{"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({TopicPartition{"orders", 0}}).ok());
  std::vector<ConsumerRecord> records;
  Result<std::size_t> first = consumer->poll(0, records);
  REQUIRE(first.ok());
  CHECK(*first == 3);  // the good records before it come first
  Result<std::size_t> second = consumer->poll(0, records);
  REQUIRE(!second.ok());
  CHECK(second.error().code == ErrorCode::CORRUPT_MESSAGE);
  CHECK(second.error().message.find("seek past the record") != std::string::npos);
  consumer->seek(TopicPartition{"orders", 0}, 4);
  CHECK(consumer->poll(0, records).ok());
}

TEST_CASE("compression.type accepts Kafka's names only") {
  auto cluster = test::make_cluster();
  Result<std::unique_ptr<Producer>> bad = Producer::create(*cluster, {{"compression.type", str("brotli")}});
  REQUIRE(!bad.ok());
  CHECK(bad.error().message ==
        "Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd");
  Result<CreateTopicResult> topic = cluster->create_topic("t", TopicSpec{1, 1, {{"compression.type", str("none")}}});
  REQUIRE(!topic.ok());  // topics say "uncompressed", not "none"
  CHECK(topic.error().message.find("uncompressed, zstd, lz4, snappy, gzip, producer") != std::string::npos);
  Result<std::unique_ptr<Producer>> negative = Producer::create(*cluster, {{"batch.size", num(-1)}});
  REQUIRE(!negative.ok());
  CHECK(negative.error().message == "Invalid value -1 for configuration batch.size: Value must be at least 0");
}
