// Kafka Streams word count: the C++ API through the test driver (the processing engine alone), the
// same topology as an application on the simulated cluster (plus producing, repartitioning,
// changelogs, commits), and with Lua functions in the topology. Items are input records (lines of
// four words); each line makes four count updates.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "bench_options.hpp"
#include "client/producer.hpp"
#include "session.hpp"
#include "streams/kafka_streams.hpp"
#include "streams/streams_builder.hpp"
#include "streams/topology_test_driver.hpp"

namespace {

using namespace klab::streams;

std::shared_ptr<const Topology> word_count() {
  StreamsBuilder builder;
  builder.stream("lines")
      .flat_map_values([](const Bytes&, const Bytes& line) {
        std::vector<Bytes> words;
        std::size_t start = 0;
        const std::string& text = *line;
        while (start < text.size()) {
          std::size_t end = text.find(' ', start);
          if (end == std::string::npos) end = text.size();
          if (end > start) words.emplace_back(text.substr(start, end - start));
          start = end + 1;
        }
        return words;
      })
      .group_by([](const Bytes&, const Bytes& word) { return word; })
      .count("counts")
      .to_stream()
      .to("counts-out");
  return *builder.build();
}

std::vector<std::string> make_lines(int64_t count) {
  std::vector<std::string> lines;
  lines.reserve(static_cast<std::size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    lines.push_back(fmt::format("w{} w{} x{} y", i % 1000, i % 7, i % 100));
  return lines;
}

void BM_StreamsWordCountDriver(benchmark::State& state) {
  const int64_t count = klab_bench::smoke() ? 2000 : 500000;
  std::vector<std::string> lines = make_lines(count);
  auto topology = word_count();
  for (auto _ : state) {
    auto driver = TopologyTestDriver::create(topology).value();
    // Output is read every 1,000 lines, as a test reads what it piped: holding all 2 million count
    // updates until the end would measure the allocator, not the topology.
    std::size_t updates = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      (void)driver->pipe_input("lines", std::nullopt, Bytes(lines[i]), 0);
      if (i % 1000 == 999) updates += driver->read_output("counts-out").size();
    }
    updates += driver->read_output("counts-out").size();
    benchmark::DoNotOptimize(updates);
  }
  state.SetItemsProcessed(state.iterations() * count);
}
BENCHMARK(BM_StreamsWordCountDriver)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StreamsWordCountOnCluster(benchmark::State& state) {
  const int64_t count = klab_bench::smoke() ? 2000 : 200000;
  std::vector<std::string> lines = make_lines(count);
  auto topology = word_count();
  for (auto _ : state) {
    state.PauseTiming();
    auto cluster = std::move(klab::Cluster::create(klab::ClusterOptions{}).value());
    (void)cluster->create_topic("lines", klab::TopicSpec{2, 1, {}});
    (void)cluster->create_topic("counts-out", klab::TopicSpec{2, 1, {}});
    auto producer = std::move(klab::Producer::create(*cluster, {}).value());
    for (const std::string& line : lines) {
      klab::ProducerRecord record;
      record.topic = "lines";
      record.value = line;
      (void)producer->send(record);
    }
    producer->flush();
    state.ResumeTiming();
    auto app = std::move(KafkaStreams::create(*cluster, topology, {{"application.id", std::string("bench")}}).value());
    (void)app->start();
    while (app->processed_records() < count * 5) cluster->advance(1000);  // lines + repartitioned words
    benchmark::DoNotOptimize(app->processed_records());
  }
  state.SetItemsProcessed(state.iterations() * count);
}
BENCHMARK(BM_StreamsWordCountOnCluster)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_StreamsWordCountLuaFunctions(benchmark::State& state) {
  const int64_t count = klab_bench::smoke() ? 2000 : 200000;
  for (auto _ : state) {
    state.PauseTiming();
    klab::Session session(klab::SessionOptions{});
    lua_State* L = session.lua();
    if (luaL_dostring(L, R"(
      local b = klab.streams_builder()
      b:stream("lines")
        :flat_map_values(function(_, v) local w = {} for x in v:gmatch("%S+") do w[#w + 1] = x end return w end)
        :group_by(function(_, w) return w end)
        :count("counts"):to_stream():to("counts-out")
      local d = klab.topology_test_driver(b)
      return function(n)
        for i = 1, n do d:pipe_input("lines", nil, "w" .. (i % 1000) .. " w" .. (i % 7) .. " x" .. (i % 100) .. " y") end
      end)") != LUA_OK)
      state.SkipWithError(lua_tostring(L, -1));
    lua_pushinteger(L, count);
    state.ResumeTiming();
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) state.SkipWithError(lua_tostring(L, -1));
  }
  state.SetItemsProcessed(state.iterations() * count);
}
BENCHMARK(BM_StreamsWordCountLuaFunctions)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
