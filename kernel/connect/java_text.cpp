#include "connect/java_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace klab::connect {

int32_t java_string_hash_utf16(std::string_view utf8) {
  uint32_t hash = 0;
  auto add_unit = [&](uint32_t unit) { hash = hash * 31u + unit; };
  for (std::size_t i = 0; i < utf8.size();) {
    const auto byte = static_cast<unsigned char>(utf8[i]);
    uint32_t code_point = byte;
    std::size_t length = 1;
    if (byte >= 0xF0 && i + 3 < utf8.size() + 0) {
      code_point = ((byte & 0x07u) << 18) | ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 12) |
                   ((static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(utf8[i + 3]) & 0x3Fu);
      length = 4;
    } else if (byte >= 0xE0 && i + 2 < utf8.size()) {
      code_point = ((byte & 0x0Fu) << 12) | ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 6) |
                   (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
      length = 3;
    } else if (byte >= 0xC0 && i + 1 < utf8.size()) {
      code_point = ((byte & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
      length = 2;
    }
    if (code_point >= 0x10000) {
      add_unit(0xD800 + ((code_point - 0x10000) >> 10));
      add_unit(0xDC00 + ((code_point - 0x10000) & 0x3FF));
    } else {
      add_unit(code_point);
    }
    i += length;
  }
  return static_cast<int32_t>(hash);
}

std::vector<std::string> java_hash_map_order(const std::vector<std::string>& keys) {
  std::size_t capacity = 16;
  while (static_cast<double>(keys.size()) > 0.75 * static_cast<double>(capacity)) capacity *= 2;
  struct Placed {
    std::size_t bucket;
    std::size_t sequence;
  };
  std::vector<Placed> placed;
  placed.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const auto h = static_cast<uint32_t>(java_string_hash_utf16(keys[i]));
    placed.push_back({(h ^ (h >> 16)) & (capacity - 1), i});
  }
  std::stable_sort(placed.begin(), placed.end(), [](const Placed& a, const Placed& b) { return a.bucket < b.bucket; });
  std::vector<std::string> ordered;
  ordered.reserve(keys.size());
  for (const Placed& p : placed) ordered.push_back(keys[p.sequence]);
  return ordered;
}

namespace {

// Java's rendering from the shortest round-trip digits: plain between 1e-3 and 1e7, else d.dddE±n.
template <class Float>
std::string java_floating(Float value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string sci(buffer, end);  // "1.2345e+02" or "5e-04"
  const std::size_t e = sci.find('e');
  std::string mantissa = sci.substr(0, e);
  const int exponent = std::stoi(sci.substr(e + 1));
  const bool negative = mantissa[0] == '-';
  if (negative) mantissa.erase(0, 1);
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;
  std::string out = negative ? "-" : "";
  const double magnitude = std::fabs(static_cast<double>(value));
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const auto integer_digits = static_cast<std::size_t>(exponent + 1);
      while (digits.size() < integer_digits) digits += '0';
      out += digits.substr(0, integer_digits) + ".";
      const std::string fraction = digits.substr(integer_digits);
      out += fraction.empty() ? "0" : fraction;
    } else {
      out += "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    }
    return out;
  }
  out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" + std::to_string(exponent);
  return out;
}

}  // namespace

std::string java_double_string(double value) { return java_floating(value); }
std::string java_float_string(double value) { return java_floating(static_cast<float>(value)); }

}  // namespace klab::connect
