#include <benchmark/benchmark.h>

#include <cstring>

#include "bench_options.hpp"

namespace {
bool smoke_mode = false;
}

bool klab_bench::smoke() { return smoke_mode; }

int main(int argc, char** argv) {
  int kept = 0;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--klab_smoke") == 0) smoke_mode = true;
    else argv[kept++] = argv[i];
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
