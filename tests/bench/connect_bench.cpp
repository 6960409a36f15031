// Kafka Connect throughput: a FileStreamSink (StringConverter) draining a topic of 100-byte records into
// its file, end to end — the sink task's consumer polls, conversion, the file writes. The records are
// produced before the clock starts.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <stdlib.h>

#include "bench_options.hpp"
#include "client/producer.hpp"
#include "connect/worker.hpp"

namespace {

using namespace klab;

void BM_FileStreamSink(benchmark::State& state) {
  const int64_t count = klab_bench::records_per_iteration();
  for (auto _ : state) {
    state.PauseTiming();
    std::string directory = (std::filesystem::temp_directory_path() / "klab-connect-bench-XXXXXX").string();
    if (!mkdtemp(directory.data())) {
      state.SkipWithError("mkdtemp failed");
      return;
    }
    auto cluster = std::move(Cluster::create(ClusterOptions{}).value());
    (void)cluster->create_topic("lines", TopicSpec{1, 1, {}});
    {
      auto producer = std::move(Producer::create(*cluster, {}).value());
      const std::string value(100, 'v');
      for (int64_t i = 0; i < count; ++i) {
        (void)producer->send(ProducerRecord{"lines", std::nullopt, std::nullopt, value, {}, std::nullopt});
        if ((i & 0xffff) == 0xffff) producer->flush();
      }
      producer->flush();
    }
    connect::WorkerOptions options;
    options.directory = directory;
    options.owns_directory = true;
    options.max_written_bytes = int64_t{4} << 30;
    connect::Worker& worker = **connect::Worker::start(*cluster, options);
    const auto path = std::filesystem::path(directory) / "out.txt";
    const auto expected_bytes = static_cast<std::uintmax_t>(count * 101);
    state.ResumeTiming();
    (void)worker.create({{"name", "sink"}, {"connector.class", "FileStreamSink"}, {"file", "out.txt"}, {"topics", "lines"},
                         {"value.converter", "StringConverter"}, {"key.converter", "StringConverter"}});
    std::error_code ec;
    while (std::filesystem::file_size(path, ec) < expected_bytes) cluster->advance(1000);
    state.PauseTiming();
    cluster.reset();  // the worker goes with it and removes its directory
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(state.iterations() * count * 101);
}
BENCHMARK(BM_FileStreamSink)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
