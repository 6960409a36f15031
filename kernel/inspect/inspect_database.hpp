// One inspector database: the SQLite file (or ":memory:") a recording writes, or an existing one
// opened for reading. It decides what may be opened and what may run:
//  1. A new recording never overwrites a file that is not a klab database (application_id): such a
//     path is refused; an existing klab database is cleared and recorded again.
//  2. Files are written in WAL mode with synchronous=NORMAL, one transaction per batch of samples:
//     a process killed mid-run leaves every committed sample readable.
//  3. query() runs one read-only statement through read_only_sql.hpp's authorizer (reads, allow-listed
//     functions, a few PRAGMAs that describe the schema), so no query changes the record, attaches
//     a file or alters the connection, whoever asks (a graded script included).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "inspect/sqlite_connection.hpp"

namespace klab::inspect {

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<SqlValue>> rows;
};

struct QueryLimits {
  int64_t max_steps = 0;     // SQLite virtual-machine steps before the query is stopped; 0: no limit
  std::size_t max_rows = 0;  // rows before the query is refused; 0: no limit
};

// Bytes SQLite holds for every inspector database of this process (the sandbox counts them against a
// graded script's memory limit, since an in-memory recording grows with the simulation).
int64_t sqlite_memory_bytes();

class InspectDatabase {
 public:
  // A database to record into: `path` created (or cleared when it holds a klab database);
  // ":memory:" for one that lives as long as this object. KAFKA_STORAGE_ERROR for a path that
  // cannot be written, INVALID_REQUEST for a file that is not a klab database.
  static Result<std::unique_ptr<InspectDatabase>> create(const std::string& path);
  // An existing klab database, read-only (klab inspect FILE). Same errors as create.
  static Result<std::unique_ptr<InspectDatabase>> open_existing(const std::string& path);

  // Runs one read-only statement. INVALID_REQUEST with SQLite's message when it is malformed,
  // refused (writes), stopped by `limits`, or followed by another statement.
  Result<QueryResult> query(std::string_view sql, const QueryLimits& limits = {});

  const std::string& path() const { return path_; }
  bool in_memory() const { return path_ == ":memory:"; }
  SqliteConnection& connection() { return connection_; }

 private:
  InspectDatabase(std::string path, SqliteConnection connection) : path_(std::move(path)), connection_(std::move(connection)) {}
  std::string path_;
  SqliteConnection connection_;
};

}  // namespace klab::inspect
