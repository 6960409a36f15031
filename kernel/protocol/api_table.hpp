// The table of supported APIs, derived from the one list in api_list.hpp, and what follows from it:
// the header versions of a request and its response, and the ApiVersions response klab advertises.
// Invariants: 1. supported_apis() is ordered by api_key, one entry per key; 2. a version is flexible iff
// version >= first_flexible_version; 3. ApiVersions responses always use response header v0 (KIP-511: a
// client must read the error before it knows which versions the broker speaks).
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "base/error.hpp"
#include "protocol/api_versions.hpp"

namespace klab::protocol {

inline constexpr int16_t kApiVersionsKey = 18;

struct ApiInfo {
  int16_t api_key;
  std::string_view name;  // Kafka's name: "Metadata", "ApiVersions"
  int16_t min_version;
  int16_t max_version;
  int16_t first_flexible_version;

  bool supports(int16_t version) const { return version >= min_version && version <= max_version; }
  bool flexible(int16_t version) const { return version >= first_flexible_version; }
};

std::span<const ApiInfo> supported_apis();
const ApiInfo* find_api(int16_t api_key);  // nullptr when klab does not serve the key

int16_t request_header_version(const ApiInfo& api, int16_t version);   // 1, or 2 when flexible
int16_t response_header_version(const ApiInfo& api, int16_t version);  // 0, or 1 when flexible (never ApiVersions)

// Every supported API with its range, in key order, and the given error code.
ApiVersionsResponse api_versions_response(ErrorCode error = ErrorCode::NONE, int32_t throttle_time_ms = 0);

// KIP-511: ApiVersions v3 client_software_name/version must match [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?
// (else Kafka answers INVALID_REQUEST). Versions below 3 carry no names and are always valid.
bool valid_client_software(const ApiVersionsRequest& request, int16_t version);
bool valid_client_software_field(std::string_view value);

}  // namespace klab::protocol
