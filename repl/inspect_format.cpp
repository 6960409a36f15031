#include "inspect_format.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace klab {
namespace {

bool is_number(const inspect::SqlValue& value) {
  return std::holds_alternative<int64_t>(value) || std::holds_alternative<double>(value);
}

// Display width in code points, so UTF-8 text lines up.
std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

}  // namespace

std::string sql_value_text(const inspect::SqlValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return "NULL";
  if (const auto* integer = std::get_if<int64_t>(&value)) return std::to_string(*integer);
  if (const auto* real = std::get_if<double>(&value)) return fmt::format("{}", *real);
  return std::get<std::string>(value);
}

std::string format_result_table(const inspect::QueryResult& result) {
  const std::size_t columns = result.columns.size();
  std::vector<std::size_t> widths(columns, 0);
  std::vector<bool> numeric(columns, true);
  std::vector<std::vector<std::string>> cells;
  for (std::size_t c = 0; c < columns; ++c) widths[c] = display_width(result.columns[c]);
  for (const auto& row : result.rows) {
    auto& line = cells.emplace_back();
    for (std::size_t c = 0; c < columns; ++c) {
      line.push_back(one_line(sql_value_text(row[c])));
      widths[c] = std::max(widths[c], display_width(line.back()));
      if (!is_number(row[c]) && !std::holds_alternative<std::monostate>(row[c])) numeric[c] = false;
    }
  }
  auto pad = [&](const std::string& text, std::size_t c) {
    const std::string fill(widths[c] - display_width(text), ' ');
    return numeric[c] ? fill + text : text + fill;
  };
  std::string out;
  auto emit = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t c = 0; c < columns; ++c) text += (c ? "  " : "") + pad(line[c], c);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  emit(result.columns);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < columns; ++c) rule.emplace_back(widths[c], '-');
  emit(rule);
  for (const auto& line : cells) emit(line);
  out += fmt::format("({} row{})\n", result.rows.size(), result.rows.size() == 1 ? "" : "s");
  return out;
}

std::string format_result_csv(const inspect::QueryResult& result) {
  auto field = [](const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
  };
  std::string out;
  auto emit = [&](const std::vector<std::string>& values) {
    for (std::size_t c = 0; c < values.size(); ++c) {
      if (c) out += ',';
      out += field(values[c]);
    }
    out += "\r\n";
  };
  emit(result.columns);
  for (const auto& row : result.rows) {
    std::vector<std::string> values;
    // CSV has no NULL: an empty field, as sqlite3 -csv prints it.
    for (const auto& value : row) values.push_back(std::holds_alternative<std::monostate>(value) ? "" : sql_value_text(value));
    emit(values);
  }
  return out;
}

std::string format_result_json(const inspect::QueryResult& result) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& row : result.rows) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < result.columns.size(); ++c) {
      const auto& value = row[c];
      if (const auto* integer = std::get_if<int64_t>(&value)) object[result.columns[c]] = *integer;
      else if (const auto* real = std::get_if<double>(&value)) object[result.columns[c]] = *real;
      else if (const auto* text = std::get_if<std::string>(&value)) object[result.columns[c]] = *text;
      else object[result.columns[c]] = nullptr;
    }
    rows.push_back(std::move(object));
  }
  // Invalid UTF-8 in a text value becomes U+FFFD rather than an exception.
  return rows.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace klab
