// Reads an SQLite database of a Connect working directory (what the JDBC sink wrote), read-only and
// bounded: the database is opened SQLITE_OPEN_READONLY, one statement runs through the inspector's
// authorizer (inspect/read_only_sql.hpp: reads and allow-listed functions only, no ATTACH), at most
// kMaxRows rows come back, and a progress handler stops a runaway query (a recursive CTE in a graded
// script).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "connect/work_directory.hpp"

namespace klab::connect {

struct SqlValue {
  enum class Type { Null, Integer, Real, Text } type = Type::Null;  // BLOBs come back as Text
  std::string text;  // the value as SQLite prints it
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<SqlValue>> rows;
};

inline constexpr std::size_t kMaxRows = 10000;

// INVALID_REQUEST with SQLite's message for a bad statement, a missing database, or what the
// authorizer refuses (a write, ATTACH, a function outside the allow-list), named.
Result<QueryResult> query_sqlite(const WorkDirectory& directory, const std::string& database, const std::string& sql);

}  // namespace klab::connect
