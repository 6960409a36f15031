// Seeded inputs for the fuzz tests in the suite (decoder and front end): a SplitMix64 stream, one valid
// frame per served api/version, Kafka-shaped mutations of a frame, and random byte strings aimed at a
// served key and version. Deterministic: a failure names its seed and input index.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "protocol/codec.hpp"
#include "protocol/samples.hpp"
#include "protocol_support.hpp"

namespace klab::protocol::testing {

struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

inline std::vector<std::string> valid_frames() {
  std::vector<std::string> frames;
  for (auto [api_key, version] : all_api_versions())
    frames.push_back(encode_request(RequestHeader{api_key, version, 1, "fuzz"}, *sample_request(api_key, version, 3)));
  return frames;
}

inline std::string mutate(std::string frame, SplitMix& rng) {
  auto edits = 1 + rng.next() % 4;
  for (uint64_t i = 0; i < edits && !frame.empty(); ++i) {
    size_t at = rng.next() % frame.size();
    switch (rng.next() % 4) {
      case 0: frame[at] = static_cast<char>(rng.next()); break;                          // replace a byte
      case 1: frame[at] = static_cast<char>(frame[at] ^ (1 << (rng.next() % 8))); break;  // flip a bit
      case 2: frame.erase(at, 1 + rng.next() % 4); break;                                  // drop bytes
      default: frame.insert(at, 1 + rng.next() % 4, static_cast<char>(0xff)); break;       // a -1 or a huge length
    }
  }
  return frame;
}

// Up to 63 random bytes; half the time the header names a served api key and version.
inline std::string random_frame(SplitMix& rng) {
  std::string input;
  auto length = rng.next() % 64;
  for (uint64_t b = 0; b < length; ++b) input.push_back(static_cast<char>(rng.next()));
  if (input.size() >= 4 && rng.next() % 2 == 0) {
    auto [key, version] = all_api_versions()[rng.next() % all_api_versions().size()];
    input[0] = static_cast<char>(key >> 8), input[1] = static_cast<char>(key), input[3] = static_cast<char>(version);
    input[2] = 0;
  }
  return input;
}

}  // namespace klab::protocol::testing
