// Lua values <-> schema::Datum (klab's JSON-shaped record values), for the serializers: a table
// with keys 1..n is a list, a table with string keys a record or map, {} either; nil is null.
#pragma once
#include <lua.hpp>

#include "schema/avro_schema.hpp"

namespace klab {

// Throws LuaArgError for what no serializer can take (functions, mixed or cyclic tables).
schema::Datum datum_from_lua(lua_State* L, int index);
// Pushes the Lua value of `datum`; null becomes nil (a record field that is null is left out).
void push_datum(lua_State* L, const schema::Datum& datum);

}  // namespace klab
