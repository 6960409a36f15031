-- expect: stopped: memory limit 64 MiB reached
local t = {}
for i = 1, 1e9 do t[i] = ("x"):rep(100) .. i end
