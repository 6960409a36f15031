// The one gate for SQL others write (inspect/read_only_sql.hpp): the inspector's queries and the
// Connect worker's w:sql both admit reads and allow-listed functions only, and refuse the rest by name.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "connect/sqlite_query.hpp"
#include "connect/work_directory.hpp"
#include "inspect/inspect_database.hpp"
#include "inspect/read_only_sql.hpp"
#include "inspect/sqlite_connection.hpp"

namespace klab {
namespace {

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "klab-sql-gate-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
};

std::string refused(inspect::InspectDatabase& database, const std::string& sql) {
  Result<inspect::QueryResult> result = database.query(sql);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::INVALID_REQUEST);
  return result.error().message;
}

}  // namespace

TEST_CASE("the inspector's queries refuse SQL functions outside the allow-list, naming them") {
  Result<std::unique_ptr<inspect::InspectDatabase>> database = inspect::InspectDatabase::create(":memory:");
  REQUIRE(database.ok());
  // fts3_tokenizer('simple') hands out the address of a libsqlite3 structure, and takes one back.
  CHECK(refused(**database, "SELECT fts3_tokenizer('simple')").find("the SQL function fts3_tokenizer() is not allowed") !=
        std::string::npos);
  CHECK(refused(**database, "SELECT hex(FTS3_TOKENIZER('simple'))").find("fts3_tokenizer") != std::string::npos);
  for (const char* sql : {"SELECT load_extension('x')", "SELECT sqlite_compileoption_get(0)", "SELECT sqlite_version()",
                          "SELECT changes()"}) {
    CAPTURE(std::string(sql));
    CHECK(refused(**database, sql).find("is not allowed") != std::string::npos);
  }
  // sqlite_offset exists only in SQLite builds with SQLITE_ENABLE_OFFSET_SQL_FUNC (not Debian's): the query
  // is refused either way, by the gate or as an unknown function.
  const std::string offset = refused(**database, "SELECT 1 FROM samples WHERE sqlite_offset(time_ms) > 0");
  CHECK((offset.find("is not allowed") != std::string::npos || offset.find("no such function") != std::string::npos));
  // What a query needs stays: core, aggregate, window, date, math and JSON functions.
  for (const char* sql : {"SELECT abs(-1), printf('%d', 2), substr('abc', 2), upper('a'), coalesce(NULL, 1), hex('a')",
                          "SELECT count(*), sum(1), avg(1), max(1), min(1), total(1), group_concat('a') FROM samples",
                          "SELECT lag(time_ms) OVER (ORDER BY time_ms), row_number() OVER () FROM samples",
                          "SELECT datetime(0, 'unixepoch'), strftime('%s', 'now') IS NOT NULL, sqrt(4), floor(1.5)",
                          "SELECT json_extract('{\"a\":1}', '$.a'), '{\"a\":2}' ->> '$.a', json_array(1, 2)"}) {
    CAPTURE(sql);
    CHECK((*database)->query(sql).ok());
  }
}

TEST_CASE("a query cannot make a value larger than the gate's limit") {
  Result<std::unique_ptr<inspect::InspectDatabase>> database = inspect::InspectDatabase::create(":memory:");
  REQUIRE(database.ok());
  CHECK(refused(**database, "SELECT length(zeroblob(900000000))").find("too big") != std::string::npos);
  CHECK((*database)->query("SELECT length(zeroblob(1000))").ok());
}

TEST_CASE("w:sql goes through the same gate: read-only, allow-listed functions, no ATTACH") {
  ScratchDir dir;
  {
    Result<inspect::SqliteConnection> writer = inspect::SqliteConnection::open(
        (dir.path / "shop.db").string(), inspect::SqliteConnection::Mode::ReadWriteCreate);
    REQUIRE(writer.ok());
    REQUIRE(writer->exec("CREATE TABLE t (x); INSERT INTO t VALUES (1);").ok());
  }
  Result<std::shared_ptr<connect::WorkDirectory>> work = connect::WorkDirectory::open(dir.path, 1 << 20);
  REQUIRE(work.ok());
  auto message = [&](const std::string& sql) {
    Result<connect::QueryResult> result = connect::query_sqlite(**work, "shop.db", sql);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
  };
  // Whether a path outside the directory exists must not show: both are refused the same way.
  const std::string existing = message("ATTACH DATABASE '/etc/passwd' AS a");
  const std::string missing = message("ATTACH DATABASE '/no/such/klab/file' AS a");
  CHECK(existing.find("ATTACH is not allowed") != std::string::npos);
  CHECK(missing.find("ATTACH is not allowed") != std::string::npos);
  CHECK(message("SELECT fts3_tokenizer('simple')").find("fts3_tokenizer() is not allowed") != std::string::npos);
  CHECK(message("DELETE FROM t").find("read-only") != std::string::npos);
  CHECK(message("SELECT 1; SELECT 2").starts_with("one statement at a time"));
  Result<connect::QueryResult> rows = connect::query_sqlite(**work, "shop.db", "SELECT count(*), max(x) FROM t");
  REQUIRE(rows.ok());
  CHECK(rows->rows.at(0).at(0).text == "1");
}

}  // namespace klab
