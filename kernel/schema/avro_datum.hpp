// Avro binary data: a Datum (klab's JSON-shaped value) encoded with a schema by the Avro C library,
// and Avro binary decoded by it and resolved against a reader schema by Avro's schema resolution
// rules (the C library has no default values or aliases, so resolution is ours):
//  - reader fields missing in the writer take their default; writer fields the reader lacks are
//    skipped; fields match by name or by the reader field's aliases;
//  - int -> long/float/double, long -> float/double, float -> double, string <-> bytes;
//  - an enum symbol the reader lacks becomes the reader's enum default, else an error;
//  - a writer union resolves its branch; a reader union takes its first branch that matches.
#pragma once
#include <string>
#include <string_view>

#include "schema/avro_schema.hpp"

namespace klab::schema {

// Avro binary of `datum` under `schema`. A record field left out takes its default (or null when
// its type allows null); SerializationException names the field path when the datum does not fit.
SchemaResult<std::string> avro_encode(const AvroSchema& schema, const Datum& datum);
// Decodes `bytes` written with `writer`; with a `reader`, resolves the data to the reader's shape.
// SerializationException for truncated or corrupt bytes or data the reader cannot accept.
SchemaResult<Datum> avro_decode(const AvroSchema& writer, const AvroSchema* reader, std::string_view bytes);
// A JSON default of a field, as the data it stands for (unions: their first branch).
Datum datum_from_default(const AvroNode& type, const Datum& json_default);

// Checks that `bytes` is well-formed Avro binary for `type` before the C library reads it: the
// library trusts lengths and counts, so a hostile payload could make it allocate or write out of
// bounds. Returns an empty string when the bytes are fine, else what is wrong and where.
std::string check_avro_binary(const AvroNode& type, std::string_view bytes);

}  // namespace klab::schema
