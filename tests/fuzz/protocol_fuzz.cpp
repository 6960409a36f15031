// libFuzzer harness for kernel/protocol (built and run by scripts/fuzz-protocol, not part of ctest).
// Property: decode_request never crashes or reads out of bounds on any input, and a frame it decodes
// re-encodes to one that decodes equal. decode_response is fed the same bytes for the api/version the
// first two bytes pick, so the response decoders are fuzzed too.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/codec.hpp"

using namespace klab::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  auto result = decode_request(frame);
  if (auto* decoded = std::get_if<DecodedRequest>(&result)) {
    auto again = decode_request(encode_request(decoded->header, decoded->body));
    auto* second = std::get_if<DecodedRequest>(&again);
    if (second == nullptr || second->body != decoded->body || second->header != decoded->header) std::abort();
  }
  if (size >= 2) {
    auto apis = supported_apis();
    const ApiInfo& api = apis[data[0] % apis.size()];
    auto version = static_cast<int16_t>(api.min_version + data[1] % (api.max_version - api.min_version + 1));
    auto response = decode_response(api.api_key, version, frame.substr(2));
    if (response.ok()) {
      auto reencoded = encode_response(RequestHeader{api.api_key, version, 0, std::nullopt}, *response);
      auto back = decode_response(api.api_key, version, reencoded);
      if (!back.ok() || !(*back == *response)) std::abort();
    }
  }
  return 0;
}
