-- expect: is not available in a graded script
-- Kept alive, so its looping finalizer never runs: the script is stopped by the refusal.
local keep = setmetatable({}, { __gc = function() while true do end end })
collectgarbage("stop")
