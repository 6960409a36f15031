-- A plausible wrong attempt at lab 02: it must not get full marks (tests/labs/labs.cmake).
-- Mistakes: it believes records without a key are spread round robin, puts "my key" in the value instead
-- of the key, expects a key to keep its partition when the topic grows, and picks the wrong risk.

cluster:create_topic("mytopic", { partitions = 5, replication_factor = 3 })
lab.answer("isr_p0", cluster:describe_topic("mytopic").partitions[1].isr)

local p = cluster:producer{}
for i = 1, 10 do p:send("mytopic", "message " .. i) end
lab.answer("unkeyed_partitions", { 0, 1, 2, 3, 4, 0, 1, 2, 3, 4 })  -- "round robin", not observed
lab.answer("unkeyed_why", "c")

for i = 1, 10 do p:send("mytopic", "my key") end                    -- the key went into the value
lab.answer("my_key_partition", klab.partition_for("my key", 5))

cluster:create_partitions("mytopic", 6)
p:send("mytopic", { key = "my key", value = "after" })
lab.answer("my_key_partition_after", 3)                            -- "a key never moves"

cluster:create_topic("clicks", { partitions = 5 })
for _ = 1, 80 do p:send("clicks", { key = "user-1", value = "click" }) end
for i = 2, 21 do p:send("clicks", { key = "user-" .. i, value = "click" }) end
local counts = {}
for _, info in ipairs(cluster:describe_topic("clicks").partitions) do counts["p" .. info.partition] = info.log_end_offset end
lab.answer("clicks_counts", counts)

lab.answer("use_key_when", "b")
lab.answer("key_risk", "a")
