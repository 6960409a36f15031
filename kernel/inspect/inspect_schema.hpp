// The inspector database's schema: tables, indexes and views, written once as SQL whose comments
// are the documentation (inspect.schema() and docs/INSPECTOR.md print the same text). A klab
// database is recognised by PRAGMA application_id = kApplicationId ('klab') and carries its
// schema version in PRAGMA user_version.
#pragma once
#include <cstdint>
#include <string_view>

namespace klab::inspect {

inline constexpr int32_t kApplicationId = 0x6B6C6162;  // "klab" in ASCII
inline constexpr int32_t kSchemaVersion = 2;

// CREATE statements for every table, index and view, with their documenting comments.
std::string_view schema_sql();

}  // namespace klab::inspect
