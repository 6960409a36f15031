-- expect: stopped: simulated time limit [0-9]+ ms reached
cluster:advance(10 ^ 12)
while true do end
