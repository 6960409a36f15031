-- expect: reached the end without running script code unprotected
-- An interceptor list changed after the producer was made (an element no longer a table), or an
-- interceptor whose metatable has __index: klab read them with Lua calls that run script code or
-- raise outside any protected call, from inside the producer's C++ code. Reads are raw now.
cluster:create_topic("intercepted", { partitions = 1 })
local hostile = setmetatable({ on_send = function() end }, { __index = function() error("__index ran inside the producer") end })
local list = { hostile }
local p = cluster:producer{ ["interceptor.classes"] = list }
assert(p:send("intercepted", "one"))
list[1] = 5
assert(p:send("intercepted", "two"))
error("reached the end without running script code unprotected")
