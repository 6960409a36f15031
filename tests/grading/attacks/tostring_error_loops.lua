-- expect: an error value of type table
error(setmetatable({}, { __tostring = function() while true do end end }))
