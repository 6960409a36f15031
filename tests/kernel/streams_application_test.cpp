// A Kafka Streams application on the simulated cluster: word count end to end, internal topics,
// restore from the changelog after a restart, instances sharing partitions, the checks of start(),
// a failing processor, and determinism.
#include <doctest/doctest.h>

#include "serde/builtin_serdes.hpp"
#include "streams/kafka_streams.hpp"
#include "streams/long_serde.hpp"
#include "streams/streams_builder.hpp"
#include "streams_test_support.hpp"
#include "test_support.hpp"

using namespace klab;
using namespace klab::streams;
using klab::test::make_cluster;
using klab::test::make_producer;
using klab::test::make_topic;

namespace {

std::shared_ptr<const Topology> word_count_topology() {
  StreamsBuilder builder;
  builder.stream("lines")
      .flat_map_values(klab::streams::test::split_words)
      .group_by([](const Bytes&, const Bytes& word) { return word; })
      .count("counts")
      .to_stream()
      .to("word-counts");
  auto topology = builder.build();
  REQUIRE(topology.ok());
  return *topology;
}

std::unique_ptr<KafkaStreams> make_app(Cluster& cluster, std::shared_ptr<const Topology> topology,
                                       const std::string& id = "wordcount") {
  auto app = KafkaStreams::create(cluster, std::move(topology), {{"application.id", id}, {"client.id", id + "-1"}});
  REQUIRE(app.ok());
  return std::move(*app);
}

void send_lines(Cluster& cluster, const std::vector<std::string>& lines) {
  auto producer = make_producer(cluster);
  for (const std::string& line : lines)
    REQUIRE(producer->send(ProducerRecord{.topic = "lines", .value = std::string_view(line)}).ok());
  producer->flush();
}

// The store holds Serdes.Long() bytes; "?" for a value that is not 8 bytes.
std::string count_of(const KafkaStreams& app, const std::string& word) {
  auto rows = app.store("counts");
  for (const auto& [key, value] : *rows)
    if (key == word) return long_of(value) ? std::to_string(*long_of(value)) : "?";
  return "";
}

// The latest value per key of a topic, read as Kafka's LongDeserializer reads it (-1: not a Long).
std::map<std::string, int64_t> latest_longs(Cluster& cluster, const std::string& topic) {
  std::map<std::string, int64_t> latest;
  for (int32_t p = 0; p < cluster.find_topic(topic)->partition_count(); ++p)
    for (const auto& r : klab::test::read_log(klab::test::log_of(cluster, topic, p))) {
      auto datum = serde::builtin_deserialize(serde::BuiltinSerde::Long, r.value);
      latest[r.key.value_or("")] = datum ? datum->get<int64_t>() : -1;
    }
  return latest;
}

int log_lines_with(const KafkaStreams& app, const std::string& text) {
  int count = 0;
  for (const StreamsLogLine& line : app.log())
    if (line.text.find(text) != std::string::npos) ++count;
  return count;
}

bool logged(const KafkaStreams& app, const std::string& text) { return log_lines_with(app, text) > 0; }

}  // namespace

// The first rebalance of a group waits group.initial.rebalance.delay.ms (3000), so tests run 5 s.
TEST_CASE("a word count application creates its internal topics and counts through the repartition topic") {
  auto cluster = make_cluster();
  make_topic(*cluster, "lines", 2);
  make_topic(*cluster, "word-counts", 2);
  auto app = make_app(*cluster, word_count_topology());
  REQUIRE(app->start().ok());
  send_lines(*cluster, {"a b a", "b c", "a"});
  cluster->advance(5000);
  CHECK(app->state() == StreamsState::Running);
  CHECK(count_of(*app, "a") == "3");
  CHECK(count_of(*app, "b") == "2");
  CHECK(count_of(*app, "c") == "1");
  const Topic* repartition = cluster->find_topic("wordcount-counts-repartition");
  REQUIRE(repartition != nullptr);
  CHECK(repartition->partition_count() == 2);
  const Topic* changelog = cluster->find_topic("wordcount-counts-changelog");
  REQUIRE(changelog != nullptr);
  CHECK(std::get<std::vector<std::string>>(changelog->config.get("cleanup.policy")) == std::vector<std::string>{"compact"});
  CHECK(app->task_ids() == std::vector<std::string>{"0_0", "0_1", "1_0", "1_1"});
  // What a Java consumer with a LongDeserializer reads, on the output topic and the changelog.
  const std::map<std::string, int64_t> counts{{"a", 3}, {"b", 2}, {"c", 1}};
  CHECK(latest_longs(*cluster, "word-counts") == counts);
  CHECK(latest_longs(*cluster, "wordcount-counts-changelog") == counts);
}

