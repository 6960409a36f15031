-- expect: attempt to call a nil value .field '__gc'.
-- A klab object's finalizer called by hand used to run the C++ destructor, and the next call read
-- freed memory. The metatable is protected now: getmetatable gives the type name, a string.
local p = cluster:producer{}
local mt = getmetatable(p)
mt.__gc(p)
p:send("gc-by-hand", "after the finalizer")
