// Kernel throughput through the C++ client API: producer appends (unkeyed and keyed), consumer
// polls, and the memory one million 100-byte records take. Each iteration works on a fresh cluster
// so the log does not grow across iterations.
#include <benchmark/benchmark.h>

#include <fstream>
#include <unistd.h>

#include "bench_options.hpp"
#include "client/consumer.hpp"
#include "client/producer.hpp"

namespace {

using namespace klab;

std::unique_ptr<Cluster> make_cluster(int32_t partitions, int32_t replication_factor = 1) {
  auto cluster = std::move(Cluster::create(ClusterOptions{}).value());
  (void)cluster->create_topic("bench", TopicSpec{partitions, replication_factor, {}});
  return cluster;
}

// Sends `count` records of 100 bytes; keys cycle over 10,000 distinct ones when keyed.
void produce(Cluster& cluster, int64_t count, bool keyed) {
  auto producer = std::move(Producer::create(cluster, {}).value());
  const std::string value(100, 'v');
  std::vector<std::string> keys;
  if (keyed)
    for (int i = 0; i < 10000; ++i) keys.push_back("key-" + std::to_string(i));
  for (int64_t i = 0; i < count; ++i) {
    ProducerRecord record{"bench", std::nullopt, std::nullopt, value, {}, std::nullopt};
    if (keyed) record.key = keys[static_cast<std::size_t>(i % 10000)];
    (void)producer->send(record);
    if ((i & 0xffff) == 0xffff) producer->flush();  // keep the accumulator bounded, as buffer.memory would
  }
  producer->flush();
}

// records_per_iteration() records of 100 bytes into a fresh topic of `partitions` partitions, with
// the default producer (acks=all, idempotent); replicated topics include the followers' fetches.
void BM_Produce(benchmark::State& state, int32_t partitions, bool keyed, int32_t replication_factor = 1) {
  const int64_t count = klab_bench::records_per_iteration();
  for (auto _ : state) {
    state.PauseTiming();
    auto cluster = make_cluster(partitions, replication_factor);
    state.ResumeTiming();
    produce(*cluster, count, keyed);
    state.PauseTiming();
    cluster.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(state.iterations() * count * 100);
}
BENCHMARK_CAPTURE(BM_Produce, unkeyed_one_partition, 1, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Produce, keyed_twelve_partitions, 12, true)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Produce, unkeyed_one_partition_rf3_acks_all, 1, false, 3)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Produce, keyed_twelve_partitions_rf3_acks_all, 12, true, 3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ConsumerPoll(benchmark::State& state) {
  const int64_t count = klab_bench::records_per_iteration();
  auto cluster = make_cluster(1);
  produce(*cluster, count, false);
  std::vector<ConsumerRecord> records;
  int64_t bytes = 0;
  for (auto _ : state) {
    auto consumer = std::move(Consumer::create(*cluster, {{"auto.offset.reset", std::string("earliest")}}).value());
    (void)consumer->assign({TopicPartition{"bench", 0}});
    int64_t read = 0;
    while (read < count) {
      std::size_t polled = consumer->poll(0, records).value();
      for (const ConsumerRecord& record : records) bytes += static_cast<int64_t>(record.value->size());
      read += static_cast<int64_t>(polled);
    }
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_ConsumerPoll)->Unit(benchmark::kMillisecond)->UseRealTime();

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// Memory of one million 100-byte records held in the kernel, against their raw 100 MB.
void BM_MemoryPerMillionRecords(benchmark::State& state) {
  const int64_t count = klab_bench::records_per_iteration();
  double kernel_ratio = 0, rss_ratio = 0;
  for (auto _ : state) {
    int64_t rss_before = resident_bytes();
    auto cluster = make_cluster(1);
    produce(*cluster, count, false);
    int64_t rss_after = resident_bytes();
    const double raw = static_cast<double>(count) * 100.0;
    kernel_ratio = static_cast<double>(cluster->memory_bytes()) / raw;
    rss_ratio = static_cast<double>(rss_after - rss_before) / raw;
  }
  state.counters["kernel_bytes_per_raw_byte"] = kernel_ratio;
  state.counters["rss_bytes_per_raw_byte"] = rss_ratio;
}
BENCHMARK(BM_MemoryPerMillionRecords)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
