-- expect: stopped: instruction limit [0-9]+ reached at .*infinite_loop.lua:2
while true do end
