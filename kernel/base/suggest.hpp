// Did-you-mean: the candidate with the smallest edit distance, if it is close enough to be a typo.
#pragma once
#include <optional>
#include <span>
#include <string_view>

namespace klab {

std::size_t edit_distance(std::string_view a, std::string_view b);
std::optional<std::string_view> closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace klab
