// Topology#describe() as Kafka prints it: node names and numbers, sub-topologies split at
// repartition topics, node order, "none" for no successors, global stores.
#include <doctest/doctest.h>

#include "streams/streams_builder.hpp"
#include "streams_test_support.hpp"

using namespace klab::streams;

namespace {

std::string describe(const StreamsBuilder& builder) {
  auto topology = builder.build();
  REQUIRE(topology.ok());
  return (*topology)->describe();
}

using klab::streams::test::split_words;

}  // namespace

TEST_CASE("a word count with a named store names its repartition nodes after the store, as Kafka 3.7 does") {
  // Kafka's streams tutorial still prints KSTREAM-FILTER-0000000005 here; 3.7's
  // KStreamImpl.createRepartitionedSource names the nodes after a user's name (the three numbers are
  // drawn all the same, so the next node is KTABLE-TOSTREAM-0000000007).
  StreamsBuilder builder;
  builder.stream("streams-plaintext-input")
      .flat_map_values(split_words)
      .group_by([](const Bytes&, const Bytes& value) { return value; })
      .count("counts-store")
      .to_stream()
      .to("streams-wordcount-output");
  CHECK(describe(builder) ==
        "Topologies:\n"
        "   Sub-topology: 0\n"
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [streams-plaintext-input])\n"
        "      --> KSTREAM-FLATMAPVALUES-0000000001\n"
        "    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])\n"
        "      --> KSTREAM-KEY-SELECT-0000000002\n"
        "      <-- KSTREAM-SOURCE-0000000000\n"
        "    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])\n"
        "      --> counts-store-repartition-filter\n"
        "      <-- KSTREAM-FLATMAPVALUES-0000000001\n"
        "    Processor: counts-store-repartition-filter (stores: [])\n"
        "      --> counts-store-repartition-sink\n"
        "      <-- KSTREAM-KEY-SELECT-0000000002\n"
        "    Sink: counts-store-repartition-sink (topic: counts-store-repartition)\n"
        "      <-- counts-store-repartition-filter\n"
        "\n"
        "  Sub-topology: 1\n"
        "    Source: counts-store-repartition-source (topics: [counts-store-repartition])\n"
        "      --> KSTREAM-AGGREGATE-0000000003\n"
        "    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [counts-store])\n"
        "      --> KTABLE-TOSTREAM-0000000007\n"
        "      <-- counts-store-repartition-source\n"
        "    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n"
        "      --> KSTREAM-SINK-0000000008\n"
        "      <-- KSTREAM-AGGREGATE-0000000003\n"
        "    Sink: KSTREAM-SINK-0000000008 (topic: streams-wordcount-output)\n"
        "      <-- KTABLE-TOSTREAM-0000000007\n"
        "\n");
}

TEST_CASE("Kafka's SuppressTopologyTest program, without its suppress node, describes as Kafka prints it") {
  // SuppressTopologyTest.NAMED_FINAL_TOPOLOGY (Kafka 3.7): stream("input").groupBy((k, v) -> k)
  // .windowedBy(...).count(Materialized.as("counts")).suppress(...withName("myname")).toStream()
  // .map(...).to("output-suppressed"). A named suppress draws no number, so leaving it out (klab
  // has no suppress) only removes the "myname" processor; sub-topology 0 is Kafka's text verbatim.
  StreamsBuilder builder;
  builder.stream("input")
      .group_by([](const Bytes& key, const Bytes&) { return key; })
      .windowed_by(TimeWindows{5, 5, 5})
      .count("counts")
      .to_stream()
      .map([](const Bytes& key, const Bytes& value) { return KeyValue{key, value}; })
      .to("output-suppressed");
  CHECK(describe(builder) ==
        "Topologies:\n"
        "   Sub-topology: 0\n"
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n"
        "      --> KSTREAM-KEY-SELECT-0000000001\n"
        "    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n"
        "      --> counts-repartition-filter\n"
        "      <-- KSTREAM-SOURCE-0000000000\n"
        "    Processor: counts-repartition-filter (stores: [])\n"
        "      --> counts-repartition-sink\n"
        "      <-- KSTREAM-KEY-SELECT-0000000001\n"
        "    Sink: counts-repartition-sink (topic: counts-repartition)\n"
        "      <-- counts-repartition-filter\n"
        "\n"
        "  Sub-topology: 1\n"
        "    Source: counts-repartition-source (topics: [counts-repartition])\n"
        "      --> KSTREAM-AGGREGATE-0000000002\n"
        "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [counts])\n"
        "      --> KTABLE-TOSTREAM-0000000006\n"
        "      <-- counts-repartition-source\n"
        "    Processor: KTABLE-TOSTREAM-0000000006 (stores: [])\n"
        "      --> KSTREAM-MAP-0000000007\n"
        "      <-- KSTREAM-AGGREGATE-0000000002\n"
        "    Processor: KSTREAM-MAP-0000000007 (stores: [])\n"
        "      --> KSTREAM-SINK-0000000008\n"
        "      <-- KTABLE-TOSTREAM-0000000006\n"
        "    Sink: KSTREAM-SINK-0000000008 (topic: output-suppressed)\n"
        "      <-- KSTREAM-MAP-0000000007\n"
        "\n");
}

