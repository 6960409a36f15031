// Kafka's Uuid (topic ids): 128 random bits, printed as 22 characters of URL-safe base64 without
// padding. Like Kafka, ids that would print with a leading '-' are drawn again.
#pragma once
#include <cstdint>
#include <string>

#include "base/rng.hpp"

namespace klab {

struct Uuid {
  uint64_t most_significant = 0;
  uint64_t least_significant = 0;

  static Uuid random(Rng& rng);
  std::string to_string() const;
  // java.util.UUID#toString: 8-4-4-4-12 lowercase hex digits, the form Kafka Streams prints for its
  // process id (the default client.id is "<application.id>-<process id>").
  std::string to_java_string() const;
  bool operator==(const Uuid&) const = default;
};

}  // namespace klab
