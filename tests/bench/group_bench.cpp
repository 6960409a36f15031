// Consumer-group poll throughput through the C++ API: a consumer subscribes with a group.id, joins
// (the simulated group.initial.rebalance.delay.ms costs no real time), fetches its committed offsets
// and polls every record, auto-committing every 5 s of simulated time. Each iteration uses a new
// group on the same log, so it reads everything from the start again.
#include <benchmark/benchmark.h>

#include "bench_options.hpp"
#include "client/consumer.hpp"
#include "client/producer.hpp"

namespace {

using namespace klab;

std::unique_ptr<Cluster> filled_cluster(int32_t partitions, int64_t count) {
  auto cluster = std::move(Cluster::create(ClusterOptions{}).value());
  (void)cluster->create_topic("bench", TopicSpec{partitions, 1, {}});
  auto producer = std::move(Producer::create(*cluster, {}).value());
  const std::string value(100, 'v');
  for (int64_t i = 0; i < count; ++i) {
    (void)producer->send(ProducerRecord{"bench", std::nullopt, std::nullopt, value, {}, std::nullopt});
    if ((i & 0xffff) == 0xffff) producer->flush();
  }
  producer->flush();
  return cluster;
}

void BM_GroupConsumerPoll(benchmark::State& state, int32_t partitions) {
  const int64_t count = klab_bench::records_per_iteration();
  auto cluster = filled_cluster(partitions, count);
  std::vector<ConsumerRecord> records;
  int64_t bytes = 0;
  int group = 0;
  for (auto _ : state) {
    auto consumer = std::move(Consumer::create(*cluster, {{"group.id", std::string("bench-") + std::to_string(group++)},
                                                          {"auto.offset.reset", std::string("earliest")}})
                                  .value());
    (void)consumer->subscribe({"bench"});
    int64_t read = 0;
    while (read < count) {
      std::size_t polled = consumer->poll(100, records).value();
      for (const ConsumerRecord& record : records) bytes += static_cast<int64_t>(record.value->size());
      read += static_cast<int64_t>(polled);
    }
    (void)consumer->close();
  }
  benchmark::DoNotOptimize(bytes);
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(bytes);
}
BENCHMARK_CAPTURE(BM_GroupConsumerPoll, one_partition, 1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_GroupConsumerPoll, twelve_partitions, 12)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
