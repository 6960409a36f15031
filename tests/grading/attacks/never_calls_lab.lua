-- expect: there is no topic first_topic
local x = 0
for i = 1, 10 do x = x + i end
