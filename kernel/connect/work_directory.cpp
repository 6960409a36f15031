#include "connect/work_directory.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

namespace klab::connect {

namespace fs = std::filesystem;

Result<std::shared_ptr<WorkDirectory>> WorkDirectory::open(const fs::path& root, int64_t max_written_bytes) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (ec || !fs::is_directory(canonical, ec))
    return make_error(ErrorCode::INVALID_CONFIG, fmt::format("the Connect working directory {} does not exist", root.string()));
  return std::shared_ptr<WorkDirectory>(new WorkDirectory(std::move(canonical), max_written_bytes));
}

Result<fs::path> WorkDirectory::resolve(std::string_view name) const {
  if (name.empty()) return make_error(ErrorCode::INVALID_CONFIG, "an empty file name");
  if (name.find('\0') != std::string_view::npos) return make_error(ErrorCode::INVALID_CONFIG, "a file name with a NUL byte");
  fs::path path(name);
  if (path.is_relative()) path = root_ / path;
  std::error_code ec;
  // weakly_canonical resolves the symbolic links of the part that exists, so a link out is caught.
  const fs::path resolved = fs::weakly_canonical(path, ec);
  if (ec) return make_error(ErrorCode::INVALID_CONFIG, fmt::format("cannot resolve the path {}", std::string(name)));
  auto [root_end, resolved_it] = std::mismatch(root_.begin(), root_.end(), resolved.begin(), resolved.end());
  if (root_end != root_.end() || resolved == root_)
    return make_error(ErrorCode::INVALID_CONFIG,
                      fmt::format("the path {} is outside the Connect working directory (w:dir()); connectors may "
                                  "only use files inside it (give a relative path such as test.sink.txt)",
                                  std::string(name)));
  return resolved;
}

Result<std::optional<std::string>> WorkDirectory::read(std::string_view name) const {
  Result<fs::path> path = resolve(name);
  if (!path) return path.error();
  std::ifstream file(*path, std::ios::binary);
  if (!file) return std::optional<std::string>();
  std::ostringstream contents;
  contents << file.rdbuf();
  return std::optional<std::string>(contents.str());
}

Status WorkDirectory::write(std::string_view name, std::string_view contents, bool append) {
  Result<fs::path> path = resolve(name);
  if (!path) return path.error();
  if (!charge(static_cast<int64_t>(contents.size())))
    return make_error(ErrorCode::POLICY_VIOLATION, fmt::format("the Connect working directory's write budget of {} bytes is spent", max_written_bytes_));
  std::ofstream file(*path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  if (!file) return make_error(ErrorCode::KAFKA_STORAGE_ERROR, fmt::format("cannot write {}", path->string()));
  file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  if (!file) return make_error(ErrorCode::KAFKA_STORAGE_ERROR, fmt::format("cannot write {}", path->string()));
  return ok_status();
}

bool WorkDirectory::charge(int64_t bytes) {
  if (written_bytes_ + bytes > max_written_bytes_) return false;
  written_bytes_ += bytes;
  return true;
}

}  // namespace klab::connect
