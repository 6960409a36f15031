-- expect: nested more than 16 deep .or a cycle.
local t = {}
t.self = t
lab.answer("leader_p0", t)