TEST_CASE("a null key passes the repartition filter (KIP-962, Kafka 3.7) and the count drops it") {
  auto cluster = make_cluster();
  make_topic(*cluster, "lines", 2);
  make_topic(*cluster, "word-counts", 2);
  StreamsBuilder builder;
  builder.stream("lines")
      .flat_map_values(klab::streams::test::split_words)
      .group_by([](const Bytes&, const Bytes& word) { return word == Bytes("skip") ? Bytes() : word; })
      .count("counts")
      .to_stream()
      .to("word-counts");
  auto topology = builder.build();
  REQUIRE(topology.ok());
  auto app = make_app(*cluster, *topology);
  REQUIRE(app->start().ok());
  send_lines(*cluster, {"a skip a"});
  cluster->advance(5000);
  const Topic* repartition = cluster->find_topic("wordcount-counts-repartition");
  REQUIRE(repartition != nullptr);
  int64_t repartitioned = 0;
  for (const auto& partition : repartition->partitions) repartitioned += partition->log().log_end_offset();
  CHECK(repartitioned == 3);  // the null-key record is written too; before 3.7 the filter dropped it
  CHECK(count_of(*app, "a") == "2");
  CHECK(latest_longs(*cluster, "word-counts") == std::map<std::string, int64_t>{{"a", 2}});
}

TEST_CASE("a restarted application restores its counts from the changelog and goes on counting") {
  auto cluster = make_cluster();
  make_topic(*cluster, "lines", 1);
  make_topic(*cluster, "word-counts", 1);
  auto topology = word_count_topology();
  {
    auto first = make_app(*cluster, topology);
    REQUIRE(first->start().ok());
    send_lines(*cluster, {"x y x", "x"});
    cluster->advance(5000);
    CHECK(count_of(*first, "x") == "3");
    REQUIRE(first->close().ok());
  }
  auto second = make_app(*cluster, topology);
  REQUIRE(second->start().ok());
  cluster->advance(5000);
  CHECK(logged(*second, "Finished restoring changelog wordcount-counts-changelog-0 to store counts with a total number of 4 records"));
  CHECK(count_of(*second, "x") == "3");
  send_lines(*cluster, {"x"});
  cluster->advance(5000);
  CHECK(count_of(*second, "x") == "4");  // committed input is not counted again
}

TEST_CASE("two instances with one application.id share the tasks") {
  auto cluster = make_cluster();
  make_topic(*cluster, "lines", 2);
  make_topic(*cluster, "word-counts", 2);
  auto topology = word_count_topology();
  auto one = make_app(*cluster, topology);
  auto two = make_app(*cluster, topology);
  REQUIRE(one->start().ok());
  REQUIRE(two->start().ok());
  cluster->advance(10000);
  CHECK(one->task_ids().size() == 2);
  CHECK(two->task_ids().size() == 2);
  send_lines(*cluster, {"p q r s t u v w"});
  cluster->advance(5000);
  CHECK(one->store("counts")->size() + two->store("counts")->size() == 8);
}

TEST_CASE("start refuses missing source topics, topics not co-partitioned, cycles and exactly_once_v2") {
  auto cluster = make_cluster();
  SUBCASE("missing source topic") {
    auto app = make_app(*cluster, word_count_topology());
    Status started = app->start();
    REQUIRE(!started.ok());
    CHECK(started.error().message.find("MissingSourceTopicException") != std::string::npos);
    CHECK(started.error().message.find("[lines]") != std::string::npos);
  }
  SUBCASE("a join of topics with different partition counts") {
    make_topic(*cluster, "clicks", 2);
    make_topic(*cluster, "users", 3);
    StreamsBuilder builder;
    builder.stream("clicks").join(builder.table("users"), [](const Bytes& l, const Bytes&) { return l; }).to("out");
    auto app = make_app(*cluster, *builder.build());
    Status started = app->start();
    REQUIRE(!started.ok());
    CHECK(started.error().message.find("Topics not co-partitioned") != std::string::npos);
  }
  SUBCASE("a sub-topology that writes back to its own input") {
    make_topic(*cluster, "loop", 1);
    StreamsBuilder builder;
    builder.stream("loop").map_values([](const Bytes&, const Bytes& v) { return v; }).to("loop");
    auto app = make_app(*cluster, *builder.build());
    Status started = app->start();
    REQUIRE(!started.ok());
    CHECK(started.error().message.find("a cycle") != std::string::npos);
  }
  SUBCASE("exactly_once_v2") {
    make_topic(*cluster, "lines", 1);
    auto app = KafkaStreams::create(*cluster, word_count_topology(),
                                    {{"application.id", std::string("x")}, {"processing.guarantee", std::string("exactly_once_v2")}});
    REQUIRE(app.ok());
    CHECK(!(*app)->start().ok());
  }
  SUBCASE("no application.id") {
    CHECK(!KafkaStreams::create(*cluster, word_count_topology(), {}).ok());
  }
}

