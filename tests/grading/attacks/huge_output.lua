-- expect: stopped: output limit [0-9]+ bytes reached
while true do print(("x"):rep(1000)) end
