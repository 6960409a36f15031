// Whole-string regular-expression matching for the patterns Kafka configs take (Connect's topics.regex)
// and for tests. ECMAScript syntax, which agrees with Java's for the patterns courses use (`orders-.*`,
// `(a|b)-[0-9]+`).
//
// Only regex_match.cpp includes <regex>: it costs seconds of compile time in every file that does.
// Patterns come from students, so matching is polynomial (no backtracking blow-up on `(a|a)*b`) and a
// pattern's length and the size of its automaton are bounded before it is compiled.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace klab {

class RegexMatch {
 public:
  static constexpr std::size_t kMaxPatternBytes = 1000;
  static constexpr long kMaxStates = 20'000;  // repetitions copy their atom: a{1000}{1000} would be a million

  // An invalid or oversized pattern is an Error naming the problem.
  static Result<RegexMatch> compile(std::string_view pattern);
  // Why klab refuses a pattern before compiling it (too long, repeating too much); empty when it does not.
  static std::string refused(std::string_view pattern);

  bool matches(std::string_view text) const;  // the whole text, as Java's Pattern.matches
  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  RegexMatch(std::string pattern, std::shared_ptr<const Compiled> compiled);

  std::string pattern_;
  std::shared_ptr<const Compiled> compiled_;  // shared: a RegexMatch is cheap to copy
};

}  // namespace klab
