// The table of supported APIs: see api_table.hpp.
#include "protocol/api_table.hpp"

#include <array>

#include "protocol/api_list.hpp"

namespace klab::protocol {
namespace {

#define KLAB_PROTOCOL_API_INFO(name, key, min, max, flexible) ApiInfo{key, #name, min, max, flexible},
constexpr ApiInfo kApis[] = {KLAB_PROTOCOL_APIS(KLAB_PROTOCOL_API_INFO)};
#undef KLAB_PROTOCOL_API_INFO

constexpr bool ordered_by_key() {
  for (size_t i = 1; i < std::size(kApis); ++i) {
    if (kApis[i - 1].api_key >= kApis[i].api_key) return false;
  }
  return true;
}
static_assert(ordered_by_key(), "api_list.hpp must list each api key once, in key order");

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

std::span<const ApiInfo> supported_apis() { return kApis; }

const ApiInfo* find_api(int16_t api_key) {
  for (const auto& api : kApis) {
    if (api.api_key == api_key) return &api;
  }
  return nullptr;
}

int16_t request_header_version(const ApiInfo& api, int16_t version) { return api.flexible(version) ? 2 : 1; }

int16_t response_header_version(const ApiInfo& api, int16_t version) {
  if (api.api_key == kApiVersionsKey) return 0;
  return api.flexible(version) ? 1 : 0;
}

ApiVersionsResponse api_versions_response(ErrorCode error, int32_t throttle_time_ms) {
  ApiVersionsResponse response;
  response.error_code = static_cast<int16_t>(error);
  response.throttle_time_ms = throttle_time_ms;
  for (const auto& api : kApis) response.api_keys.push_back({api.api_key, api.min_version, api.max_version});
  return response;
}

bool valid_client_software_field(std::string_view value) {
  if (value.empty() || !alnum(value.front()) || !alnum(value.back())) return false;
  for (char c : value) {
    if (!alnum(c) && c != '-' && c != '.') return false;
  }
  return true;
}

bool valid_client_software(const ApiVersionsRequest& request, int16_t version) {
  if (version < 3) return true;
  return valid_client_software_field(request.client_software_name) &&
         valid_client_software_field(request.client_software_version);
}

}  // namespace klab::protocol
