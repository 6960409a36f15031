#include "inspect/inspect_database.hpp"

#include <sqlite3.h>
#include <fmt/format.h>

#include <array>
#include <filesystem>

#include "inspect/inspect_schema.hpp"

namespace klab::inspect {
namespace {

bool is_blank_sql(std::string_view sql) {
  // Whitespace and comments only: what follows the last statement of a script.
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (sql.substr(i, 2) == "/*") {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else {
      return false;
    }
  }
  return true;
}

Result<int64_t> pragma_integer(SqliteConnection& connection, const char* pragma) {
  Result<Statement> statement = connection.prepare(fmt::format("PRAGMA {}", pragma));
  if (!statement) return statement.error();
  Result<bool> row = statement->step();
  if (!row) return row.error();
  if (!*row) return int64_t{0};
  const SqlValue value = statement->column(0);
  return std::holds_alternative<int64_t>(value) ? std::get<int64_t>(value) : int64_t{0};
}

// INVALID_REQUEST unless the open connection holds a klab database (or, when `empty_ok`, nothing yet).
Status check_klab_database(SqliteConnection& connection, const std::string& path, bool empty_ok) {
  Result<int64_t> id = pragma_integer(connection, "application_id");
  if (!id)
    return make_error(ErrorCode::INVALID_REQUEST,
                      fmt::format("{} is not a klab inspector database ({}); refusing to touch it — choose another path",
                                  path, id.error().message));
  Result<int64_t> objects = pragma_integer(connection, "schema_version");
  if (*id == kApplicationId) return ok_status();
  if (empty_ok && *id == 0 && objects && *objects == 0) return ok_status();
  return make_error(ErrorCode::INVALID_REQUEST,
                    fmt::format("{} is an SQLite database but not a klab inspector database (application_id {:#x}); "
                                "refusing to overwrite it — choose another path",
                                path, *id));
}

// The authorizer of query(): reads only. `denied` receives what was refused, for the message.
int read_only_authorizer(void* context, int action, const char* first, const char*, const char*, const char*) {
  static constexpr std::array<std::string_view, 6> kReadPragmas = {"table_info", "table_xinfo", "index_list",
                                                                    "index_info", "user_version", "application_id"};
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_PRAGMA:
      for (std::string_view name : kReadPragmas)
        if (first && name == first) return SQLITE_OK;
      *static_cast<std::string*>(context) = fmt::format("PRAGMA {}", first ? first : "");
      return SQLITE_DENY;
    case SQLITE_ATTACH: *static_cast<std::string*>(context) = "ATTACH"; return SQLITE_DENY;
    case SQLITE_DETACH: *static_cast<std::string*>(context) = "DETACH"; return SQLITE_DENY;
    default: *static_cast<std::string*>(context) = "a statement that writes"; return SQLITE_DENY;
  }
}

// DROP statements for every view and table an existing klab database holds (of any schema version:
// a view of one version may be a table of another), views first.
Result<std::string> drop_everything_sql(SqliteConnection& connection) {
  Result<Statement> listed = connection.prepare(
      "SELECT type, name FROM sqlite_master WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite_%' "
      "ORDER BY type = 'table'");
  if (!listed) return listed.error();
  std::string sql;
  Result<bool> row = false;
  while ((row = listed->step()) && *row) {
    const std::string type = std::get<std::string>(listed->column(0));
    std::string name = std::get<std::string>(listed->column(1));
    sql += fmt::format("DROP {} IF EXISTS \"{}\"; ", type == "view" ? "VIEW" : "TABLE", name);
  }
  if (!row) return row.error();
  return sql;
}

int stop_after_budget(void* context) {
  auto& remaining = *static_cast<int64_t*>(context);
  return --remaining < 0 ? 1 : 0;
}

constexpr int kStepsPerProgressCall = 1000;

}  // namespace

int64_t sqlite_memory_bytes() { return sqlite3_memory_used(); }

