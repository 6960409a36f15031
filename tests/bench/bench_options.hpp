// Options shared by the benchmark files: --klab_smoke shrinks every workload so the smoke test in
// the (sanitized) test build stays fast.
#pragma once
#include <cstdint>

namespace klab_bench {

bool smoke();
inline int64_t records_per_iteration() { return smoke() ? 2000 : 1000000; }

}  // namespace klab_bench