TEST_CASE("a store named like a repartition topic is not given a second -repartition") {
  StreamsBuilder builder;
  builder.stream("in").group_by([](const Bytes&, const Bytes& v) { return v; }).count("words-repartition");
  std::string text = describe(builder);
  CHECK(text.find("Sink: words-repartition-sink (topic: words-repartition)") != std::string::npos);
  CHECK(text.find("Source: words-repartition-source (topics: [words-repartition])") != std::string::npos);
}

TEST_CASE("an unnamed count draws its store name before its processor name") {
  StreamsBuilder builder;
  builder.stream("input-topic").group_by_key().count();
  CHECK(describe(builder) ==
        "Topologies:\n"
        "   Sub-topology: 0\n"
        "    Source: KSTREAM-SOURCE-0000000000 (topics: [input-topic])\n"
        "      --> KSTREAM-AGGREGATE-0000000002\n"
        "    Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])\n"
        "      --> none\n"
        "      <-- KSTREAM-SOURCE-0000000000\n"
        "\n");
}

TEST_CASE("a group_by count without a name repartitions through its generated store's name") {
  StreamsBuilder builder;
  builder.stream("lines").flat_map_values(split_words).group_by([](const Bytes&, const Bytes& v) { return v; }).count();
  std::string text = describe(builder);
  CHECK(text.find("Processor: KSTREAM-AGGREGATE-0000000004 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000003])") !=
        std::string::npos);
  CHECK(text.find("Sink: KSTREAM-SINK-0000000005 (topic: KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition)") !=
        std::string::npos);
  CHECK(text.find("Source: KSTREAM-SOURCE-0000000007 (topics: [KSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition])") !=
        std::string::npos);
  // A generated name keeps the numbered nodes (Kafka: the prefix matches "KSTREAM.*-[0-9]{10}").
  CHECK(text.find("Processor: KSTREAM-FILTER-0000000006 (stores: [])") != std::string::npos);
}

TEST_CASE("a table's store is listed only once something materializes it") {
  StreamsBuilder plain;
  plain.table("input-topic").to_stream();
  CHECK(describe(plain).find("Processor: KTABLE-SOURCE-0000000002 (stores: [])") != std::string::npos);

  StreamsBuilder joined;
  KTable table = joined.table("input-topic");
  joined.stream("clicks").join(table, [](const Bytes& l, const Bytes&) { return l; }).to("out");
  std::string text = describe(joined);
  CHECK(text.find("Processor: KTABLE-SOURCE-0000000002 (stores: [input-topic-STATE-STORE-0000000000])") != std::string::npos);
  CHECK(text.find("Processor: KSTREAM-JOIN-0000000004 (stores: [input-topic-STATE-STORE-0000000000])") != std::string::npos);
  // The join shares the table's store, so both sources are one sub-topology.
  CHECK(text.find("Sub-topology: 1") == std::string::npos);
}

