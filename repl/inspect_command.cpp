#include "inspect_command.hpp"

#include <unistd.h>

#include <editline/readline.h>

#include <cstdlib>
#include <iostream>

#include "inspect/inspect_database.hpp"
#include "inspect/inspect_schema.hpp"
#include "inspect_format.hpp"

namespace klab {
namespace {

std::string render(const inspect::QueryResult& result, ResultFormat format) {
  switch (format) {
    case ResultFormat::Csv: return format_result_csv(result);
    case ResultFormat::Json: return format_result_json(result);
    case ResultFormat::Table: break;
  }
  return format_result_table(result);
}

bool run_statement(inspect::InspectDatabase& database, const std::string& sql, ResultFormat format) {
  Result<inspect::QueryResult> result = database.query(sql);
  if (!result) {
    std::cerr << "Error: " << result.error().message << '\n';
    return false;
  }
  std::cout << render(*result, format) << std::flush;
  return true;
}

constexpr const char* kPromptHelp =
    "End a statement with ';'. Commands: .tables (tables and views), .schema (the schema with comments), "
    ".help, .quit (or Ctrl-D). The database is read-only.\n";

// One line of input, or nullopt at end of input.
std::optional<std::string> read_line(bool interactive, const char* prompt) {
  if (!interactive) {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    return line;
  }
  char* raw = readline(prompt);
  if (!raw) return std::nullopt;
  std::string line(raw);
  std::free(raw);
  return line;
}

bool ends_statement(const std::string& text) {
  const std::size_t last = text.find_last_not_of(" \t\r");
  return last != std::string::npos && text[last] == ';';
}

int interactive_loop(inspect::InspectDatabase& database, ResultFormat format) {
  const bool interactive = isatty(STDIN_FILENO) != 0;
  if (interactive) std::cout << "klab inspect " << database.path() << "\n" << kPromptHelp;
  bool failed = false;
  std::string pending;
  while (std::optional<std::string> line = read_line(interactive, pending.empty() ? "sql> " : "...> ")) {
    if (pending.empty()) {
      const std::size_t start = line->find_first_not_of(" \t");
      if (start == std::string::npos) continue;
      const std::string command = line->substr(start);
      if (command[0] == '.') {
        if (interactive) add_history(line->c_str());
        if (command.starts_with(".quit") || command.starts_with(".exit")) break;
        if (command.starts_with(".schema")) std::cout << inspect::schema_sql();
        else if (command.starts_with(".tables"))
          failed |= !run_statement(database, "SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY type, name",
                                   format);
        else if (command.starts_with(".help")) std::cout << kPromptHelp;
        else {
          std::cerr << "Error: unknown command " << command << " (.help lists them)\n";
          failed = true;
        }
        continue;
      }
    }
    pending += (pending.empty() ? "" : "\n") + *line;
    if (!ends_statement(pending)) continue;
    if (interactive) add_history(pending.c_str());
    failed |= !run_statement(database, pending, format);
    pending.clear();
  }
  if (!pending.empty()) failed |= !run_statement(database, pending, format);
  if (interactive) std::cout << '\n';
  return failed && !interactive ? 1 : 0;
}

}  // namespace

int inspect_command(const std::string& path, const std::string& sql, ResultFormat format) {
  Result<std::unique_ptr<inspect::InspectDatabase>> database = inspect::InspectDatabase::open_existing(path);
  if (!database) {
    std::cerr << "klab inspect: " << database.error().message << '\n';
    return 2;
  }
  if (sql.empty()) return interactive_loop(**database, format);
  return run_statement(**database, sql, format) ? 0 : 1;
}

}  // namespace klab
