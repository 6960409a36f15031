// Every api and version of the table, both directions: a sampled message encodes and decodes back equal,
// and every truncation of a valid frame is a Malformed error, never a crash or a partial success.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include "protocol/codec.hpp"
#include "protocol/samples.hpp"
#include "protocol_support.hpp"

using namespace klab::protocol;
using klab::protocol::testing::all_api_versions;
using klab::protocol::testing::to_hex;

namespace {
constexpr uint64_t kSeeds = 12;

RequestHeader header_for(int16_t api_key, int16_t version, uint64_t seed) {
  return RequestHeader{api_key, version, static_cast<int32_t>(seed * 7919), seed % 3 == 0 ? std::nullopt
                                                                                        : std::optional<std::string>("klab-test")};
}
}  // namespace

TEST_CASE("every served request version round-trips: encode_request then decode_request gives it back") {
  for (auto [api_key, version] : all_api_versions()) {
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      CAPTURE(api_key);
      CAPTURE(version);
      CAPTURE(seed);
      Request request = *sample_request(api_key, version, seed);
      RequestHeader header = header_for(api_key, version, seed);
      std::string frame = encode_request(header, request);
      auto result = decode_request(frame);
      auto* decoded = std::get_if<DecodedRequest>(&result);
      REQUIRE_MESSAGE(decoded != nullptr, std::get<DecodeError>(result).message);
      CHECK(decoded->header == header);
      CHECK(decoded->body == request);
      CHECK(to_hex(encode_request(decoded->header, decoded->body)) == to_hex(frame));
    }
  }
}

TEST_CASE("every served response version round-trips: encode_response then decode_response gives it back") {
  for (auto [api_key, version] : all_api_versions()) {
    for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
      CAPTURE(api_key);
      CAPTURE(version);
      CAPTURE(seed);
      Response response = *sample_response(api_key, version, seed);
      std::string frame = encode_response(header_for(api_key, version, seed), response);
      auto decoded = decode_response(api_key, version, frame);
      REQUIRE_MESSAGE(decoded.ok(), decoded.error().message);
      CHECK(*decoded == response);
    }
  }
}

TEST_CASE("a sampled message differs between seeds, so the round trips exercise real values") {
  CHECK(*sample_request(3, 4, 1) != *sample_request(3, 4, 2));
  CHECK(*sample_response(1, 11, 1) != *sample_response(1, 11, 2));
}

TEST_CASE("every truncation of a valid request frame is Malformed, never a crash") {
  for (auto [api_key, version] : all_api_versions()) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      std::string frame = encode_request(header_for(api_key, version, seed), *sample_request(api_key, version, seed));
      for (size_t length = 0; length < frame.size(); ++length) {
        auto result = decode_request(std::string_view(frame).substr(0, length));
        auto* error = std::get_if<DecodeError>(&result);
        CAPTURE(api_key);
        CAPTURE(version);
        CAPTURE(length);
        REQUIRE(error != nullptr);
        CHECK(error->failure == DecodeFailure::Malformed);
        CHECK_FALSE(error->message.empty());
      }
    }
  }
}

TEST_CASE("every truncation of a valid response frame is an error naming the message") {
  for (auto [api_key, version] : all_api_versions()) {
    std::string frame = encode_response(header_for(api_key, version, 5), *sample_response(api_key, version, 5));
    for (size_t length = 0; length < frame.size(); ++length) {
      auto result = decode_response(api_key, version, std::string_view(frame).substr(0, length));
      CAPTURE(api_key);
      CAPTURE(version);
      CAPTURE(length);
      REQUIRE_FALSE(result.ok());
      CHECK(result.error().code == klab::ErrorCode::CORRUPT_MESSAGE);
    }
  }
}

TEST_CASE("decode_response refuses an api or version klab does not serve") {
  auto result = decode_response(1, 12, "");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == klab::ErrorCode::UNSUPPORTED_VERSION);
}
