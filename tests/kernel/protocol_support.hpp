// Helpers for the protocol tests: hex <-> bytes, and every (api, version) klab serves.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/api_table.hpp"

namespace klab::protocol::testing {

inline std::string from_hex(std::string_view hex) {
  std::string out;
  int nibbles = 0;
  unsigned value = 0;
  for (char c : hex) {
    int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (digit < 0) continue;  // spaces group the bytes
    value = value * 16 + static_cast<unsigned>(digit);
    if (++nibbles == 2) {
      out.push_back(static_cast<char>(value));
      nibbles = 0;
      value = 0;
    }
  }
  return out;
}

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Every (api_key, version) pair of the table.
inline std::vector<std::pair<int16_t, int16_t>> all_api_versions() {
  std::vector<std::pair<int16_t, int16_t>> out;
  for (const auto& api : supported_apis()) {
    for (int16_t v = api.min_version; v <= api.max_version; ++v) out.emplace_back(api.api_key, v);
  }
  return out;
}

}  // namespace klab::protocol::testing
