// Seeded random bytes and mutations of valid frames (100k inputs, fixed seed, run under ASan+UBSan in the
// test build): decode_request never crashes, and whatever it decodes re-encodes to a frame that decodes
// equal. The same property as tests/fuzz/protocol_fuzz.cpp, but deterministic and in every test run.
#include <doctest/doctest.h>

#include "protocol/codec.hpp"
#include "protocol/samples.hpp"
#include "protocol_support.hpp"

using namespace klab::protocol;
using klab::protocol::testing::all_api_versions;

namespace {
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

std::vector<std::string> valid_frames() {
  std::vector<std::string> frames;
  for (auto [api_key, version] : all_api_versions()) {
    frames.push_back(encode_request(RequestHeader{api_key, version, 1, "fuzz"}, *sample_request(api_key, version, 3)));
  }
  return frames;
}

std::string mutate(std::string frame, SplitMix& rng) {
  auto edits = 1 + rng.next() % 4;
  for (uint64_t i = 0; i < edits && !frame.empty(); ++i) {
    size_t at = rng.next() % frame.size();
    switch (rng.next() % 4) {
      case 0: frame[at] = static_cast<char>(rng.next()); break;                   // replace a byte
      case 1: frame[at] = static_cast<char>(frame[at] ^ (1 << (rng.next() % 8))); break;  // flip a bit
      case 2: frame.erase(at, 1 + rng.next() % 4); break;                           // drop bytes
      default: frame.insert(at, 1 + rng.next() % 4, static_cast<char>(0xff)); break;  // a -1 or a huge length
    }
  }
  return frame;
}

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
    std::string input;
    if (i % 4 == 0) {
      auto length = rng.next() % 64;
      for (uint64_t b = 0; b < length; ++b) input.push_back(static_cast<char>(rng.next()));
      if (input.size() >= 4 && rng.next() % 2 == 0) {  // aim at a served key and version
        auto [key, version] = all_api_versions()[rng.next() % all_api_versions().size()];
        input[0] = static_cast<char>(key >> 8), input[1] = static_cast<char>(key), input[3] = static_cast<char>(version);
        input[2] = 0;
      }
    } else {
      input = mutate(frames[rng.next() % frames.size()], rng);
    }
    bool fine = check_one(input);
    if (!fine) FAIL("input " << i << " did not re-encode (seed 20261207)");
    decoded_count += std::holds_alternative<DecodedRequest>(decode_request(input)) ? 1 : 0;
  }
  CHECK(decoded_count > 1000);  // the mutations reach the body decoders, not only the header checks
}
