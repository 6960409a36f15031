#include "cluster/topic_name.hpp"

#include <fmt/format.h>

namespace klab {

Status validate_topic_name(std::string_view name) {
  auto invalid = [](std::string message) {
    return make_error(ErrorCode::INVALID_TOPIC_EXCEPTION, "Topic name is invalid: " + std::move(message));
  };
  if (name.empty()) return invalid("the empty string is not allowed");
  if (name == ".") return invalid("'.' is not allowed");
  if (name == "..") return invalid("'..' is not allowed");
  if (name.size() > kMaxTopicNameLength)
    return invalid(fmt::format("the length of '{}' is longer than the max allowed length {}", name, kMaxTopicNameLength));
  for (char c : name) {
    bool legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!legal)
      return invalid(fmt::format("'{}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'", name));
  }
  return ok_status();
}

bool topic_names_collide(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '.' ? '_' : a[i];
    char y = b[i] == '.' ? '_' : b[i];
    if (x != y) return false;
  }
  return true;
}

bool has_collision_chars(std::string_view name) { return name.find_first_of("._") != std::string_view::npos; }

std::string_view collision_warning() {
  return "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could "
         "collide. To avoid issues it is best to use either, but not both.";
}

}  // namespace klab
