// The one librdkafka client the benchmark drives against every target (klab serve and librdkafka's mock
// cluster alike): a producer of fixed-size unkeyed records and a consumer that reads them back from the
// beginning. Only bootstrap.servers differs between targets; every other setting is librdkafka's
// default except the ones named in LoadSpec.
//
// Invariants:
//  1. A run is bounded: it stops at `max_records` or after `seconds`, whichever comes first, and the
//     final flush / read-back is bounded by `drain_seconds`.
//  2. Figures count only what the target acknowledged (delivery reports without error) or what the
//     consumer actually received; failures are counted apart, never hidden.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace klab_serve_bench {

struct LoadSpec {
  std::string bootstrap;
  std::string topic = "bench";
  int32_t partitions = 1;     // records go to partition 0 when 1, else librdkafka's partitioner picks
  std::string acks = "1";
  int64_t max_records = 1'000'000;
  double seconds = 3.0;       // production stops after this long even if max_records is not reached
  double drain_seconds = 30;  // bound on the final flush and on reading back
  int64_t records_per_second = 0;  // 0: as fast as the client can; else paced (for unloaded latency)
  int32_t record_bytes = 100;
  bool keep_latencies = false;
};

struct ProduceFigures {
  int64_t warm_up_delivered = 0;  // the untimed record sent first (connections, metadata)
  int64_t delivered = 0;
  int64_t failed = 0;
  std::string first_error;
  double seconds = 0;                   // first send to last delivery report
  std::vector<int64_t> latencies_us;    // delivery report time - send time, when kept
  double records_per_second() const { return seconds > 0 ? static_cast<double>(delivered) / seconds : 0; }
};

struct ConsumeFigures {
  int64_t records = 0;
  int64_t bytes = 0;
  int64_t errors = 0;
  std::string first_error;
  double seconds = 0;  // assign to the last expected record
  double records_per_second() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
};

// Sends one untimed record and waits for it (connections and metadata in place; 15 s at most), then
// the timed run.
ProduceFigures produce(const LoadSpec& spec);
// Reads `expected` records of every partition of the topic from the beginning.
ConsumeFigures consume(const LoadSpec& spec, int64_t expected);

std::string librdkafka_version();

// Percentile (0..100) of unsorted values; 0 when empty.
int64_t percentile(std::vector<int64_t> values, double percent);

}  // namespace klab_serve_bench
