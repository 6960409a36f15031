-- expect: there is no topic first_topic
-- Breaking the kit in the script's own state must not change how it is graded.
local mt = getmetatable(cluster)
if type(mt) == "table" then rawset(mt, "__index", function() return function() return true end end) end
rawset(klab, "cluster", nil)
rawset(_G, "lab", { answer = function() end })
string.format = nil
