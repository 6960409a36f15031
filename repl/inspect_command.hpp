// klab inspect FILE.sqlite ["SELECT ..."] [--csv | --json]: a recording read from the command line.
// With a statement: runs it and prints the rows (an aligned table, CSV or JSON). Without: an
// interactive SQL prompt (libedit when standard input is a terminal) where a statement ends with
// ';', and .tables, .schema, .help, .quit are commands. Exit status: 0, 1 on a failed query, 2 when
// the file cannot be opened or is not a klab database.
#pragma once
#include <string>

namespace klab {

enum class ResultFormat { Table, Csv, Json };

int inspect_command(const std::string& path, const std::string& sql, ResultFormat format);

}  // namespace klab
