// Test data files live in the repository, under tests/kernel/fixtures/, so a plain clone runs every
// test. KLAB_FIXTURES_DIR in the environment overrides the directory compiled in (the `unit` test runs
// the suite from a copy of the repository, tests/standalone/run_from_copy.sh).
#pragma once
#include <cstdlib>
#include <string>
#include <string_view>

namespace klab::test {

inline std::string fixture_path(std::string_view name) {
  const char* dir = std::getenv("KLAB_FIXTURES_DIR");
  return std::string(dir != nullptr && *dir != '\0' ? dir : KLAB_FIXTURES_DIR) + "/" + std::string(name);
}

}  // namespace klab::test
