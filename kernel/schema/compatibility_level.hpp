// The registry's compatibility levels and what each one checks: which earlier versions a new
// schema is compared with, and in which direction (the new schema as reader: BACKWARD; as writer:
// FORWARD; both: FULL). Transitive levels compare with every live version, the others with the latest.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace klab::schema {

enum class CompatibilityLevel { NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE };

std::string_view compatibility_level_name(CompatibilityLevel level);
// Case-insensitive, as the registry's CompatibilityLevel.forName.
std::optional<CompatibilityLevel> parse_compatibility_level(std::string_view name);

inline bool checks_backward(CompatibilityLevel l) {
  return l == CompatibilityLevel::BACKWARD || l == CompatibilityLevel::BACKWARD_TRANSITIVE ||
         l == CompatibilityLevel::FULL || l == CompatibilityLevel::FULL_TRANSITIVE;
}
inline bool checks_forward(CompatibilityLevel l) {
  return l == CompatibilityLevel::FORWARD || l == CompatibilityLevel::FORWARD_TRANSITIVE ||
         l == CompatibilityLevel::FULL || l == CompatibilityLevel::FULL_TRANSITIVE;
}
inline bool is_transitive(CompatibilityLevel l) {
  return l == CompatibilityLevel::BACKWARD_TRANSITIVE || l == CompatibilityLevel::FORWARD_TRANSITIVE ||
         l == CompatibilityLevel::FULL_TRANSITIVE;
}

}  // namespace klab::schema
