// Each DSL operation through the test driver (no cluster): what comes out, and what the stores hold.
#include <doctest/doctest.h>

#include "streams/streams_builder.hpp"
#include "streams/topology_test_driver.hpp"
#include "streams_test_support.hpp"

using namespace klab::streams;

namespace {

using klab::streams::test::driver_for;
using klab::streams::test::pairs_of;

bool contains(const Bytes& value, const char* text) { return value && value->find(text) != std::string::npos; }

}  // namespace

TEST_CASE("filter keeps matching records and filter_not drops them") {
  StreamsBuilder builder;
  KStream in = builder.stream("in");
  in.filter([](const Bytes&, const Bytes& v) { return contains(v, "x"); }).to("kept");
  in.filter_not([](const Bytes&, const Bytes& v) { return contains(v, "x"); }).to("rest");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("in", Bytes("k1"), Bytes("ax")).ok());
  REQUIRE(driver->pipe_input("in", Bytes("k2"), Bytes("b")).ok());
  CHECK(pairs_of(driver->read_output("kept")) == std::vector<std::string>{"k1=ax"});
  CHECK(pairs_of(driver->read_output("rest")) == std::vector<std::string>{"k2=b"});
}

TEST_CASE("map, map_values, select_key and peek transform records one by one") {
  StreamsBuilder builder;
  std::vector<std::string> seen;
  builder.stream("in")
      .map([](const Bytes& k, const Bytes& v) { return KeyValue{v, k}; })
      .map_values([](const Bytes&, const Bytes& v) { return Bytes(*v + "!"); })
      .peek([&](const Bytes& k, const Bytes&) { seen.push_back(*k); })
      .select_key([](const Bytes& k, const Bytes&) { return Bytes("key-" + *k); })
      .to("out");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("in", Bytes("a"), Bytes("1")).ok());
  CHECK(pairs_of(driver->read_output("out")) == std::vector<std::string>{"key-1=a!"});
  CHECK(seen == std::vector<std::string>{"1"});
}

TEST_CASE("flat_map and flat_map_values emit zero or more records per input") {
  StreamsBuilder builder;
  builder.stream("in")
      .flat_map_values([](const Bytes&, const Bytes& v) { return std::vector<Bytes>{v, v}; })
      .flat_map([](const Bytes& k, const Bytes& v) {
        return std::vector<KeyValue>{{k, Bytes(*v + "1")}, {Bytes("other"), std::nullopt}};
      })
      .to("out");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v")).ok());
  CHECK(pairs_of(driver->read_output("out")) == std::vector<std::string>{"k=v1", "other=null", "k=v1", "other=null"});
}

TEST_CASE("split sends each record to its first matching branch, else to the default branch") {
  StreamsBuilder builder;
  auto branches = builder.stream("in")
                      .split()
                      .branch([](const Bytes&, const Bytes& v) { return contains(v, "a"); }, "a")
                      .branch([](const Bytes&, const Bytes& v) { return contains(v, "b"); }, "b")
                      .default_branch("rest");
  branches.at("a").to("a");
  branches.at("b").to("b");
  branches.at("rest").to("rest");
  auto driver = driver_for(builder);
  for (const char* v : {"ab", "b", "c"}) REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes(v)).ok());
  CHECK(pairs_of(driver->read_output("a")) == std::vector<std::string>{"k=ab"});
  CHECK(pairs_of(driver->read_output("b")) == std::vector<std::string>{"k=b"});
  CHECK(pairs_of(driver->read_output("rest")) == std::vector<std::string>{"k=c"});
}

TEST_CASE("merge interleaves two streams in arrival order") {
  StreamsBuilder builder;
  builder.stream("left").merge(builder.stream("right")).to("out");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("left", Bytes("k"), Bytes("1")).ok());
  REQUIRE(driver->pipe_input("right", Bytes("k"), Bytes("2")).ok());
  REQUIRE(driver->pipe_input("left", Bytes("k"), Bytes("3")).ok());
  CHECK(pairs_of(driver->read_output("out")) == std::vector<std::string>{"k=1", "k=2", "k=3"});
}

TEST_CASE("count after group_by goes through the repartition topic and logs every update") {
  StreamsBuilder builder;
  builder.stream("lines")
      .flat_map_values(klab::streams::test::split_words)
      .group_by([](const Bytes&, const Bytes& v) { return v; })
      .count("counts")
      .to_stream()
      .to("counts-out");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("lines", std::nullopt, Bytes("a b a")).ok());
  REQUIRE(driver->pipe_input("lines", std::nullopt, Bytes("b")).ok());
  CHECK(pairs_of(driver->read_output("counts-out")) == std::vector<std::string>{"a=1", "b=1", "a=2", "b=2"});
  CHECK(*driver->store("counts") == std::vector<std::pair<std::string, std::string>>{{"a", long_bytes(2)}, {"b", long_bytes(2)}});
  CHECK(driver->changelog_records("counts") == 4);
}

