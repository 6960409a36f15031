-- A plausible wrong attempt at lab 10: it reads the log start before any retention check ran
-- ("retention.ms = 60 s, so after a minute it is gone"), and believes consumed data is deleted.
assert(cluster:create_topic("clicks", { partitions = 1, config = { ["segment.bytes"] = 200, ["retention.ms"] = 60000 } }))
local p = cluster:producer{}
for i = 1, 10 do p:send("clicks", "click-" .. i) end
cluster:advance(61000)
lab.answer("log_start", cluster:describe_topic("clicks").partitions[1].log_start_offset)
lab.answer("error", "NONE")
lab.answer("position", 2)
lab.answer("disk", "c")
