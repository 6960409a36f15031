#include "connect/properties.hpp"

#include "connect/utf8.hpp"

#include <optional>
#include <unordered_map>

namespace klab::connect {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f'; }

// One logical line: the natural lines it spans joined, with the continuation backslashes and the
// continuation lines' leading blanks removed (rule 2). Escapes stay for decode().
struct LogicalLine {
  std::string text;
  int first_line = 0;
};

class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  std::optional<LogicalLine> next() {
    while (pos_ < text_.size()) {
      skip_blanks();
      const int start_line = line_;
      if (at_line_end()) {
        take_line_end();
        continue;
      }
      if (text_[pos_] == '#' || text_[pos_] == '!') {
        while (pos_ < text_.size() && !at_line_end()) ++pos_;
        take_line_end();
        continue;
      }
      LogicalLine line{std::string(), start_line};
      for (;;) {
        const std::size_t begin = pos_;
        while (pos_ < text_.size() && !at_line_end()) ++pos_;
        std::string_view natural = text_.substr(begin, pos_ - begin);
        std::size_t backslashes = 0;
        while (backslashes < natural.size() && natural[natural.size() - 1 - backslashes] == '\\') ++backslashes;
        const bool continues = backslashes % 2 == 1;
        if (continues) natural.remove_suffix(1);
        line.text.append(natural);
        take_line_end();
        if (!continues || pos_ >= text_.size()) break;
        skip_blanks();
      }
      return line;
    }
    return std::nullopt;
  }

 private:
  bool at_line_end() const { return pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r'; }
  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }
  void take_line_end() {
    if (pos_ >= text_.size()) return;
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}


// Rule 4 over one key or value, with Java's reading of the bytes (rule 6): each byte is the ISO-8859-1
// character of that number, written here as UTF-8. A surrogate that is not half of a pair is written
// as '?', as Java's UTF-8 encoder writes it wherever the string becomes bytes (a file name, a topic).
Result<std::string> decode(std::string_view raw, int line) {
  std::string out;
  out.reserve(raw.size());
  // A pending high surrogate, 0 for none (surrogates are 0xD800..0xDBFF). Not std::optional: GCC 12
  // at -O2 reports a false -Wmaybe-uninitialized for an optional read after its check.
  uint32_t high_surrogate = 0;
  auto flush_surrogate = [&] {
    if (high_surrogate != 0) out += '?';
    high_surrogate = 0;
  };
  auto latin1 = [&out](char c) { append_utf8(out, static_cast<unsigned char>(c)); };
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 >= raw.size()) {
      flush_surrogate();
      latin1(raw[i]);
      continue;
    }
    const char escaped = raw[++i];
    if (escaped != 'u') {
      flush_surrogate();
      switch (escaped) {
        case 't': out += '\t'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 'f': out += '\f'; break;
        default: latin1(escaped);
      }
      continue;
    }
    uint32_t unit = 0;
    for (int d = 0; d < 4; ++d) {
      const int digit = i + 1 < raw.size() ? hex_digit(raw[i + 1]) : -1;
      if (digit < 0)
        return make_error(ErrorCode::INVALID_CONFIG,
                          "line " + std::to_string(line) + ": Malformed \\uxxxx encoding. (\\u needs four hex digits)");
      unit = unit * 16 + static_cast<uint32_t>(digit);
      ++i;
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      flush_surrogate();
      high_surrogate = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF && high_surrogate != 0) {
      append_utf8(out, 0x10000 + ((high_surrogate - 0xD800) << 10) + (unit - 0xDC00));
      high_surrogate = 0;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      flush_surrogate();
      out += '?';  // a low surrogate alone
    } else {
      flush_surrogate();
      append_utf8(out, unit);
    }
  }
  flush_surrogate();
  return out;
}

}  // namespace

Result<std::vector<PropertyEntry>> parse_properties(std::string_view text) {
  std::vector<PropertyEntry> entries;
  std::unordered_map<std::string, std::size_t> positions;  // key -> its index in entries
  LineReader reader(text);
  while (std::optional<LogicalLine> line = reader.next()) {
    const std::string& s = line->text;
    std::size_t key_end = 0;
    bool escaped = false;
    for (; key_end < s.size(); ++key_end) {
      const char c = s[key_end];
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '=' || c == ':' || is_blank(c)) {
        break;
      }
    }
    std::size_t value_start = key_end;
    while (value_start < s.size() && is_blank(s[value_start])) ++value_start;
    if (value_start < s.size() && (s[value_start] == '=' || s[value_start] == ':')) ++value_start;
    while (value_start < s.size() && is_blank(s[value_start])) ++value_start;
    Result<std::string> key = decode(std::string_view(s).substr(0, key_end), line->first_line);
    if (!key) return key.error();
    Result<std::string> value = decode(std::string_view(s).substr(value_start), line->first_line);
    if (!value) return value.error();
    // Rule 5 in one lookup per line: a 300,000-line file is read in linear time.
    auto [found, added] = positions.try_emplace(*key, entries.size());
    if (added) entries.push_back(PropertyEntry{std::move(*key), std::move(*value), line->first_line});
    else entries[found->second].value = std::move(*value);
  }
  return entries;
}

}  // namespace klab::connect