TEST_CASE("a count is Kafka's Long serde: 8 bytes big-endian in the store and on the output topic") {
  StreamsBuilder builder;
  builder.stream("in").group_by_key().count("counts").to_stream().to("out");
  auto driver = driver_for(builder);
  for (int i = 0; i < 258; ++i) REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v")).ok());
  std::vector<TestRecord> out = driver->read_output("out");
  REQUIRE(out.size() == 258);
  CHECK(out.back().long_value);
  CHECK(out.back().value == Bytes(std::string("\0\0\0\0\0\0\x01\x02", 8)));  // 258
  CHECK(*driver->store("counts") == std::vector<std::pair<std::string, std::string>>{{"k", std::string("\0\0\0\0\0\0\x01\x02", 8)}});
  CHECK(long_bytes(-2) == std::string(7, '\xff') + '\xfe');  // two's complement, as Java's long
  CHECK(long_of(long_bytes(INT64_MIN)) == INT64_MIN);
  CHECK(long_of("1234567") == std::nullopt);  // not 8 bytes: not a Long
}

TEST_CASE("functions see a count as its decimal text; passed on unchanged it stays a Long") {
  StreamsBuilder builder;
  std::vector<std::string> seen;
  KStream counted = builder.stream("in").group_by_key().count("counts").to_stream();
  counted.filter([](const Bytes&, const Bytes& v) { return *v != "2"; })
      .peek([&](const Bytes&, const Bytes& v) { seen.push_back(*v); })
      .to("kept");
  counted.map_values([](const Bytes&, const Bytes& v) { return Bytes("n=" + *v); }).to("text");
  auto driver = driver_for(builder);
  for (int i = 0; i < 3; ++i) REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v")).ok());
  CHECK(seen == std::vector<std::string>{"1", "3"});
  std::vector<TestRecord> kept = driver->read_output("kept");
  REQUIRE(kept.size() == 2);
  CHECK(kept[1].long_value);
  CHECK(kept[1].value == Bytes(long_bytes(3)));
  std::vector<TestRecord> text = driver->read_output("text");
  REQUIRE(text.size() == 3);
  CHECK_FALSE(text[2].long_value);
  CHECK(text[2].value == Bytes("n=3"));
}

TEST_CASE("a reduce over counts keeps Long values; a count's store that is not a Long fails the task") {
  StreamsBuilder builder;
  builder.stream("in").group_by_key().count("counts").to_stream().group_by_key().reduce(
      [](const Bytes& agg, const Bytes& v) { return Bytes(std::to_string(std::stoll(*agg) + std::stoll(*v))); }, "sums");
  auto driver = driver_for(builder);
  for (int i = 0; i < 3; ++i) REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v")).ok());
  CHECK(*driver->store("sums") == std::vector<std::pair<std::string, std::string>>{{"k", long_bytes(1 + 2 + 3)}});

  StreamsBuilder bad;
  bad.stream("in").group_by_key().count("counts").to_stream().group_by_key().reduce(
      [](const Bytes&, const Bytes&) { return Bytes("many"); }, "sums");
  auto failing = driver_for(bad);
  REQUIRE(failing->pipe_input("in", Bytes("k"), Bytes("v")).ok());
  CHECK_THROWS_WITH(failing->pipe_input("in", Bytes("k"), Bytes("v")),
                    doctest::Contains("must return an integer: its values are Longs, got 'many'"));
}

TEST_CASE("count, reduce and aggregate skip records with a null key or value") {
  StreamsBuilder builder;
  auto grouped = builder.stream("in").group_by_key();
  grouped.count("count");
  grouped.reduce([](const Bytes& agg, const Bytes& v) { return Bytes(*agg + "+" + *v); }, "reduce");
  grouped.aggregate([] { return Bytes("0"); },
                    [](const Bytes&, const Bytes& v, const Bytes& agg) { return Bytes(std::to_string(std::stoi(*agg) + std::stoi(*v))); },
                    "sum");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("1")).ok());
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("2")).ok());
  REQUIRE(driver->pipe_input("in", std::nullopt, Bytes("5")).ok());
  REQUIRE(driver->pipe_input("in", Bytes("k"), std::nullopt).ok());
  CHECK(*driver->store("count") == std::vector<std::pair<std::string, std::string>>{{"k", long_bytes(2)}});
  CHECK(*driver->store("reduce") == std::vector<std::pair<std::string, std::string>>{{"k", "1+2"}});
  CHECK(*driver->store("sum") == std::vector<std::pair<std::string, std::string>>{{"k", "3"}});
}

TEST_CASE("a table upserts by key and a null value deletes the row") {
  StreamsBuilder builder;
  builder.table("users", "users-store").to_stream().to("changes");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("users", Bytes("u1"), Bytes("ann")).ok());
  REQUIRE(driver->pipe_input("users", Bytes("u1"), Bytes("anna")).ok());
  REQUIRE(driver->pipe_input("users", Bytes("u2"), Bytes("bob")).ok());
  REQUIRE(driver->pipe_input("users", Bytes("u2"), std::nullopt).ok());
  CHECK(*driver->store("users-store") == std::vector<std::pair<std::string, std::string>>{{"u1", "anna"}});
  CHECK(pairs_of(driver->read_output("changes")) == std::vector<std::string>{"u1=ann", "u1=anna", "u2=bob", "u2=null"});
}

TEST_CASE("piping into a topic nobody reads is an error, and a throwing function propagates") {
  StreamsBuilder builder;
  builder.stream("in").map_values([](const Bytes&, const Bytes& v) -> Bytes {
    if (v == Bytes("boom")) throw std::runtime_error("boom!");
    return v;
  });
  auto driver = driver_for(builder);
  CHECK(driver->pipe_input("nope", Bytes("k"), Bytes("v")).error().code == klab::ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  CHECK_THROWS_WITH(driver->pipe_input("in", Bytes("k"), Bytes("boom")), "boom!");
}