TEST_CASE("a global table is its own block that generates no tasks") {
  StreamsBuilder builder;
  GlobalKTable stations = builder.global_table("weather-stations");
  builder.stream("temperature.values")
      .left_join(stations, [](const Bytes& key, const Bytes&) { return key; }, [](const Bytes& l, const Bytes&) { return l; })
      .to("out");
  CHECK(describe(builder) ==
        "Topologies:\n"
        "   Sub-topology: 0 for global store (will not generate tasks)\n"
        "    Source: KSTREAM-SOURCE-0000000001 (topics: [weather-stations])\n"
        "      --> KTABLE-SOURCE-0000000002\n"
        "    Processor: KTABLE-SOURCE-0000000002 (stores: [weather-stations-STATE-STORE-0000000000])\n"
        "      --> none\n"
        "      <-- KSTREAM-SOURCE-0000000001\n"
        "  Sub-topology: 1\n"
        "    Source: KSTREAM-SOURCE-0000000003 (topics: [temperature.values])\n"
        "      --> KSTREAM-LEFTJOIN-0000000004\n"
        "    Processor: KSTREAM-LEFTJOIN-0000000004 (stores: [])\n"
        "      --> KSTREAM-SINK-0000000005\n"
        "      <-- KSTREAM-SOURCE-0000000003\n"
        "    Sink: KSTREAM-SINK-0000000005 (topic: out)\n"
        "      <-- KSTREAM-LEFTJOIN-0000000004\n"
        "\n");
}

TEST_CASE("a stream-table join after a key change repartitions under the name of the node before it") {
  StreamsBuilder builder;
  KTable table = builder.table("topic2");
  builder.stream("topic")
      .map([](const Bytes& k, const Bytes& v) { return KeyValue{v, k}; })
      .join(table, [](const Bytes& l, const Bytes&) { return l; })
      .to("out");
  std::string text = describe(builder);
  CHECK(text.find("Sink: KSTREAM-SINK-0000000005 (topic: KSTREAM-MAP-0000000004-repartition)") != std::string::npos);
  CHECK(text.find("Processor: KSTREAM-FILTER-0000000006 (stores: [])") != std::string::npos);
  CHECK(text.find("Processor: KSTREAM-JOIN-0000000008 (stores: [topic2-STATE-STORE-0000000000])") != std::string::npos);
}

TEST_CASE("split names its branches after the splitter, by name or by position") {
  StreamsBuilder builder;
  auto branches = builder.stream("in")
                      .split("route-")
                      .branch([](const Bytes&, const Bytes& v) { return v == Bytes("a"); }, "a")
                      .branch([](const Bytes&, const Bytes& v) { return v == Bytes("b"); })
                      .default_branch();
  CHECK(branches.size() == 3);
  CHECK(branches.count("route-a") == 1);
  CHECK(branches.count("route-2") == 1);
  CHECK(branches.count("route-0") == 1);
  CHECK(branches.at("route-a").node_name() == "route-a");
}

TEST_CASE("a join right after a named branch of a re-keyed stream repartitions under the branch's name") {
  StreamsBuilder builder;
  KTable table = builder.table("users");
  auto branches = builder.stream("in")
                      .select_key([](const Bytes&, const Bytes& v) { return v; })
                      .split("route-")
                      .branch([](const Bytes&, const Bytes&) { return true; }, "a")
                      .no_default_branch();
  branches.at("route-a").join(table, [](const Bytes& l, const Bytes&) { return l; }).to("out");
  std::string text = describe(builder);
  CHECK(text.find("Processor: route-a-repartition-filter (stores: [])") != std::string::npos);
  CHECK(text.find("Sink: route-a-repartition-sink (topic: route-a-repartition)") != std::string::npos);
  CHECK(text.find("Source: route-a-repartition-source (topics: [route-a-repartition])") != std::string::npos);
}

TEST_CASE("two sources of one topic are refused when the topology is built") {
  StreamsBuilder builder;
  builder.stream("t");
  builder.stream("t");
  auto topology = builder.build();
  REQUIRE(!topology.ok());
  CHECK(topology.error().message == "Invalid topology: Topic t has already been registered by another source.");
}
