// Windowed aggregation (alignment, hopping, grace) and each join kind, through the test driver->
#include <doctest/doctest.h>

#include "streams/streams_builder.hpp"
#include "streams/topology_test_driver.hpp"
#include "streams_test_support.hpp"

using namespace klab::streams;

namespace {

using klab::streams::test::driver_for;
using klab::streams::test::pairs_of;

ValueJoiner paren = [](const Bytes& l, const Bytes& r) { return Bytes("(" + l.value_or("null") + ", " + r.value_or("null") + ")"); };

}  // namespace

TEST_CASE("tumbling windows align to the epoch and key the result as [key@start/end]") {
  StreamsBuilder builder;
  builder.stream("in").group_by_key().windowed_by(TimeWindows{60000, 60000, 0}).count().to_stream().to("out");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 59999).ok());
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 60000).ok());
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 61000).ok());
  CHECK(pairs_of(driver->read_output("out")) ==
        std::vector<std::string>{"[k@0/60000]=1", "[k@60000/120000]=1", "[k@60000/120000]=2"});
}

TEST_CASE("hopping windows put a record in every window that covers it") {
  StreamsBuilder builder;
  builder.stream("in").group_by_key().windowed_by(TimeWindows{10, 5, 100}).count().to_stream().to("out");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 12).ok());
  CHECK(pairs_of(driver->read_output("out")) == std::vector<std::string>{"[k@5/15]=1", "[k@10/20]=1"});
}

TEST_CASE("a record later than its window's end plus grace is dropped") {
  StreamsBuilder builder;
  builder.stream("in").group_by_key().windowed_by(TimeWindows{10, 10, 5}).count("w").to_stream().to("out");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 3).ok());
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 14).ok());  // stream time 14: [0,10) open while 10 > 14-5
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 4).ok());   // accepted: 10 > 9
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 15).ok());  // stream time 15: [0,10) closes (10 <= 10)
  REQUIRE(driver->pipe_input("in", Bytes("k"), Bytes("v"), 5).ok());   // dropped
  CHECK(pairs_of(driver->read_output("out")) ==
        std::vector<std::string>{"[k@0/10]=1", "[k@10/20]=1", "[k@0/10]=2", "[k@10/20]=2"});
  CHECK(driver->dropped_records() == 1);
  CHECK(*driver->store("w") ==
        std::vector<std::pair<std::string, std::string>>{{"[k@0/10]", long_bytes(2)}, {"[k@10/20]", long_bytes(2)}});
}

TEST_CASE("a stream-table inner join emits only when the table has the key; a left join always") {
  StreamsBuilder builder;
  KTable table = builder.table("table");
  KStream stream = builder.stream("stream");
  stream.join(table, paren).to("inner");
  stream.left_join(table, paren).to("left");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("stream", Bytes("k"), Bytes("s1")).ok());
  REQUIRE(driver->pipe_input("table", Bytes("k"), Bytes("t1")).ok());
  REQUIRE(driver->pipe_input("stream", Bytes("k"), Bytes("s2")).ok());
  CHECK(pairs_of(driver->read_output("inner")) == std::vector<std::string>{"k=(s2, t1)"});
  CHECK(pairs_of(driver->read_output("left")) == std::vector<std::string>{"k=(s1, null)", "k=(s2, t1)"});
}

TEST_CASE("a joiner gets a count table's Long value as its decimal text, from either side") {
  StreamsBuilder builder;
  KTable counts = builder.stream("clicks").group_by_key().count("counts");
  KTable names = builder.table("names", std::string("names"));
  builder.stream("stream").join(counts, paren).to("stream-joined");
  counts.join(names, paren).to_stream().to("table-joined");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("names", Bytes("k"), Bytes("ann")).ok());
  REQUIRE(driver->pipe_input("clicks", Bytes("k"), Bytes("c")).ok());
  REQUIRE(driver->pipe_input("clicks", Bytes("k"), Bytes("c")).ok());
  REQUIRE(driver->pipe_input("stream", Bytes("k"), Bytes("s")).ok());
  REQUIRE(driver->pipe_input("names", Bytes("k"), Bytes("bob")).ok());
  CHECK(pairs_of(driver->read_output("stream-joined")) == std::vector<std::string>{"k=(s, 2)"});
  CHECK(pairs_of(driver->read_output("table-joined")) == std::vector<std::string>{"k=(1, ann)", "k=(2, ann)", "k=(2, bob)"});
}

