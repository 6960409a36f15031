// Avro's schema compatibility check (Java's SchemaCompatibility, which the schema registry runs):
// can data written with `writer` be read with `reader`? Every reason it cannot is listed with its
// location in the reader schema ("/fields/1/type"), as the registry reports them.
//
// The rules (Avro specification, "Schema Resolution"):
//  1. Same primitive type: compatible. Promotions: int -> long, float, double; long -> float,
//     double; float -> double; string <-> bytes. Anything else: TYPE_MISMATCH.
//  2. Named types must have the same unqualified name, or the reader lists the writer's full name
//     among its aliases (NAME_MISMATCH); fixed types the same size (FIXED_SIZE_MISMATCH).
//  3. Records: every reader field is found in the writer (by name or by the reader field's aliases)
//     and its types are compatible, or it has a default (READER_FIELD_MISSING_DEFAULT_VALUE).
//     Writer fields the reader lacks are ignored.
//  4. Enums: every writer symbol is a reader symbol, unless the reader has an enum default
//     (MISSING_ENUM_SYMBOLS).
//  5. Arrays and maps: their item / value types are compatible.
//  6. A writer union: every branch must be readable. A reader union: some branch reads the writer
//     (MISSING_UNION_BRANCH).
//  7. Recursive types: a (reader, writer) pair already being checked counts as compatible.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "schema/avro_schema.hpp"

namespace klab::schema {

enum class IncompatibilityType {
  NAME_MISMATCH,
  FIXED_SIZE_MISMATCH,
  MISSING_ENUM_SYMBOLS,
  READER_FIELD_MISSING_DEFAULT_VALUE,
  TYPE_MISMATCH,
  MISSING_UNION_BRANCH,
};

std::string_view incompatibility_name(IncompatibilityType type);

struct Incompatibility {
  IncompatibilityType type;
  std::string location;         // "/fields/1", "/" for the root
  std::string additional_info;  // Avro's message: the field name, "[C, D]", "reader type: INT not ..."
};

// Empty when `reader` can read everything `writer` writes.
std::vector<Incompatibility> check_compatibility(const AvroNode& reader, const AvroNode& writer);

// The registry's line for one incompatibility, e.g. {errorType:'READER_FIELD_MISSING_DEFAULT_VALUE',
// description:'The field 'test' at path '/fields/1' in the new schema has no default value and is
// missing in the old schema', additionalInfo:'test'}. `reader_label` is "new" when the new schema
// reads (BACKWARD) and "old" when it is the writer (FORWARD).
std::string registry_message(const Incompatibility& incompatibility, std::string_view reader_label,
                             std::string_view writer_label);

}  // namespace klab::schema
