#include "connect/sqlite_query.hpp"

#include <sqlite3.h>

#include <fmt/format.h>

#include <filesystem>

#include "inspect/read_only_sql.hpp"
#include "inspect/sqlite_connection.hpp"

namespace klab::connect {
namespace {

constexpr int kProgressSteps = 1000;        // VM instructions between two progress checks
constexpr int kMaxProgressChecks = 100000;  // 10^8 instructions, then the query is interrupted

SqlValue column_value(sqlite3_stmt* statement, int i) {
  SqlValue value;
  switch (sqlite3_column_type(statement, i)) {
    case SQLITE_NULL: return value;
    case SQLITE_INTEGER: value.type = SqlValue::Type::Integer; break;
    case SQLITE_FLOAT: value.type = SqlValue::Type::Real; break;
    default: value.type = SqlValue::Type::Text;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
  value.text.assign(text ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(statement, i)));
  return value;
}

}  // namespace

Result<QueryResult> query_sqlite(const WorkDirectory& directory, const std::string& database, const std::string& sql) {
  Result<std::filesystem::path> path = directory.resolve(database);
  if (!path) return path.error();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(*path, ec))
    return make_error(ErrorCode::INVALID_REQUEST, fmt::format("no database {} in the Connect working directory", database));
  // The inspector's gate (read_only_sql.hpp): read-only, one statement, allow-listed functions, no ATTACH.
  Result<inspect::SqliteConnection> connection =
      inspect::SqliteConnection::open(path->string(), inspect::SqliteConnection::Mode::ReadOnly);
  if (!connection)
    return make_error(ErrorCode::INVALID_REQUEST, fmt::format("cannot open the database {}", database));
  inspect::limit_for_queries(*connection, true);
  Result<inspect::Statement> statement =
      inspect::prepare_read_only(*connection, sql, fmt::format("the database {}", database));
  if (!statement) return make_error(ErrorCode::INVALID_REQUEST, statement.error().message);
  sqlite3* db = connection->get();
  int checks = 0;
  sqlite3_progress_handler(db, kProgressSteps, [](void* counter) { return ++*static_cast<int*>(counter) > kMaxProgressChecks ? 1 : 0; }, &checks);
  sqlite3_stmt* raw = statement->get();
  QueryResult result;
  const int columns = sqlite3_column_count(raw);
  for (int i = 0; i < columns; ++i) result.columns.emplace_back(sqlite3_column_name(raw, i));
  int status = SQLITE_DONE;
  while ((status = sqlite3_step(raw)) == SQLITE_ROW && result.rows.size() < kMaxRows) {
    std::vector<SqlValue> row;
    for (int i = 0; i < columns; ++i) row.push_back(column_value(raw, i));
    result.rows.push_back(std::move(row));
  }
  sqlite3_progress_handler(db, 0, nullptr, nullptr);
  if (status != SQLITE_DONE && status != SQLITE_ROW)
    return make_error(ErrorCode::INVALID_REQUEST, status == SQLITE_INTERRUPT ? "the query ran too long" : sqlite3_errmsg(db));
  return result;
}

}  // namespace klab::connect
