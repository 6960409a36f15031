// The one directory a Connect worker may touch. Every path a connector names (file=, the SQLite
// database, the standalone offsets file) is resolved inside it: relative paths are taken from it,
// and a path that leaves it (an absolute path elsewhere, "..", a symbolic link pointing out) is
// refused. In graded scripts the directory is a fresh temporary one (see repl/lua_connect.cpp).
// Writes are also bounded in total, so a runaway sink cannot fill a disk.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace klab::connect {

class WorkDirectory {
 public:
  // INVALID_CONFIG when `root` is not an existing directory.
  static Result<std::shared_ptr<WorkDirectory>> open(const std::filesystem::path& root, int64_t max_written_bytes);

  const std::filesystem::path& root() const { return root_; }
  // The absolute path for `name`, or INVALID_CONFIG naming the directory it must stay in.
  Result<std::filesystem::path> resolve(std::string_view name) const;
  // Whole-file helpers for labs and the REPL (same confinement). read: nullopt when missing.
  Result<std::optional<std::string>> read(std::string_view name) const;
  Status write(std::string_view name, std::string_view contents, bool append);

  // Charges `bytes` against the write budget; false once it is spent.
  bool charge(int64_t bytes);
  int64_t written_bytes() const { return written_bytes_; }
  int64_t max_written_bytes() const { return max_written_bytes_; }

 private:
  WorkDirectory(std::filesystem::path root, int64_t max_written_bytes)
      : root_(std::move(root)), max_written_bytes_(max_written_bytes) {}
  std::filesystem::path root_;
  int64_t max_written_bytes_;
  int64_t written_bytes_ = 0;
};

}  // namespace klab::connect
