#include "schema/compatibility_level.hpp"

#include <array>
#include <cctype>

namespace klab::schema {

namespace {

constexpr std::array<CompatibilityLevel, 7> kLevels = {
    CompatibilityLevel::NONE,     CompatibilityLevel::BACKWARD,           CompatibilityLevel::BACKWARD_TRANSITIVE,
    CompatibilityLevel::FORWARD,  CompatibilityLevel::FORWARD_TRANSITIVE, CompatibilityLevel::FULL,
    CompatibilityLevel::FULL_TRANSITIVE};

}  // namespace

std::string_view compatibility_level_name(CompatibilityLevel level) {
  switch (level) {
    case CompatibilityLevel::NONE: return "NONE";
    case CompatibilityLevel::BACKWARD: return "BACKWARD";
    case CompatibilityLevel::BACKWARD_TRANSITIVE: return "BACKWARD_TRANSITIVE";
    case CompatibilityLevel::FORWARD: return "FORWARD";
    case CompatibilityLevel::FORWARD_TRANSITIVE: return "FORWARD_TRANSITIVE";
    case CompatibilityLevel::FULL: return "FULL";
    case CompatibilityLevel::FULL_TRANSITIVE: return "FULL_TRANSITIVE";
  }
  return "?";
}

std::optional<CompatibilityLevel> parse_compatibility_level(std::string_view name) {
  std::string upper(name);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (CompatibilityLevel level : kLevels)
    if (compatibility_level_name(level) == upper) return level;
  return std::nullopt;
}

}  // namespace klab::schema
