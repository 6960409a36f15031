// klab_serve_bench: the speed of `klab serve` (issue 16, section 4) as seen by librdkafka 2.0.2's C API
// over loopback, printed as a table (figures are printed, never asserted):
//   1. one producer, 100-byte records, 1 partition, acks=1, against `klab serve --brokers 1` and against
//      librdkafka's mock cluster in the same run (records/s, MB/s, ratio klab/mock); then reading them back;
//   2. 3 brokers, RF 3, acks=all, 12 partitions: records/s and the client-side produce latency (delivery
//      report - send) p50/p99, flat out and paced at 1000 records/s;
//   3. the CPU time of an idle `klab serve` with no connection and with 50 idle connections;
//   4. the resident memory `klab serve` grows by while it takes 1 M records of 100 bytes, against 100 MB.
// Every figure runs against a fresh server and is bounded in time (--seconds, 3 by default).
//
// usage: klab_serve_bench [--klab PATH] [--seconds S] [--records N] [--only produce|latency|idle|memory]
//                         [--smoke]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "idle_connections.hpp"
#include "mock_cluster.hpp"
#include "rdkafka_load.hpp"
#include "serve_process.hpp"

namespace klab_serve_bench {
namespace {

struct Options {
  std::string klab = KLAB_BINARY;
  double seconds = 3.0;
  int64_t memory_records = 1'000'000;
  std::string only;
  bool smoke = false;
};

double mb_per_second(double records_per_second, int32_t record_bytes) { return records_per_second * record_bytes / 1e6; }

void print_row(const char* figure, const char* target, double records_per_second, const std::string& note) {
  std::printf("  %-34s %-11s %12.0f rec/s %8.2f MB/s  %s\n", figure, target, records_per_second,
              mb_per_second(records_per_second, 100), note.c_str());
}

std::string produce_note(const ProduceFigures& figures) {
  std::string note = std::to_string(figures.delivered) + " records in " + std::to_string(figures.seconds).substr(0, 5) + " s";
  if (figures.failed > 0) note += ", " + std::to_string(figures.failed) + " FAILED (" + figures.first_error + ")";
  return note;
}

std::string consume_note(const ConsumeFigures& figures, int64_t expected) {
  std::string note = std::to_string(figures.records) + "/" + std::to_string(expected) + " records in " +
                     std::to_string(figures.seconds).substr(0, 5) + " s";
  if (figures.errors > 0) note += ", " + std::to_string(figures.errors) + " errors (" + figures.first_error + ")";
  return note;
}

struct Throughput {
  double produce = 0, consume = 0;
  bool read_all = false;  // the consumer got every record produced; otherwise its rate is not comparable
};

// Produce flat out for --seconds, then read everything back, against one target.
Throughput produce_and_consume(const Options& options, const std::string& bootstrap, const char* target) {
  LoadSpec spec;
  spec.bootstrap = bootstrap;
  spec.seconds = options.seconds;
  spec.max_records = 100'000'000;
  ProduceFigures produced = produce(spec);
  print_row("produce 1 partition acks=1", target, produced.records_per_second(), produce_note(produced));
  const int64_t expected = produced.warm_up_delivered + produced.delivered;
  ConsumeFigures consumed = consume(spec, expected);
  print_row("consume 1 partition", target, consumed.records_per_second(), consume_note(consumed, expected));
  return {produced.records_per_second(), consumed.records_per_second(), consumed.records >= expected};
}

void ratio_row(const char* figure, double klab, double mock) {
  std::printf("  %-34s klab/mock   %12.2f%s\n", figure, mock > 0 ? klab / mock : 0.0,
              mock > 0 && klab / mock >= 1 ? "" : "   (issue 16 asks >= 1)");
}

bool figure_throughput(const Options& options) {
  std::string error;
  ServeSpec serve{options.klab, 1, "bench", 1, 1};
  Throughput klab, mock;
  {
    std::optional<ServeProcess> server = ServeProcess::start(serve, error);
    if (!server) return std::fprintf(stderr, "klab_serve_bench: %s\n", error.c_str()), false;
    klab = produce_and_consume(options, server->bootstrap(), "klab serve");
  }
  {
    std::unique_ptr<MockCluster> cluster = MockCluster::start(1, "bench", 1, 1, error);
    if (!cluster) return std::fprintf(stderr, "klab_serve_bench: mock cluster: %s\n", error.c_str()), false;
    mock = produce_and_consume(options, cluster->bootstrap(), "mock");
  }
  ratio_row("produce", klab.produce, mock.produce);
  if (klab.read_all && mock.read_all)
    ratio_row("consume", klab.consume, mock.consume);
  else
    std::printf("  %-34s klab/mock   %12s   (%s did not read back every record)\n", "consume", "n/a",
                klab.read_all ? "the mock" : mock.read_all ? "klab serve" : "neither target");
  return true;
}

void latency_rows(const Options& options, const std::string& bootstrap, const char* target) {
  LoadSpec spec;
  spec.bootstrap = bootstrap;
  spec.partitions = 12;
  spec.acks = "all";
  spec.seconds = options.seconds;
  spec.max_records = 100'000'000;
  spec.keep_latencies = true;
  ProduceFigures flat = produce(spec);
  print_row("produce 12 partitions RF3 acks=all", target, flat.records_per_second(),
            "p50 " + std::to_string(percentile(flat.latencies_us, 50) / 1000.0).substr(0, 6) + " ms, p99 " +
                std::to_string(percentile(flat.latencies_us, 99) / 1000.0).substr(0, 6) + " ms; " + produce_note(flat));
  spec.records_per_second = 1000;
  ProduceFigures paced = produce(spec);
  print_row("  same, paced at 1000 rec/s", target, paced.records_per_second(),
            "p50 " + std::to_string(percentile(paced.latencies_us, 50) / 1000.0).substr(0, 6) + " ms, p99 " +
                std::to_string(percentile(paced.latencies_us, 99) / 1000.0).substr(0, 6) + " ms; " + produce_note(paced));
}

bool figure_latency(const Options& options) {
  std::string error;
  {
    std::optional<ServeProcess> server = ServeProcess::start(ServeSpec{options.klab, 3, "bench", 12, 3}, error);
    if (!server) return std::fprintf(stderr, "klab_serve_bench: %s\n", error.c_str()), false;
    latency_rows(options, server->bootstrap(), "klab serve");
  }
  std::unique_ptr<MockCluster> cluster = MockCluster::start(3, "bench", 12, 3, error);
  if (!cluster) return std::fprintf(stderr, "klab_serve_bench: mock cluster: %s\n", error.c_str()), false;
  latency_rows(options, cluster->bootstrap(), "mock");
  return true;
}

double cpu_over(const ServeProcess& server, double seconds) {
  const double before = server.usage().cpu_seconds;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return server.usage().cpu_seconds - before;
}

bool figure_idle(const Options& options) {
  std::string error;
  std::optional<ServeProcess> server = ServeProcess::start(ServeSpec{options.klab, 3, "bench", 12, 3}, error);
  if (!server) return std::fprintf(stderr, "klab_serve_bench: %s\n", error.c_str()), false;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // start-up work done
  const double alone = cpu_over(*server, options.seconds);
  IdleConnections idle;
  if (!idle.open(server->ports().front(), 50, error)) return std::fprintf(stderr, "klab_serve_bench: %s\n", error.c_str()), false;
  const double with_connections = cpu_over(*server, options.seconds);
  const long tick_ms = 1000 / ::sysconf(_SC_CLK_TCK);
  std::printf("  %-34s klab serve  %8.0f ms CPU in %.1f s wall (%.2f%% of a core; /proc resolution %ld ms)\n",
              "idle, no connection", alone * 1000, options.seconds, 100 * alone / options.seconds, tick_ms);
  std::printf("  %-34s klab serve  %8.0f ms CPU in %.1f s wall (%.2f%% of a core)\n", "idle, 50 connections",
              with_connections * 1000, options.seconds, 100 * with_connections / options.seconds);
  return true;
}

bool figure_memory(const Options& options) {
  std::string error;
  std::optional<ServeProcess> server = ServeProcess::start(ServeSpec{options.klab, 1, "bench", 1, 1}, error);
  if (!server) return std::fprintf(stderr, "klab_serve_bench: %s\n", error.c_str()), false;
  const ProcessUsage before = server->usage();
  LoadSpec spec;
  spec.bootstrap = server->bootstrap();
  spec.max_records = options.memory_records;
  spec.seconds = 120;  // bounded, but the figure is about all of the records
  ProduceFigures produced = produce(spec);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const ProcessUsage after = server->usage();
  const double raw = static_cast<double>(produced.delivered + produced.warm_up_delivered) * 100.0;
  std::printf("  %-34s klab serve  VmRSS %.1f -> %.1f MB, VmHWM %.1f MB; %s\n", "memory, 100-byte records",
              before.rss_bytes / 1e6, after.rss_bytes / 1e6, after.hwm_bytes / 1e6, produce_note(produced).c_str());
  std::printf("  %-34s klab serve  %8.2f x raw (RSS growth %.1f MB / raw %.1f MB; peak growth %.2f x)%s\n",
              "memory ratio", (after.rss_bytes - before.rss_bytes) / raw, (after.rss_bytes - before.rss_bytes) / 1e6,
              raw / 1e6, (after.hwm_bytes - before.rss_bytes) / raw,
              (after.rss_bytes - before.rss_bytes) / raw <= 2 ? "" : "   (issue 16 asks <= 2)");
  return true;
}

bool parse(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--klab" && has_value) options.klab = argv[++i];
    else if (arg == "--seconds" && has_value) options.seconds = std::atof(argv[++i]);
    else if (arg == "--records" && has_value) options.memory_records = std::atoll(argv[++i]);
    else if (arg == "--only" && has_value) options.only = argv[++i];
    else if (arg == "--smoke") options.smoke = true;
    else return false;
  }
  if (options.smoke) {
    options.seconds = 0.2;
    options.memory_records = 2000;
  }
  return options.seconds > 0 && options.memory_records > 0;
}

}  // namespace
}  // namespace klab_serve_bench

int main(int argc, char** argv) {
  using namespace klab_serve_bench;
  Options options;
  if (!parse(argc, argv, options)) {
    std::fprintf(stderr, "usage: klab_serve_bench [--klab PATH] [--seconds S] [--records N] "
                         "[--only produce|latency|idle|memory] [--smoke]\n");
    return 2;
  }
  std::printf("klab serve over loopback, librdkafka %s C API, %ld CPUs online; klab: %s\n", librdkafka_version().c_str(),
              ::sysconf(_SC_NPROCESSORS_ONLN), options.klab.c_str());
  bool ok = true;
  if (options.only.empty() || options.only == "produce") ok = figure_throughput(options) && ok;
  if (options.only.empty() || options.only == "latency") ok = figure_latency(options) && ok;
  if (options.only.empty() || options.only == "idle") ok = figure_idle(options) && ok;
  if (options.only.empty() || options.only == "memory") ok = figure_memory(options) && ok;
  std::fflush(stdout);
  return ok ? 0 : 1;
}
