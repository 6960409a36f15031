#include "connect/sqlite_query.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include <filesystem>

namespace klab::connect {
namespace {

constexpr int kProgressSteps = 1000;        // VM instructions between two progress checks
constexpr int kMaxProgressChecks = 100000;  // 10^8 instructions, then the query is interrupted

}  // namespace

Result<QueryResult> query_sqlite(const WorkDirectory& directory, const std::string& database, const std::string& sql) {
  Result<std::filesystem::path> path = directory.resolve(database);
  if (!path) return path.error();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(*path, ec))
    return make_error(ErrorCode::INVALID_REQUEST, fmt::format("no database {} in the Connect working directory", database));
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path->c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return make_error(ErrorCode::INVALID_REQUEST, message);
  }
  int checks = 0;
  sqlite3_progress_handler(db, kProgressSteps, [](void* counter) { return ++*static_cast<int*>(counter) > kMaxProgressChecks ? 1 : 0; }, &checks);
  sqlite3_stmt* statement = nullptr;
  const char* rest = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &statement, &rest) != SQLITE_OK) {
    Error error = make_error(ErrorCode::INVALID_REQUEST, sqlite3_errmsg(db));
    sqlite3_close(db);
    return error;
  }
  QueryResult result;
  const int columns = statement ? sqlite3_column_count(statement) : 0;
  for (int i = 0; i < columns; ++i) result.columns.emplace_back(sqlite3_column_name(statement, i));
  int status = SQLITE_DONE;
  while (statement && (status = sqlite3_step(statement)) == SQLITE_ROW && result.rows.size() < kMaxRows) {
    std::vector<SqlValue> row;
    for (int i = 0; i < columns; ++i) {
      SqlValue value;
      switch (sqlite3_column_type(statement, i)) {
        case SQLITE_NULL: row.push_back(value); continue;
        case SQLITE_INTEGER: value.type = SqlValue::Type::Integer; break;
        case SQLITE_FLOAT: value.type = SqlValue::Type::Real; break;
        default: value.type = SqlValue::Type::Text;
      }
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
      value.text.assign(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, i)));
      row.push_back(std::move(value));
    }
    result.rows.push_back(std::move(row));
  }
  std::optional<Error> failure;
  if (status != SQLITE_DONE && status != SQLITE_ROW)
    failure = make_error(ErrorCode::INVALID_REQUEST, status == SQLITE_INTERRUPT ? "the query ran too long" : sqlite3_errmsg(db));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  if (failure) return *failure;
  return result;
}

}  // namespace klab::connect
