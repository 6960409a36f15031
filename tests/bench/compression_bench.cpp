// Compressed produce-and-consume throughput through the C++ API, one benchmark per codec beside
// the uncompressed one: text-like 100-byte records (JSON with a few varying fields) produced with
// compression.type = codec into one partition, then read back by a consumer (which decompresses).
// Counters: stored_bytes_per_record (what retention counts) next to the 100 plain bytes.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "bench_options.hpp"
#include "client/consumer.hpp"
#include "client/producer.hpp"

namespace {

using namespace klab;

std::string text_record(int64_t i) {
  std::string value = fmt::format(R"({{"order":{},"customer":"c-{:04}","status":"PAID","amount":{}.{:02},"city":"Lyon"}})",
                                  i, i % 5000, 10 + i % 90, i % 100);
  value.resize(100, ' ');
  return value;
}

void BM_CompressedProduceConsume(benchmark::State& state, const char* codec) {
  const int64_t count = klab_bench::records_per_iteration() / 4;
  std::vector<std::string> values;
  for (int64_t i = 0; i < 1000; ++i) values.push_back(text_record(i));
  int64_t stored = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto cluster = std::move(Cluster::create(ClusterOptions{}).value());
    (void)cluster->create_topic("bench", TopicSpec{1, 1, {}});
    state.ResumeTiming();
    auto producer = std::move(Producer::create(*cluster, {{"compression.type", ConfigInput(std::string(codec))},
                                                          {"linger.ms", ConfigInput(int64_t{5})},
                                                          {"batch.size", ConfigInput(int64_t{65536})}})
                                  .value());
    for (int64_t i = 0; i < count; ++i) {
      (void)producer->send(ProducerRecord{"bench", std::nullopt, std::nullopt, values[static_cast<std::size_t>(i % 1000)], {}, std::nullopt});
      if ((i & 0xffff) == 0xffff) producer->flush();
    }
    producer->flush();
    auto consumer = std::move(Consumer::create(*cluster, {{"auto.offset.reset", std::string("earliest")}}).value());
    (void)consumer->assign({TopicPartition{"bench", 0}});
    std::vector<ConsumerRecord> records;
    int64_t read = 0, bytes = 0;
    while (read < count) {
      read += static_cast<int64_t>(consumer->poll(0, records).value());
      for (const ConsumerRecord& record : records) bytes += static_cast<int64_t>(record.value->size());
    }
    benchmark::DoNotOptimize(bytes);
    state.PauseTiming();
    stored = cluster->describe_topic("bench").value().partitions[0].size_bytes;
    consumer.reset();
    producer.reset();
    cluster.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(state.iterations() * count * 100);
  state.counters["stored_bytes_per_record"] = static_cast<double>(stored) / static_cast<double>(count);
}
BENCHMARK_CAPTURE(BM_CompressedProduceConsume, none, "none")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_CompressedProduceConsume, gzip, "gzip")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_CompressedProduceConsume, snappy, "snappy")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_CompressedProduceConsume, lz4, "lz4")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_CompressedProduceConsume, zstd, "zstd")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
