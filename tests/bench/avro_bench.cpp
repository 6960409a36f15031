// Avro through the C++ API: a News record serialized by the Avro serializer (registry lookup cached,
// libavro encode, wire format) and deserialized back (id -> writer schema, libavro decode), with
// and without resolution against a reader schema that adds a field with a default.
#include <benchmark/benchmark.h>

#include "bench_options.hpp"
#include "serde/avro_serde.hpp"

namespace {

using namespace klab;

const char* kNews = R"({"type":"record","name":"News","fields":[{"name":"title","type":"string"},
  {"name":"author","type":"string"},{"name":"views","type":"long"},
  {"name":"tags","type":{"type":"array","items":"string"},"default":[]}]})";
const char* kNewsReader = R"({"type":"record","name":"News","fields":[{"name":"title","type":"string"},
  {"name":"author","type":"string"},{"name":"views","type":"long"},
  {"name":"tags","type":{"type":"array","items":"string"},"default":[]},
  {"name":"test","type":"string","default":"none"}]})";

void avro_round_trips(benchmark::State& state, bool with_reader) {
  auto cluster = std::move(Cluster::create(ClusterOptions{}).value());
  auto& registry = schema::SchemaRegistry::of(*cluster);
  serde::AvroSerializer serializer(registry, *schema::AvroSchema::parse(kNews), true, false);
  schema::AvroSchemaPtr reader = with_reader ? *schema::AvroSchema::parse(kNewsReader) : nullptr;
  serde::AvroDeserializer deserializer(registry, reader, false);
  const schema::Datum record = schema::Datum::parse(
      R"({"title":"Kafka 3.7 released","author":"ada","views":123456,"tags":["kafka","release"]})");
  const int64_t count = klab_bench::smoke() ? 200 : 100000;
  int64_t bytes = 0;
  for (auto _ : state) {
    for (int64_t i = 0; i < count; ++i) {
      auto serialized = serializer.serialize("news", record);
      auto back = deserializer.deserialize(**serialized);
      bytes += static_cast<int64_t>((*serialized)->size());
      benchmark::DoNotOptimize(back);
    }
  }
  state.SetItemsProcessed(state.iterations() * count);
  state.SetBytesProcessed(bytes);
  state.counters["bytes_per_record"] = static_cast<double>(bytes) / static_cast<double>(state.iterations() * count);
}

void BM_AvroRoundTrip(benchmark::State& state) { avro_round_trips(state, false); }
void BM_AvroRoundTripResolved(benchmark::State& state) { avro_round_trips(state, true); }

}  // namespace

BENCHMARK(BM_AvroRoundTrip)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AvroRoundTripResolved)->Unit(benchmark::kMillisecond);