TEST_CASE("table-table joins: inner, left and outer on updates of either side") {
  StreamsBuilder builder;
  KTable left = builder.table("left");
  KTable right = builder.table("right");
  left.join(right, paren).to_stream().to("inner-out");
  left.left_join(right, paren).to_stream().to("left-out");
  left.outer_join(right, paren).to_stream().to("outer-out");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("left", Bytes("k"), Bytes("a")).ok());
  REQUIRE(driver->pipe_input("right", Bytes("k"), Bytes("x")).ok());
  REQUIRE(driver->pipe_input("left", Bytes("k"), std::nullopt).ok());
  REQUIRE(driver->pipe_input("right", Bytes("j"), Bytes("y")).ok());
  CHECK(pairs_of(driver->read_output("inner-out")) == std::vector<std::string>{"k=(a, x)", "k=null"});
  CHECK(pairs_of(driver->read_output("left-out")) == std::vector<std::string>{"k=(a, null)", "k=(a, x)", "k=null"});
  CHECK(pairs_of(driver->read_output("outer-out")) ==
        std::vector<std::string>{"k=(a, null)", "k=(a, x)", "k=(null, x)", "j=(null, y)"});
}

TEST_CASE("a stream-global table join looks up the key the selector picks") {
  StreamsBuilder builder;
  GlobalKTable stations = builder.global_table("stations");
  KStream readings = builder.stream("readings");
  auto station_of = [](const Bytes&, const Bytes& v) { return Bytes(v->substr(0, v->find(':'))); };
  readings.join(stations, station_of, paren).to("inner");
  readings.left_join(stations, station_of, paren).to("left");
  auto driver = driver_for(builder);
  REQUIRE(driver->pipe_input("stations", Bytes("s1"), Bytes("Oslo")).ok());
  REQUIRE(driver->pipe_input("readings", Bytes("r"), Bytes("s1:4")).ok());
  REQUIRE(driver->pipe_input("readings", Bytes("r"), Bytes("s2:9")).ok());
  CHECK(pairs_of(driver->read_output("inner")) == std::vector<std::string>{"r=(s1:4, Oslo)"});
  CHECK(pairs_of(driver->read_output("left")) == std::vector<std::string>{"r=(s1:4, Oslo)", "r=(s2:9, null)"});
  CHECK(*driver->store("stations-STATE-STORE-0000000000") == std::vector<std::pair<std::string, std::string>>{{"s1", "Oslo"}});
}

TEST_CASE("the test driver refuses a topology that writes to a topic it reads, as start() does") {
  StreamsBuilder direct;
  direct.stream("left").to("left");
  auto topology = direct.build();
  REQUIRE(topology.ok());
  auto refused = TopologyTestDriver::create(*topology);
  REQUIRE(!refused.ok());
  CHECK(refused.error().code == klab::ErrorCode::INVALID_CONFIG);
  CHECK(refused.error().message.find("sub-topology 0 writes to topic left, which it reads itself") != std::string::npos);

  StreamsBuilder through_two;  // a -> b in one sub-topology, b -> a in another
  through_two.stream("a").to("b");
  through_two.stream("b").to("a");
  auto loop = through_two.build();
  REQUIRE(loop.ok());
  auto refused_loop = TopologyTestDriver::create(*loop);
  REQUIRE(!refused_loop.ok());
  CHECK(refused_loop.error().message.find("leads back to sub-topology") != std::string::npos);

  StreamsBuilder chain;  // a -> b -> c reads its own output once, and stops
  chain.stream("a").to("b");
  chain.stream("b").to("c");
  auto fine = chain.build();
  REQUIRE(fine.ok());
  auto driver = TopologyTestDriver::create(*fine);
  REQUIRE(driver.ok());
  REQUIRE((*driver)->pipe_input("a", Bytes("k"), Bytes("v")).ok());
  CHECK(pairs_of((*driver)->read_output("c")) == std::vector<std::string>{"k=v"});
}
