// Sample messages: see samples.hpp.
#include "protocol/samples.hpp"

#include "protocol/sampler.hpp"

namespace klab::protocol {

std::optional<Request> sample_request(int16_t api_key, int16_t version, uint64_t seed) {
  auto request = empty_request(api_key);
  if (!request) return std::nullopt;
  Sampler sampler(seed);
  std::visit([&](auto& message) { sample(sampler, version, message); }, *request);
  return request;
}

std::optional<Response> sample_response(int16_t api_key, int16_t version, uint64_t seed) {
  auto response = empty_response(api_key);
  if (!response) return std::nullopt;
  Sampler sampler(seed);
  std::visit([&](auto& message) { sample(sampler, version, message); }, *response);
  return response;
}

}  // namespace klab::protocol
