-- Reference solution of lab 10 (klab lab check 10 labs/10-retention/solution.lua).
assert(cluster:create_topic("clicks", { partitions = 1, config = { ["segment.bytes"] = 200, ["retention.ms"] = 60000 } }))
local p = cluster:producer{}
for i = 1, 10 do assert(p:send("clicks", "click-" .. i)) end
print(cluster:dump_log("clicks", 0))
cluster:advance(300000)
lab.answer("log_start", cluster:describe_topic("clicks").partitions[1].log_start_offset)

local tp = { topic = "clicks", partition = 0 }
local k = cluster:consumer{ ["auto.offset.reset"] = "none" }
k:assign{ tp }
k:seek(tp, 2)
local _, err = k:poll(0)
lab.answer("error", err and err.name)
local e = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
e:assign{ tp }
e:seek(tp, 2)
lab.answer("position", e:position(tp))
lab.answer("disk", "b")
