// Errors of the schema layer: the schema registry's own error codes (Confluent's REST API: 40401
// subject not found, 409 incompatible schema, 42201 invalid schema, ...) and serialization
// failures (Kafka's SerializationException). They are not Kafka protocol errors, so they travel in
// their own result type; the Lua surface shows them like Kafka errors (err.name, err.code).
#pragma once
#include <cstdint>
#include <string>

#include "base/result.hpp"

namespace klab::schema {

// The registry's error codes (io.confluent.kafka.schemaregistry.rest.exceptions.Errors).
enum class RegistryErrorCode : int32_t {
  SUBJECT_NOT_FOUND = 40401,
  VERSION_NOT_FOUND = 40402,
  SCHEMA_NOT_FOUND = 40403,
  SUBJECT_SOFT_DELETED = 40404,
  SUBJECT_NOT_SOFT_DELETED = 40405,
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408,
  INCOMPATIBLE_SCHEMA = 409,
  INVALID_SCHEMA = 42201,
  INVALID_VERSION = 42202,
  INVALID_COMPATIBILITY_LEVEL = 42203,
  STORE_ERROR = 50001,  // the _schemas topic could not be written
  // Client side, not the registry's: the serializer's and deserializer's own failures.
  SERIALIZATION = -1,
};

struct SchemaError {
  std::string name;  // "INCOMPATIBLE_SCHEMA", "SerializationException", ...
  int32_t code = 0;  // the registry's error_code; -1 for a client-side failure
  std::string message;

  std::string to_string() const { return name + ": " + message; }
};

SchemaError registry_error(RegistryErrorCode code, std::string message);
// Kafka's SerializationException, optionally caused by a registry error (its code is kept).
SchemaError serialization_error(std::string message, int32_t code = -1);

template <class T>
using SchemaResult = Result<T, SchemaError>;

}  // namespace klab::schema
