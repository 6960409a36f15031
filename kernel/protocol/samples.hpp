// Sample messages for any served api and version, filled by Sampler (deterministic per seed). Tests, the
// fuzz seed corpus and protocol_tool use them; the broker never does.
#pragma once
#include <cstdint>
#include <optional>

#include "protocol/codec.hpp"

namespace klab::protocol {

// nullopt when klab does not serve the api key (the version is not checked: any version the
// message structs know walks the fields of that version).
std::optional<Request> sample_request(int16_t api_key, int16_t version, uint64_t seed);
std::optional<Response> sample_response(int16_t api_key, int16_t version, uint64_t seed);

}  // namespace klab::protocol
