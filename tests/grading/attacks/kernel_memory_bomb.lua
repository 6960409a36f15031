-- expect: stopped: memory limit 64 MiB reached
-- Records held by the cluster count too, not only Lua memory.
local p = cluster:producer{ acks = 1 }
local value = ("x"):rep(100000)
while true do p:send("first_topic", value) end
