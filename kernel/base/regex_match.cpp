// The one file that compiles <regex> (see regex_match.hpp).
#include "base/regex_match.hpp"

#include <fmt/format.h>

#include <cctype>
#include <regex>
#include <vector>

namespace klab {

struct RegexMatch::Compiled {
  std::regex regex;
};

namespace {

// About how many automaton states the pattern compiles to: every atom counts one, and a repetition
// {m,n} copies its atom max(m,n) times, so nested counts multiply ((a{100}){100} is 10 000). Escapes and
// character classes are one atom each. Saturates instead of overflowing.
long estimated_states(std::string_view pattern) {
  constexpr long kCap = 1'000'000'000;
  std::vector<long> sums{0};  // the running size of each open group
  long last = 0;              // the size of the atom a quantifier would repeat
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '(') {
      sums.push_back(0);
      last = 0;
    } else if (c == ')' && sums.size() > 1) {
      last = sums.back();
      sums.pop_back();
      sums.back() = std::min(kCap, sums.back() + last);
    } else if (c == '{') {
      long count = 0, number = 0;
      std::size_t j = i + 1;
      for (; j < pattern.size() && pattern[j] != '}'; ++j) {
        if (std::isdigit(static_cast<unsigned char>(pattern[j]))) number = std::min(kCap, number * 10 + (pattern[j] - '0'));
        else number = 0;
        count = std::max(count, number);
      }
      sums.back() = std::min(kCap, sums.back() + std::min(kCap, last * std::max(0L, count - 1)));
      i = j;
    } else {
      if (c == '\\') ++i;
      if (c == '[') {
        for (++i; i < pattern.size() && pattern[i] != ']'; ++i)
          if (pattern[i] == '\\') ++i;
      }
      last = 1;
      sums.back() = std::min(kCap, sums.back() + 1);
    }
  }
  long total = 0;
  for (long sum : sums) total = std::min(kCap, total + sum);
  return total;
}

}  // namespace

RegexMatch::RegexMatch(std::string pattern, std::shared_ptr<const Compiled> compiled)
    : pattern_(std::move(pattern)), compiled_(std::move(compiled)) {}

std::string RegexMatch::refused(std::string_view pattern) {
  if (pattern.size() > kMaxPatternBytes)
    return fmt::format("the regular expression is {} bytes long; klab takes at most {}", pattern.size(),
                       kMaxPatternBytes);
  if (long states = estimated_states(pattern); states > kMaxStates)
    return fmt::format("the regular expression repeats too much (about {} automaton states; klab takes at most {})",
                       states, kMaxStates);
  return {};
}

Result<RegexMatch> RegexMatch::compile(std::string_view pattern) {
  if (std::string why = refused(pattern); !why.empty()) return make_error(ErrorCode::INVALID_CONFIG, std::move(why));
  try {
    // __polynomial (libstdc++): match breadth-first, so no pattern takes exponential time on a topic name.
    auto compiled = std::make_shared<Compiled>(
        Compiled{std::regex(pattern.begin(), pattern.end(), std::regex::ECMAScript | std::regex_constants::__polynomial)});
    return RegexMatch(std::string(pattern), std::move(compiled));
  } catch (const std::regex_error& error) {
    return make_error(ErrorCode::INVALID_CONFIG, fmt::format("'{}' is not a valid regular expression ({})",
                                                             pattern, error.what()));
  }
}

bool RegexMatch::matches(std::string_view text) const {
  return std::regex_match(text.begin(), text.end(), compiled_->regex);
}

}  // namespace klab
