-- expect: a table contains itself .a cycle.
local t = {}
t.self = t
lab.answer("leader_p0", t)
