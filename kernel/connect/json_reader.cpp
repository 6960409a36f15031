#include "connect/json_reader.hpp"

#include "connect/utf8.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace klab::connect {
namespace {

constexpr const char* kExpectingValue = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
constexpr int kMaxDepth = 1000;  // Jackson 2.15's default StreamReadConstraints nesting limit

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  Json parse_root() {
    skip_space();
    if (pos_ >= text_.size()) throw ParseError("No content to map due to end-of-input");
    return parse_value(0);
  }

 private:
  Json parse_value(int depth) {
    if (depth > kMaxDepth) throw ParseError(fmt::format("Document nesting depth exceeds the maximum allowed ({})", kMaxDepth));
    skip_space();
    if (pos_ >= text_.size()) throw ParseError(std::string("Unexpected end-of-input: expected a value ") + kExpectingValue);
    const char c = text_[pos_];
    if (c == '{') return parse_object(depth);
    if (c == '[') return parse_array(depth);
    if (c == '"') return Json(parse_string());
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) return parse_number();
    if (std::isalpha(static_cast<unsigned char>(c))) return parse_word();
    throw ParseError(fmt::format("Unexpected character ({}): expected a valid value {}", describe(c), kExpectingValue));
  }

  static std::string describe(char c) {
    const auto code = static_cast<unsigned char>(c);
    if (code < 32) return fmt::format("CTRL-CHAR, code {}", code);
    return fmt::format("'{}' (code {})", c, code);
  }

  Json parse_word() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    if (word == "true") return Json(true);
    if (word == "false") return Json(false);
    if (word == "null") return Json(nullptr);
    throw ParseError(fmt::format("Unrecognized token '{}': was expecting {}", word, kExpectingValue));
  }

  Json parse_number() {
    const std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_])))
      throw ParseError("Unexpected character after '-': expected digit for a number");
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))
      throw ParseError("Invalid numeric value: Leading zeroes not allowed");
    bool integral = true;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      integral = false;
      ++pos_;
      if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_])))
        throw ParseError("Unexpected character: Decimal point not followed by a digit");
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_])))
        throw ParseError("Unexpected character: Exponent indicator not followed by a digit");
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    const std::string_view digits = text_.substr(start, pos_ - start);
    if (integral) {
      int64_t n = 0;
      auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
      if (error == std::errc() && end == digits.data() + digits.size()) return Json(n);
    }
    return Json(std::stod(std::string(digits)));  // beyond int64: a double (Jackson: BigInteger)
  }

  uint32_t hex4() {
    uint32_t unit = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= text_.size()) throw ParseError("Unexpected end-of-input in character escape sequence");
      const char c = text_[pos_++];
      int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                              : -1;
      if (digit < 0)
        throw ParseError(fmt::format("Unexpected character ({}): expected a hex-digit for character escape sequence", describe(c)));
      unit = unit * 16 + static_cast<uint32_t>(digit);
    }
    return unit;
  }


  std::string parse_string() {
    ++pos_;  // opening quote
    std::string out;
    for (;;) {
      if (pos_ >= text_.size()) throw ParseError("Unexpected end-of-input: was expecting closing quote for a string value");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 32)
        throw ParseError(fmt::format("Illegal unquoted character ({}): has to be escaped using backslash to be included in string value", describe(c)));
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= text_.size()) throw ParseError("Unexpected end-of-input in character escape sequence");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t unit = hex4();
          if (unit >= 0xD800 && unit <= 0xDBFF && pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
            pos_ += 2;
            const uint32_t low = hex4();
            if (low >= 0xDC00 && low <= 0xDFFF) {
              append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
              break;
            }
            append_utf8(out, unit);
            unit = low;
          }
          append_utf8(out, unit);
          break;
        }
        default: throw ParseError(fmt::format("Unrecognized character escape {}", describe(e)));
      }
    }
  }

  Json parse_array(int depth) {
    ++pos_;
    Json array = Json::array();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return array;
    }
    for (;;) {
      array.push_back(parse_value(depth + 1));
      skip_space();
      if (pos_ >= text_.size()) throw ParseError("Unexpected end-of-input: expected close marker for Array");
      const char c = text_[pos_++];
      if (c == ']') return array;
      if (c != ',')
        throw ParseError(fmt::format("Unexpected character ({}): was expecting comma to separate Array entries", describe(c)));
    }
  }

  Json parse_object(int depth) {
    ++pos_;
    Json object = Json::object();
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return object;
    }
    for (;;) {
      skip_space();
      if (pos_ >= text_.size()) throw ParseError("Unexpected end-of-input: expected close marker for Object");
      if (text_[pos_] != '"')
        throw ParseError(fmt::format("Unexpected character ({}): was expecting double-quote to start field name", describe(text_[pos_])));
      std::string name = parse_string();
      skip_space();
      if (pos_ >= text_.size()) throw ParseError("Unexpected end-of-input: expected close marker for Object");
      if (text_[pos_] != ':')
        throw ParseError(fmt::format("Unexpected character ({}): was expecting a colon to separate field name and value", describe(text_[pos_])));
      ++pos_;
      object[name] = parse_value(depth + 1);
      skip_space();
      if (pos_ >= text_.size()) throw ParseError("Unexpected end-of-input: expected close marker for Object");
      const char c = text_[pos_++];
      if (c == '}') return object;
      if (c != ',')
        throw ParseError(fmt::format("Unexpected character ({}): was expecting comma to separate Object entries", describe(c)));
    }
  }

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) ++pos_;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

JsonReadResult read_json(std::string_view text) {
  JsonReadResult result;
  try {
    result.value = Reader(text).parse_root();
    result.ok = true;
  } catch (const ParseError& error) {
    result.error = error.what();
  }
  return result;
}

}  // namespace klab::connect
