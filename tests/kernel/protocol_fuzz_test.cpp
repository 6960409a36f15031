// Seeded random bytes and mutations of valid frames (100k inputs, fixed seed, run under ASan+UBSan in the
// test build): decode_request never crashes, and whatever it decodes re-encodes to a frame that decodes
// equal. The same property as tests/fuzz/protocol_fuzz.cpp, but deterministic and in every test run.
#include <doctest/doctest.h>

#include "protocol/codec.hpp"
#include "fuzz_support.hpp"

using namespace klab::protocol;
using namespace klab::protocol::testing;

namespace {

// Returns false if a decoded frame does not survive encode -> decode unchanged.
bool check_one(std::string_view frame) {
  auto result = decode_request(frame);
  auto* decoded = std::get_if<DecodedRequest>(&result);
  if (decoded == nullptr) return !std::get<DecodeError>(result).message.empty();
  auto again = decode_request(encode_request(decoded->header, decoded->body));
  auto* second = std::get_if<DecodedRequest>(&again);
  return second != nullptr && second->header == decoded->header && second->body == decoded->body;
}
}  // namespace

TEST_CASE("100k random and mutated frames never crash the decoder and decoded frames re-encode (seed 20261207)") {
  SplitMix rng{20261207};
  auto frames = valid_frames();
  size_t decoded_count = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string input = i % 4 == 0 ? random_frame(rng) : mutate(frames[rng.next() % frames.size()], rng);
    bool fine = check_one(input);
    if (!fine) FAIL("input " << i << " did not re-encode (seed 20261207)");
    decoded_count += std::holds_alternative<DecodedRequest>(decode_request(input)) ? 1 : 0;
  }
  CHECK(decoded_count > 1000);  // the mutations reach the body decoders, not only the header checks
}
