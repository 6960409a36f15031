// How query results from the inspector print: an aligned text table (the REPL, klab inspect),
// CSV (--csv, RFC 4180 quoting) and JSON (--json: an array of objects, one per row).
#pragma once
#include <string>

#include "inspect/inspect_database.hpp"

namespace klab {

// NULL prints as NULL; numbers as SQLite returns them; text as is.
std::string sql_value_text(const inspect::SqlValue& value);
// Columns padded to their widest cell, numbers right-aligned, a dashed rule under the header and a
// "(N rows)" line at the end.
std::string format_result_table(const inspect::QueryResult& result);
std::string format_result_csv(const inspect::QueryResult& result);
std::string format_result_json(const inspect::QueryResult& result);

}  // namespace klab
