#include "inspect/inspect_database.hpp"

#include <sqlite3.h>
#include <fmt/format.h>

#include <filesystem>

#include "inspect/inspect_schema.hpp"
#include "inspect/read_only_sql.hpp"

namespace klab::inspect {
namespace {

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
                      fmt::format("{} is not a klab inspector database ({}){}", path, id.error().message,
                                  empty_ok ? "; refusing to touch it — choose another path" : ""));
  Result<int64_t> objects = pragma_integer(connection, "schema_version");
  if (*id == kApplicationId) return ok_status();
  if (empty_ok && *id == 0 && objects && *objects == 0) return ok_status();
  if (!empty_ok)  // reading: nothing would be overwritten
    return make_error(ErrorCode::INVALID_REQUEST,
                      fmt::format("{} is an SQLite database but not a klab inspector database (application_id {:#x}, "
                                  "klab's is {:#x}): klab inspect reads only what a klab recording wrote",
                                  path, *id, kApplicationId));
  return make_error(ErrorCode::INVALID_REQUEST,
                    fmt::format("{} is an SQLite database but not a klab inspector database (application_id {:#x}); "
                                "refusing to overwrite it — choose another path",
                                path, *id));
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

// Why `path` cannot be a recording to read, before SQLite opens it (a FIFO would block the open): in
// klab's words, what it is instead. Empty when it is a regular file with something in it.
static std::string not_a_recording(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (path == ":memory:" || status.type() == fs::file_type::not_found) return fmt::format("cannot open {}: no such file", path);
  if (error) return fmt::format("cannot open {}: {}", path, error.message());
  const char* what = nullptr;
  switch (status.type()) {
    case fs::file_type::regular: break;
    case fs::file_type::directory: what = "a directory"; break;
    case fs::file_type::fifo: what = "a FIFO (a named pipe)"; break;
    case fs::file_type::socket: what = "a socket"; break;
    case fs::file_type::block:
    case fs::file_type::character: what = "a device"; break;
    default: what = "not a regular file"; break;
  }
  if (what)
    return fmt::format("cannot open {}: it is {}, not a klab inspector database (give the file a recording wrote, "
                       "such as run.sqlite)",
                       path, what);
  if (fs::file_size(path, error) == 0 && !error)
    return fmt::format("{} is an empty file (0 bytes), not a klab inspector database: record one with "
                       "inspect.open(cluster, \"{}\") in a script",
                       path, path);
  return "";
}

Result<std::unique_ptr<InspectDatabase>> InspectDatabase::open_existing(const std::string& path) {
  if (std::string problem = not_a_recording(path); !problem.empty())
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR, problem);
  Result<SqliteConnection> connection = SqliteConnection::open(path, SqliteConnection::Mode::ReadOnly);
  if (!connection) return connection.error();
  if (Status klab = check_klab_database(*connection, path, false); !klab) return klab.error();
  return std::unique_ptr<InspectDatabase>(new InspectDatabase(path, std::move(*connection)));
}

Result<QueryResult> InspectDatabase::query(std::string_view sql, const QueryLimits& limits) {
  sqlite3* db = connection_.get();
  Result<Statement> statement = prepare_read_only(connection_, sql, "the inspector database");
  if (!statement) return statement.error();
  limit_for_queries(connection_, true);
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
  limit_for_queries(connection_, false);
  if (!row) return row.error();
  return result;
}

}  // namespace klab::inspect
