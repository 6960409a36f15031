#include "schema/schema_error.hpp"

namespace klab::schema {

namespace {

const char* code_name(RegistryErrorCode code) {
  switch (code) {
    case RegistryErrorCode::SUBJECT_NOT_FOUND: return "SUBJECT_NOT_FOUND";
    case RegistryErrorCode::VERSION_NOT_FOUND: return "VERSION_NOT_FOUND";
    case RegistryErrorCode::SCHEMA_NOT_FOUND: return "SCHEMA_NOT_FOUND";
    case RegistryErrorCode::SUBJECT_SOFT_DELETED: return "SUBJECT_SOFT_DELETED";
    case RegistryErrorCode::SUBJECT_NOT_SOFT_DELETED: return "SUBJECT_NOT_SOFT_DELETED";
    case RegistryErrorCode::SUBJECT_COMPATIBILITY_NOT_CONFIGURED: return "SUBJECT_COMPATIBILITY_NOT_CONFIGURED";
    case RegistryErrorCode::INCOMPATIBLE_SCHEMA: return "INCOMPATIBLE_SCHEMA";
    case RegistryErrorCode::INVALID_SCHEMA: return "INVALID_SCHEMA";
    case RegistryErrorCode::INVALID_VERSION: return "INVALID_VERSION";
    case RegistryErrorCode::INVALID_COMPATIBILITY_LEVEL: return "INVALID_COMPATIBILITY_LEVEL";
    case RegistryErrorCode::STORE_ERROR: return "STORE_ERROR";
    case RegistryErrorCode::SERIALIZATION: return "SerializationException";
  }
  return "UNKNOWN";
}

}  // namespace

SchemaError registry_error(RegistryErrorCode code, std::string message) {
  return SchemaError{code_name(code), static_cast<int32_t>(code), std::move(message)};
}

SchemaError serialization_error(std::string message, int32_t code) {
  return SchemaError{"SerializationException", code, std::move(message)};
}

}  // namespace klab::schema
