// The log cleaner: one million 100-byte records over ten thousand keys, compacted in one pass
// (the whole log but the active segment is dirty). Reports the memory the partition log holds
// before and after; the production of the records is outside the timed region.
#include <benchmark/benchmark.h>

#include "bench_options.hpp"
#include "client/producer.hpp"
#include "log/log_cleaner.hpp"

namespace {

using namespace klab;

void BM_CompactMillionRecordsTenThousandKeys(benchmark::State& state) {
  const int64_t kRecords = klab_bench::records_per_iteration();  // one million, or a smoke-test few
  int64_t memory_before = 0, memory_after = 0, records_after = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto cluster = std::move(Cluster::create(ClusterOptions{}).value());
    (void)cluster->create_topic(
        "bench", TopicSpec{1, 1, {{"cleanup.policy", std::string("compact")}, {"segment.bytes", int64_t{16 << 20}}}});
    auto producer = std::move(Producer::create(*cluster, {}).value());
    std::vector<std::string> keys;
    for (int i = 0; i < 10000; ++i) keys.push_back("key-" + std::to_string(i));
    const std::string value(100, 'v');
    for (int64_t i = 0; i < kRecords; ++i) {
      (void)producer->send(ProducerRecord{"bench", 0, keys[static_cast<std::size_t>(i % 10000)], value, {}, std::nullopt});
      if ((i & 0xffff) == 0xffff) producer->flush();
    }
    producer->flush();
    Replica& replica = *cluster->find_topic("bench")->partitions[0]->copies[0];
    replica.log.roll(cluster->now());  // everything written becomes cleanable
    memory_before = static_cast<int64_t>(replica.log.memory_bytes());
    const CleanableLog cleanable = check_cleanable(replica.log, -1, replica.high_watermark, cluster->now());
    state.ResumeTiming();
    const CleanerStats stats = clean_log(replica.log, cleanable, cluster->now());
    state.PauseTiming();
    memory_after = static_cast<int64_t>(replica.log.memory_bytes());
    records_after = stats.records_kept;
    producer.reset();  // a client never outlives its cluster
    cluster.reset();
    state.ResumeTiming();
  }
  state.counters["log_bytes_before"] = static_cast<double>(memory_before);
  state.counters["log_bytes_after"] = static_cast<double>(memory_after);
  state.counters["records_kept"] = static_cast<double>(records_after);
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_CompactMillionRecordsTenThousandKeys)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
