// protocol_tool: a line protocol over stdin/stdout that lets scripts (the python3-kafka cross-check) drive
// klab's codec. Commands, one per line:
//   table                      -> one line "api_key min max" per served API, then "end"
//   request HEX                -> "ok HEX" (the frame decoded and re-encoded) or "error MESSAGE"
//   response KEY VERSION SEED  -> "ok HEX": a sampled response frame (response header + body)
// Not part of the broker; no sockets.
#include <iostream>
#include <sstream>
#include <string>

#include "protocol/codec.hpp"
#include "protocol/samples.hpp"

using namespace klab::protocol;

namespace {
std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string to_hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string answer(const std::string& line) {
  std::istringstream in(line);
  std::string command;
  in >> command;
  if (command == "table") {
    std::string out;
    for (const auto& api : supported_apis()) {
      out += std::to_string(api.api_key) + " " + std::to_string(api.min_version) + " " + std::to_string(api.max_version) + "\n";
    }
    return out + "end";
  }
  if (command == "request") {
    std::string hex;
    in >> hex;
    auto result = decode_request(from_hex(hex));
    if (auto* error = std::get_if<DecodeError>(&result)) return "error " + error->message;
    auto& decoded = std::get<DecodedRequest>(result);
    return "ok " + to_hex(encode_request(decoded.header, decoded.body));
  }
  if (command == "response") {
    int key = 0, version = 0;
    uint64_t seed = 0;
    in >> key >> version >> seed;
    auto response = sample_response(static_cast<int16_t>(key), static_cast<int16_t>(version), seed);
    if (!response) return "error api key not served";
    RequestHeader header{static_cast<int16_t>(key), static_cast<int16_t>(version), 1, "tool"};
    return "ok " + to_hex(encode_response(header, *response));
  }
  return "error unknown command: " + command;
}
}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::cout << answer(line) << std::endl;
  }
  return 0;
}
