-- expect: stopped: instruction limit
-- Catching the limit with pcall must not keep the script alive.
while true do pcall(function() while true do end end) end
