#include "inspect/sqlite_connection.hpp"

#include <sqlite3.h>

#include <utility>

namespace klab::inspect {

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(statement_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::optional<int64_t> value) {
  if (value) return bind(index, *value);
  sqlite3_bind_null(statement_, index);
  return *this;
}

Status Statement::run() {
  const int rc = sqlite3_step(statement_);
  sqlite3_reset(statement_);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR, sqlite3_errmsg(sqlite3_db_handle(statement_)));
  return ok_status();
}

Result<bool> Statement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const int code = sqlite3_errcode(sqlite3_db_handle(statement_));
  std::string message = sqlite3_errmsg(sqlite3_db_handle(statement_));
  if (code == SQLITE_INTERRUPT) message = "query stopped: it ran longer than allowed (" + message + ")";
  return make_error(ErrorCode::INVALID_REQUEST, message);
}

int Statement::column_count() const { return sqlite3_column_count(statement_); }

std::string Statement::column_name(int index) const {
  const char* name = sqlite3_column_name(statement_, index);
  return name ? name : "";
}

SqlValue Statement::column(int index) const {
  switch (sqlite3_column_type(statement_, index)) {
    case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(statement_, index));
    case SQLITE_FLOAT: return sqlite3_column_double(statement_, index);
    case SQLITE_NULL: return std::monostate{};
    default: {
      const auto* text = sqlite3_column_blob(statement_, index);
      const int bytes = sqlite3_column_bytes(statement_, index);
      return std::string(static_cast<const char*>(text), static_cast<std::size_t>(bytes));
    }
  }
}

bool Statement::read_only() const { return sqlite3_stmt_readonly(statement_) != 0; }

Result<SqliteConnection> SqliteConnection::open(const std::string& path, Mode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::ReadOnly) flags |= SQLITE_OPEN_READONLY;
  else flags |= SQLITE_OPEN_READWRITE;
  if (mode == Mode::ReadWriteCreate) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR, "cannot open " + path + ": " + reason);
  }
  sqlite3_extended_result_codes(db, 1);
  return SqliteConnection(db);
}

SqliteConnection& SqliteConnection::operator=(SqliteConnection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

SqliteConnection::~SqliteConnection() { close(); }

void SqliteConnection::close() {
  // sqlite3_close_v2 defers the close until statements still alive are finalized.
  if (db_) sqlite3_close_v2(std::exchange(db_, nullptr));
}

Status SqliteConnection::exec(std::string_view sql) {
  char* message = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string reason = message ? message : last_error();
    sqlite3_free(message);
    return make_error(ErrorCode::KAFKA_STORAGE_ERROR, reason);
  }
  return ok_status();
}

Result<Statement> SqliteConnection::prepare(std::string_view sql, std::string_view* rest) {
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, &tail) != SQLITE_OK) {
    sqlite3_finalize(statement);
    return make_error(ErrorCode::INVALID_REQUEST, last_error());
  }
  if (rest) *rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
  return Statement(statement);
}

int64_t SqliteConnection::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

std::string SqliteConnection::last_error() const { return db_ ? sqlite3_errmsg(db_) : "the database is closed"; }

int64_t Statement::last_insert_rowid() const { return sqlite3_last_insert_rowid(sqlite3_db_handle(statement_)); }
}  // namespace klab::inspect
