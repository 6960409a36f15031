-- expect: an error value of type table
error(setmetatable({}, { __tostring = function() error("boom") end }))
