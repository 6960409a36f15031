-- expect: attempt to load a binary chunk
local chunk = string.char(27) .. "LuaT" .. string.rep(string.char(0), 32)
assert(load(chunk))
