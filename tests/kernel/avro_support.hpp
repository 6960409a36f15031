// Helpers shared by the Avro tests: a schema that must parse, and a News record with given fields.
#pragma once
#include <doctest/doctest.h>

#include <string>

#include "schema/avro_schema.hpp"

namespace klab::test {

inline schema::AvroSchemaPtr parse_schema(const std::string& text) {
  auto parsed = schema::AvroSchema::parse(text);
  REQUIRE_MESSAGE(parsed.ok(), parsed.error().message);
  return *parsed;
}

inline std::string news_record(const std::string& fields) {
  return R"({"type":"record","name":"News","fields":[)" + fields + "]}";
}

}  // namespace klab::test
