-- expect: is not available in a graded script
setmetatable({}, { __gc = function() while true do end end })
collectgarbage("stop")
