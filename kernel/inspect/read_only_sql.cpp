#include "inspect/read_only_sql.hpp"

#include <sqlite3.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <string>

namespace klab::inspect {
namespace {

// SQLite 3.40's built-in functions that only compute (https://sqlite.org/lang_corefunc.html,
// lang_aggfunc, windowfunctions, lang_datefunc, lang_mathfunc, json1), and the few newer releases add.
// Left out on purpose: fts3_tokenizer, load_extension, sqlite_compileoption_*, sqlite_offset,
// sqlite_source_id, sqlite_version, changes, total_changes, last_insert_rowid.
constexpr std::string_view kAllowedFunctions[] = {
    "->", "->>", "abs", "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "avg", "ceil", "ceiling",
    "char", "coalesce", "concat", "concat_ws", "cos", "cosh", "count", "cume_dist", "current_date",
    "current_time", "current_timestamp", "date", "datetime", "degrees", "dense_rank", "exp", "first_value",
    "floor", "format", "glob", "group_concat", "hex", "ifnull", "iif", "instr", "json", "json_array",
    "json_array_length", "json_each", "json_error_position", "json_extract", "json_group_array",
    "json_group_object", "json_insert", "json_object", "json_patch", "json_quote", "json_remove",
    "json_replace", "json_set", "json_tree", "json_type", "json_valid", "julianday", "lag", "last_value",
    "lead", "length", "like", "likelihood", "likely", "ln", "log", "log10", "log2", "lower", "ltrim", "max",
    "min", "mod", "nth_value", "ntile", "nullif", "octet_length", "percent_rank", "pi", "pow", "power",
    "printf", "quote", "radians", "random", "randomblob", "rank", "replace", "round", "row_number", "rtrim",
    "sign", "sin", "sinh", "soundex", "sqrt", "strftime", "string_agg", "substr", "substring", "sum", "tan",
    "tanh", "time", "timediff", "total", "trim", "trunc", "typeof", "unhex", "unicode", "unixepoch",
    "unlikely", "upper", "zeroblob", "if", "unistr", "median"};

struct Refusal {
  std::string what;
  bool function = false;
};

int read_only_authorizer(void* context, int action, const char* first, const char* second, const char*, const char*) {
  static constexpr std::array<std::string_view, 6> kReadPragmas = {"table_info", "table_xinfo", "index_list",
                                                                    "index_info", "user_version", "application_id"};
  auto& refusal = *static_cast<Refusal*>(context);
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:  // first is NULL, second the function's name
      if (second && allowed_sql_function(second)) return SQLITE_OK;
      refusal = Refusal{second ? second : "", true};
      return SQLITE_DENY;
    case SQLITE_PRAGMA:
      for (std::string_view name : kReadPragmas)
        if (first && name == first) return SQLITE_OK;
      refusal = Refusal{fmt::format("PRAGMA {}", first ? first : ""), false};
      return SQLITE_DENY;
    case SQLITE_ATTACH: refusal = Refusal{"ATTACH", false}; return SQLITE_DENY;
    case SQLITE_DETACH: refusal = Refusal{"DETACH", false}; return SQLITE_DENY;
    default: refusal = Refusal{"a statement that writes", false}; return SQLITE_DENY;
  }
}

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

}  // namespace

bool allowed_sql_function(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::find(std::begin(kAllowedFunctions), std::end(kAllowedFunctions), lower) != std::end(kAllowedFunctions);
}

void limit_for_queries(SqliteConnection& connection, bool on) {
  sqlite3* db = connection.get();
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, on ? kMaxValueBytes : 0x7fffffff);  // off: SQLite's own maximum
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, on ? 0 : 10);
}

Result<Statement> prepare_read_only(SqliteConnection& connection, std::string_view sql, std::string_view database) {
  if (is_blank_sql(sql)) return make_error(ErrorCode::INVALID_REQUEST, "no SQL statement given");
  sqlite3* db = connection.get();
  Refusal refusal;
  sqlite3_set_authorizer(db, read_only_authorizer, &refusal);
  std::string_view rest;
  Result<Statement> statement = connection.prepare(sql, &rest);
  sqlite3_set_authorizer(db, nullptr, nullptr);
  if (!statement) {
    if (refusal.function)
      return make_error(ErrorCode::INVALID_REQUEST,
                        fmt::format("the SQL function {}() is not allowed in a query on {} (klab allows SQLite's core, "
                                    "aggregate, window, date and time, math and JSON functions)",
                                    refusal.what, database));
    if (!refusal.what.empty())
      return make_error(ErrorCode::INVALID_REQUEST,
                        fmt::format("{} is read-only: {} is not allowed (only SELECT and WITH queries, and PRAGMA "
                                    "table_info)",
                                    database, refusal.what));
    return statement.error();
  }
  if (!statement->read_only())
    return make_error(ErrorCode::INVALID_REQUEST, fmt::format("{} is read-only: only queries may run", database));
  if (!is_blank_sql(rest))
    return make_error(ErrorCode::INVALID_REQUEST,
                      "one statement at a time: remove what follows the first ';' (" + std::string(rest.substr(0, 40)) + ")");
  return statement;
}

}  // namespace klab::inspect
