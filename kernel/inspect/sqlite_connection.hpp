// A thin RAII layer over the SQLite C API for the inspector: one connection, prepared statements
// with typed binds, and SQLite's own messages carried as Error values (INVALID_REQUEST for a bad
// statement, KAFKA_STORAGE_ERROR for a file that cannot be opened or written). Nothing else in the
// kernel includes sqlite3.h.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace klab::inspect {

// One SQL value as read back: NULL, INTEGER, REAL or TEXT (BLOBs come back as text bytes).
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

class Statement {
 public:
  Statement() = default;
  explicit Statement(sqlite3_stmt* statement) : statement_(statement) {}
  Statement(Statement&& other) noexcept : statement_(std::exchange(other.statement_, nullptr)) {}
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  // Binds are 1-based, as in SQLite. A nullopt binds NULL.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, std::optional<int64_t> value);
  // Runs a statement that returns no rows, then resets it for the next binds.
  Status run();
  // For queries: true while a row is ready, false at the end; errors come back as values.
  Result<bool> step();
  int column_count() const;
  std::string column_name(int index) const;
  SqlValue column(int index) const;
  bool read_only() const;
  // The rowid of the last INSERT on this statement's connection.
  int64_t last_insert_rowid() const;
  sqlite3_stmt* get() const { return statement_; }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

class SqliteConnection {
 public:
  enum class Mode { ReadWriteCreate, ReadWrite, ReadOnly };
  // KAFKA_STORAGE_ERROR naming the path and SQLite's reason when it cannot be opened.
  static Result<SqliteConnection> open(const std::string& path, Mode mode);

  SqliteConnection() = default;
  SqliteConnection(SqliteConnection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  SqliteConnection& operator=(SqliteConnection&& other) noexcept;
  ~SqliteConnection();

  bool is_open() const { return db_ != nullptr; }
  void close();
  Status exec(std::string_view sql);  // one or more statements, no rows
  // Prepares the first statement of `sql`; `rest` (when given) receives what follows it.
  Result<Statement> prepare(std::string_view sql, std::string_view* rest = nullptr);
  std::string last_error() const;
  int64_t last_insert_rowid() const;
  sqlite3* get() const { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace klab::inspect
