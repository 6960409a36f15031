# INPUTS is a "|"-separated list of files.
string(REPLACE "|" ";" INPUTS "${INPUTS}")
# Writes OUTPUT: a C++ file holding each INPUTS file as a raw string, looked up by file name.
set(body "// Generated from repl/lua/*.lua by embed_lua.cmake. Do not edit.\n#include \"embedded_lua.hpp\"\n\nnamespace klab {\nnamespace {\nstruct Entry { std::string_view name; std::string_view source; };\nconst Entry kEntries[] = {\n")
foreach(input ${INPUTS})
  get_filename_component(name ${input} NAME)
  file(READ ${input} content)
  set(body "${body}  {\"${name}\", R\"klab_lua(${content})klab_lua\"},\n")
endforeach()
set(body "${body}};\n}  // namespace\n\nstd::optional<std::string_view> embedded_lua(std::string_view name) {\n  for (const Entry& entry : kEntries)\n    if (entry.name == name) return entry.source;\n  return std::nullopt;\n}\n\n}  // namespace klab\n")
file(WRITE ${OUTPUT} "${body}")