Result<std::unique_ptr<InspectDatabase>> InspectDatabase::create(const std::string& path) {
  std::error_code ignored;
  const bool file = path != ":memory:";
  const bool existing = file && std::filesystem::exists(path, ignored);
  if (existing && std::filesystem::is_directory(path, ignored))
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR, fmt::format("cannot record into {}: it is a directory", path));
  Result<SqliteConnection> connection = SqliteConnection::open(path, SqliteConnection::Mode::ReadWriteCreate);
  if (!connection)
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR,
                      fmt::format("cannot record into {}: {} (does the directory exist, and may you write there?)",
                                  path, connection.error().message));
  if (existing)
    if (Status klab = check_klab_database(*connection, path, true); !klab) return klab.error();
  auto fail = [&path](const Error& error) {
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR, fmt::format("cannot record into {}: {}", path, error.message));
  };
  if (file) {
    if (Status wal = connection->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); !wal) return fail(wal.error());
  }
  Result<std::string> drop = drop_everything_sql(*connection);
  if (!drop) return fail(drop.error());
  const std::string setup = fmt::format("BEGIN; {} {} PRAGMA application_id={}; PRAGMA user_version={}; COMMIT;",
                                        *drop, schema_sql(), kApplicationId, kSchemaVersion);
  if (Status created = connection->exec(setup); !created) {
    (void)connection->exec("ROLLBACK");
    return fail(created.error());
  }
  return std::unique_ptr<InspectDatabase>(new InspectDatabase(path, std::move(*connection)));
}

Result<std::unique_ptr<InspectDatabase>> InspectDatabase::open_existing(const std::string& path) {
  std::error_code ignored;
  if (path == ":memory:" || !std::filesystem::is_regular_file(path, ignored))
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR, fmt::format("cannot open {}: no such file", path));
  Result<SqliteConnection> connection = SqliteConnection::open(path, SqliteConnection::Mode::ReadOnly);
  if (!connection) return connection.error();
  if (Status klab = check_klab_database(*connection, path, false); !klab) return klab.error();
  return std::unique_ptr<InspectDatabase>(new InspectDatabase(path, std::move(*connection)));
}

Result<QueryResult> InspectDatabase::query(std::string_view sql, const QueryLimits& limits) {
  if (is_blank_sql(sql)) return make_error(ErrorCode::INVALID_REQUEST, "no SQL statement given");
  sqlite3* db = connection_.get();
  std::string denied;
  sqlite3_set_authorizer(db, read_only_authorizer, &denied);
  std::string_view rest;
  Result<Statement> statement = connection_.prepare(sql, &rest);
  sqlite3_set_authorizer(db, nullptr, nullptr);
  if (!statement) {
    if (!denied.empty())
      return make_error(ErrorCode::INVALID_REQUEST,
                        fmt::format("the inspector database is read-only: {} is not allowed (only SELECT and WITH "
                                    "queries, and PRAGMA table_info)",
                                    denied));
    return statement.error();
  }
  if (!statement->read_only())
    return make_error(ErrorCode::INVALID_REQUEST, "the inspector database is read-only: only queries may run");
  if (!is_blank_sql(rest))
    return make_error(ErrorCode::INVALID_REQUEST,
                      "one statement at a time: remove what follows the first ';' (" + std::string(rest.substr(0, 40)) + ")");
  int64_t budget = limits.max_steps > 0 ? limits.max_steps / kStepsPerProgressCall + 1 : 0;
  if (limits.max_steps > 0) sqlite3_progress_handler(db, kStepsPerProgressCall, stop_after_budget, &budget);
  QueryResult result;
  for (int i = 0; i < statement->column_count(); ++i) result.columns.push_back(statement->column_name(i));
  Result<bool> row = false;
  while ((row = statement->step()) && *row) {
    if (limits.max_rows > 0 && result.rows.size() >= limits.max_rows) {
      row = make_error(ErrorCode::INVALID_REQUEST,
                       fmt::format("the query returns more than {} rows: add a LIMIT or aggregate", limits.max_rows));
      break;
    }
    std::vector<SqlValue>& values = result.rows.emplace_back();
    values.reserve(result.columns.size());
    for (int i = 0; i < statement->column_count(); ++i) values.push_back(statement->column(i));
  }
  if (limits.max_steps > 0) sqlite3_progress_handler(db, 0, nullptr, nullptr);
  if (!row) return row.error();
  return result;
}

}  // namespace klab::inspect
