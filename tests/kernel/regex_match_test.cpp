// RegexMatch: whole-string matching of Connect's topics.regex, bounded for patterns students write.
#include <doctest/doctest.h>

#include <string>

#include "base/regex_match.hpp"

using namespace klab;

TEST_CASE("a pattern matches the whole topic name, as Java's Pattern.matches does") {
  Result<RegexMatch> orders = RegexMatch::compile("orders-.*");
  REQUIRE(orders.ok());
  CHECK(orders->matches("orders-eu"));
  CHECK(orders->matches("orders-"));
  CHECK_FALSE(orders->matches("old-orders-eu"));
  CHECK(RegexMatch::compile("(a|b)-[0-9]+")->matches("b-42"));
  CHECK_FALSE(RegexMatch::compile("(a|b)-[0-9]+")->matches("b-42x"));
}

TEST_CASE("an invalid pattern is an error that names it") {
  Result<RegexMatch> broken = RegexMatch::compile("orders-(");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == ErrorCode::INVALID_CONFIG);
  CHECK(broken.error().message.find("'orders-(' is not a valid regular expression") == 0);
}

TEST_CASE("a pattern that would backtrack exponentially matches a 249-character name at once") {
  // A backtracking matcher tries 2^249 ways here; breadth-first matching is linear in the name.
  Result<RegexMatch> evil = RegexMatch::compile("(a|a)*b");
  REQUIRE(evil.ok());
  CHECK_FALSE(evil->matches(std::string(249, 'a')));
  CHECK(evil->matches(std::string(248, 'a') + "b"));
}

TEST_CASE("back-references, oversized patterns and large repetitions are refused before compiling") {
  CHECK_FALSE(RegexMatch::compile("(a)\\1").ok());
  Result<RegexMatch> long_one = RegexMatch::compile(std::string(1001, 'a'));
  REQUIRE_FALSE(long_one.ok());
  CHECK(long_one.error().message == "the regular expression is 1001 bytes long; klab takes at most 1000");
  CHECK(RegexMatch::compile("(a{100}){100}").ok());  // 10 000 states
  Result<RegexMatch> nested = RegexMatch::compile("((a{100}){100}){100}");  // a million: refused
  REQUIRE_FALSE(nested.ok());
  CHECK(nested.error().message ==
        "the regular expression repeats too much (about 1000000 automaton states; klab takes at most 20000)");
  CHECK_FALSE(RegexMatch::compile("a{1000000000000}").ok());
  CHECK(RegexMatch::compile("[{]1000}")->matches("{1000}"));  // a brace in a class is a character
  CHECK(RegexMatch::compile("\\{5000\\}")->matches("{5000}"));  // so is an escaped one
  CHECK(RegexMatch::refused("orders-.*").empty());
}
