// The inspector's cost: one million records produced with acks=all to a replicated topic and read
// by a consumer group at 1024 records per simulated second (about 1000 simulated seconds), with the
// inspector off, then recording into a file sampled every simulated second (about 1000 samples of
// 56 partitions, 168 replicas, the group and the metrics). The bar: at most 10% slower.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "bench_options.hpp"
#include "client/consumer.hpp"
#include "client/producer.hpp"
#include "inspect/inspector.hpp"

namespace {

using namespace klab;

void BM_ReplicatedGroupWorkload(benchmark::State& state, bool inspect_on, bool in_memory) {
  const int64_t count = klab_bench::records_per_iteration();
  const std::string value(100, 'v');
  const std::string path = (std::filesystem::temp_directory_path() / "klab-inspector-bench.sqlite").string();
  int64_t samples = 0, simulated_ms = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove(path);
    auto cluster = std::move(Cluster::create(ClusterOptions{}).value());
    (void)cluster->create_topic("bench", TopicSpec{6, 3, {{"min.insync.replicas", int64_t{2}}}});
    inspect::Inspector* inspector = nullptr;
    if (inspect_on) inspector = inspect::Inspector::start(*cluster, in_memory ? ":memory:" : path, {1000}).value();
    state.ResumeTiming();
    auto producer = std::move(Producer::create(*cluster, {{"acks", std::string("all")}, {"linger.ms", int64_t{5}}}).value());
    auto consumer = std::move(
        Consumer::create(*cluster, {{"group.id", std::string("bench")}, {"auto.offset.reset", std::string("earliest")}}).value());
    (void)consumer->subscribe({"bench"});
    std::vector<ConsumerRecord> records;
    int64_t read = 0;
    for (int64_t i = 0; i < count; ++i) {
      (void)producer->send(ProducerRecord{"bench", std::nullopt, std::nullopt, value, {}, std::nullopt});
      if ((i & 0x3ff) == 0x3ff) {  // 1024 records a simulated second: ~1000 s, ~1000 samples
        producer->flush();
        while (read <= i - 0x3ff) read += static_cast<int64_t>(consumer->poll(100, records).value());
        cluster->advance(1000);
      }
    }
    producer->flush();
    while (read < count) read += static_cast<int64_t>(consumer->poll(100, records).value());
    (void)consumer->close();
    simulated_ms = cluster->now();
    if (inspector) samples = inspector->samples_written();
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  state.SetItemsProcessed(state.iterations() * count);
  state.counters["simulated_ms"] = static_cast<double>(simulated_ms);
  state.counters["samples"] = static_cast<double>(samples);
}
BENCHMARK_CAPTURE(BM_ReplicatedGroupWorkload, inspector_off, false, false)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK_CAPTURE(BM_ReplicatedGroupWorkload, inspector_file_1s, true, false)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK_CAPTURE(BM_ReplicatedGroupWorkload, inspector_memory_1s, true, true)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