TEST_CASE("a processor that throws puts the application in ERROR and the cluster goes on") {
  auto cluster = make_cluster();
  make_topic(*cluster, "lines", 1);
  StreamsBuilder builder;
  builder.stream("lines").map_values([](const Bytes&, const Bytes& v) -> Bytes {
    if (v == Bytes("bad")) throw std::runtime_error("cannot handle 'bad'");
    return v;
  });
  auto app = make_app(*cluster, *builder.build());
  REQUIRE(app->start().ok());
  send_lines(*cluster, {"good", "bad"});
  cluster->advance(5000);
  CHECK(app->state() == StreamsState::Error);
  CHECK(app->error_message().find("cannot handle 'bad'") != std::string::npos);
  CHECK(app->error_message().find("task [0_0]") != std::string::npos);
  send_lines(*cluster, {"more"});
  CHECK(cluster->find_topic("lines")->partitions[0]->high_watermark() == 3);
}

TEST_CASE("the same seed and input give the same output topic, byte for byte") {
  auto run = [] {
    auto cluster = make_cluster();
    make_topic(*cluster, "lines", 2);
    make_topic(*cluster, "word-counts", 2);
    auto app = make_app(*cluster, word_count_topology());
    REQUIRE(app->start().ok());
    send_lines(*cluster, {"a b c a", "c c b", "d"});
    cluster->advance(5000);
    std::string out;
    for (int p = 0; p < 2; ++p)
      for (const auto& r : klab::test::read_log(klab::test::log_of(*cluster, "word-counts", p)))
        out += std::to_string(p) + ":" + r.key.value_or("") + "=" + r.value.value_or("") + "@" + std::to_string(r.timestamp) + "\n";
    return out;
  };
  std::string first = run();
  CHECK(!first.empty());
  CHECK(first == run());
}

TEST_CASE("a rebalance keeps the tasks an instance is assigned again: only a moved task is restored") {
  auto cluster = make_cluster();
  make_topic(*cluster, "lines", 2);
  make_topic(*cluster, "word-counts", 2);
  auto topology = word_count_topology();
  auto one = make_app(*cluster, topology);
  REQUIRE(one->start().ok());
  cluster->advance(10000);
  REQUIRE(one->task_ids() == std::vector<std::string>{"0_0", "0_1", "1_0", "1_1"});
  send_lines(*cluster, {"p q r s t u v w", "p q"});
  cluster->advance(5000);
  REQUIRE(one->store("counts")->size() == 8);
  auto restores = [](const KafkaStreams& app, const std::string& changelog) {
    return log_lines_with(app, "Finished restoring changelog " + changelog + " ");
  };
  auto two = make_app(*cluster, topology);
  REQUIRE(two->start().ok());
  cluster->advance(10000);
  REQUIRE(one->task_ids().size() == 2);
  REQUIRE(two->task_ids().size() == 2);
  const std::vector<std::string> kept = one->task_ids();
  const std::string kept_partition = kept.back().substr(2);  // "1_<p>": the counting task it kept
  const std::string moved_partition = kept_partition == "0" ? "1" : "0";
  // The kept task was restored once, when the application started, and not again.
  CHECK(restores(*one, "wordcount-counts-changelog-" + kept_partition) == 1);
  // The moved task is rebuilt on the instance that took it, from what the first instance logged.
  CHECK(restores(*two, "wordcount-counts-changelog-" + moved_partition) == 1);
  CHECK(one->store("counts")->size() + two->store("counts")->size() == 8);
  send_lines(*cluster, {"p"});
  cluster->advance(5000);
  const std::string p_count = count_of(*one, "p").empty() ? count_of(*two, "p") : count_of(*one, "p");
  CHECK(p_count == "3");
}

TEST_CASE("without client.id the clients are named after application.id and a java.util.UUID process id") {
  auto cluster = make_cluster();
  auto app = KafkaStreams::create(*cluster, word_count_topology(), {{"application.id", std::string("wordcount")}});
  REQUIRE(app.ok());
  const std::string& id = (*app)->client_id();
  REQUIRE(id.size() == std::string("wordcount-").size() + 36);
  CHECK(id.rfind("wordcount-", 0) == 0);
  const std::string uuid = id.substr(std::string("wordcount-").size());
  for (std::size_t i : {8u, 13u, 18u, 23u}) CHECK(uuid[i] == '-');
  CHECK(uuid[14] == '4');
  CHECK(uuid.find_first_not_of("0123456789abcdef-") == std::string::npos);
}
