// The .properties reader follows java.util.Properties.load rule by rule (kernel/connect/properties.hpp).
#include <doctest/doctest.h>

#include "connect/properties.hpp"

namespace klab::connect {
namespace {

std::vector<std::pair<std::string, std::string>> parsed(std::string_view text) {
  Result<std::vector<PropertyEntry>> entries = parse_properties(text);
  REQUIRE(entries.ok());
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const PropertyEntry& entry : *entries) pairs.emplace_back(entry.key, entry.value);
  return pairs;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("properties: key=value, key: value and key value are the three separators") {
  CHECK(parsed("a=1\nb: 2\nc 3\n") == Pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}});
  CHECK(parsed("a = 1\nb   :   2\nc\t\t3") == Pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}});
  // Only one '=' or ':' belongs to the separator; the next one is part of the value.
  CHECK(parsed("a==1\nb :=2\nc =:3") == Pairs{{"a", "=1"}, {"b", "=2"}, {"c", ":3"}});
  // Blanks then '=' form one separator.
  CHECK(parsed("key   =value") == Pairs{{"key", "value"}});
}

TEST_CASE("properties: # and ! start comments only as the first non-blank character") {
  CHECK(parsed("# a comment\n! another\n   # indented\na=1 # not a comment\n") == Pairs{{"a", "1 # not a comment"}});
}

TEST_CASE("properties: blank lines and leading blanks are skipped, trailing blanks of a value kept") {
  CHECK(parsed("\n   \n\t\f\n  a=1  \n") == Pairs{{"a", "1  "}});
}

TEST_CASE("properties: \\n, \\r and \\r\\n all end a line") {
  CHECK(parsed("a=1\rb=2\r\nc=3\n") == Pairs{{"a", "1"}, {"b", "2"}, {"c", "3"}});
}

TEST_CASE("properties: a trailing backslash continues the line and the next line's leading blanks go") {
  CHECK(parsed("topics=a,\\\n       b,\\\n\tc\n") == Pairs{{"topics", "a,b,c"}});
  // An even number of backslashes is an escaped backslash, not a continuation.
  CHECK(parsed("path=C:\\\\\nnext=1") == Pairs{{"path", "C:\\"}, {"next", "1"}});
  // A comment line is never continued.
  CHECK(parsed("# comment \\\na=1") == Pairs{{"a", "1"}});
  // A continuation at the end of the file is dropped.
  CHECK(parsed("a=1\\") == Pairs{{"a", "1"}});
  // A continuation line that is empty ends nothing special: the logical line goes on.
  CHECK(parsed("a=1\\\n\nb=2") == Pairs{{"a", "1"}, {"b", "2"}});
}

TEST_CASE("properties: escapes in keys and values") {
  CHECK(parsed("tab=a\\tb\nnl=a\\nb\ncr=a\\rb\nff=a\\fb") ==
        Pairs{{"tab", "a\tb"}, {"nl", "a\nb"}, {"cr", "a\rb"}, {"ff", "a\fb"}});
  // A backslash before any other character is dropped; that is how keys hold '=', ':' and blanks.
  CHECK(parsed("my\\ key\\=x\\:y=v\\alue") == Pairs{{"my key=x:y", "value"}});
  // \uXXXX is a UTF-16 code unit: one, then a surrogate pair, both as UTF-8.
  CHECK(parsed("e=caf\\u00e9\nsmile=\\uD83D\\uDE00") == Pairs{{"e", "caf\xC3\xA9"}, {"smile", "\xF0\x9F\x98\x80"}});
  CHECK(parsed("upper=\\u00C9") == Pairs{{"upper", "\xC3\x89"}});
}

TEST_CASE("properties: a malformed \\u escape is Java's one error, with its line") {
  for (const char* text : {"a=1\nb=\\u12", "a=1\nb=\\uzzzz", "a=1\nb=x\\u"}) {
    Result<std::vector<PropertyEntry>> entries = parse_properties(text);
    REQUIRE_FALSE(entries.ok());
    CHECK(entries.error().message.find("line 2: Malformed \\uxxxx encoding.") != std::string::npos);
  }
}

TEST_CASE("properties: lines that look malformed are legal, as in Java") {
  // A key alone has the empty value; a line starting with '=' has the empty key.
  CHECK(parsed("lonely\nempty=\n=orphan") == Pairs{{"lonely", ""}, {"empty", ""}, {"", "orphan"}});
  // A key given twice keeps its last value, at its first position.
  CHECK(parsed("a=1\nb=2\na=3") == Pairs{{"a", "3"}, {"b", "2"}});
  Result<std::vector<PropertyEntry>> entries = parse_properties("\n\nname=x\n  # c\ntasks.max=1");
  REQUIRE(entries.ok());
  CHECK(entries->at(0).line == 3);
  CHECK(entries->at(1).line == 5);
}

TEST_CASE("properties: the course's connect-file-sink.properties reads unchanged") {
  const char* file =
      "# Licensed to the Apache Software Foundation (ASF) under one or more\n"
      "# User defined name for the connector instance\n"
      "name=local-file-sink\n\n"
      "# Name of the connector class to be run\n"
      "connector.class=FileStreamSink\n\n"
      "tasks.max=1\n"
      "file=test.sink.txt\n"
      "topics=news\n\n"
      "key.converter=org.apache.kafka.connect.storage.StringConverter\n"
      "value.converter=org.apache.kafka.connect.storage.StringConverter";
  CHECK(parsed(file) == Pairs{{"name", "local-file-sink"},
                              {"connector.class", "FileStreamSink"},
                              {"tasks.max", "1"},
                              {"file", "test.sink.txt"},
                              {"topics", "news"},
                              {"key.converter", "org.apache.kafka.connect.storage.StringConverter"},
                              {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}});
}

}  // namespace
}  // namespace klab::connect
