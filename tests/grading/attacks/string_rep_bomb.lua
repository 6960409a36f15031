-- expect: stopped: memory limit 64 MiB reached
local s = ("x"):rep(2 ^ 30)
lab.answer("len", #s)
