// The one gate for SQL that someone other than klab writes (klab inspect, inspect.sql, a graded
// script, the Connect worker's w:sql) against a database klab opened. A statement is prepared under
// an authorizer that admits reads only:
//  1. SELECT and WITH (recursive too), reading any table or view, and the PRAGMAs that describe the
//     schema (table_info, table_xinfo, index_list, index_info, user_version, application_id).
//  2. Only allow-listed SQL functions: SQLite's core scalar, aggregate, window, date and time, math and
//     JSON functions. Everything else is refused by name: fts3_tokenizer() (which hands out and
//     takes a pointer), load_extension(), sqlite_*() introspection, and any function added later.
//  3. No ATTACH or DETACH (so a query cannot even tell whether a file exists outside its directory),
//     no write, no transaction, no other PRAGMA.
// The connection is limited while a query runs: no attached databases, values of at most
// kMaxValueBytes (so zeroblob() or replace() cannot make a gigabyte).
#pragma once
#include <string_view>

#include "base/result.hpp"
#include "inspect/sqlite_connection.hpp"

namespace klab::inspect {

inline constexpr int kMaxValueBytes = 16 << 20;

// Prepares the one statement of `sql` under the authorizer above. INVALID_REQUEST: SQLite's message
// for malformed SQL; "<database> is read-only: X is not allowed ..." for a refused statement; "the
// SQL function F is not allowed ..." for a refused function; "no SQL statement given"; "one statement
// at a time ..." when another statement follows. `database` names the database in messages.
Result<Statement> prepare_read_only(SqliteConnection& connection, std::string_view sql, std::string_view database);

// Applies (or, with `on` false, lifts) the limits of a running query on `connection`.
void limit_for_queries(SqliteConnection& connection, bool on);

// True for the SQL functions rule 2 admits (case-insensitive).
bool allowed_sql_function(std::string_view name);

}  // namespace klab::inspect
