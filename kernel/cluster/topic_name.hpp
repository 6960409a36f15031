// Kafka's rules for topic names (Topic.java): 1 to 249 characters from [a-zA-Z0-9._-], and not
// "." or "..". Two names collide when they are equal after replacing '.' with '_' (their metric
// names would clash), which Kafka refuses at creation.
#pragma once
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace klab {

constexpr std::size_t kMaxTopicNameLength = 249;

Status validate_topic_name(std::string_view name);
bool topic_names_collide(std::string_view a, std::string_view b);
bool has_collision_chars(std::string_view name);
// The warning kafka-topics.sh prints when a new name contains '.' or '_'.
std::string_view collision_warning();

}  // namespace klab
