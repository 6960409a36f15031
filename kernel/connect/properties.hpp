// A Kafka `.properties` file read exactly as java.util.Properties.load reads it, which is how
// connect-standalone reads a connector's configuration:
//   1. A natural line ends at \n, \r or \r\n. A line whose first non-blank character is # or ! is a
//      comment (a trailing backslash does not continue it); a line of blanks (space, \t, \f) is skipped.
//   2. A line ending in an odd number of backslashes continues on the next natural line; that line's
//      leading blanks are dropped. A continuation at the end of the file is dropped.
//   3. The key runs from the first non-blank character to the first unescaped '=', ':' or blank; the
//      separator is blanks, then at most one '=' or ':', then blanks. Everything after is the value
//      (trailing blanks kept). A line holding only a key gives the empty value.
//   4. In keys and values \t \n \r \f are control characters, \uXXXX a UTF-16 code unit (a surrogate
//      pair becomes one UTF-8 character), and a backslash before any other character is dropped.
//      A \u without four hex digits is Java's one error: "Malformed \uxxxx encoding.". A surrogate
//      that is not half of a pair becomes '?' (what Java's UTF-8 encoder writes for it).
//   5. A key given twice keeps its last value (Properties is a Hashtable); entries() keeps file order.
//   6. The bytes are ISO-8859-1, as Properties.load(InputStream) reads them (Kafka's Utils.loadProps):
//      every byte is one character, so the result is always valid UTF-8; a UTF-8 "é" (C3 A9) reads as
//      "Ã©", and a UTF-8 byte order mark (EF BB BF) is not skipped: it becomes "ï»¿" at the start of
//      the first key, as in Java.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace klab::connect {

struct PropertyEntry {
  std::string key;
  std::string value;
  int line = 0;  // where the entry starts, 1-based
};

// Every entry in file order, a repeated key once (its last value, at its first position).
// INVALID_CONFIG naming the line for a malformed \u escape.
Result<std::vector<PropertyEntry>> parse_properties(std::string_view text);

}  // namespace klab::connect
