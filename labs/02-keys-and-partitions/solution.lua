-- Reference solution of lab 02 (klab lab check 2 labs/02-keys-and-partitions/solution.lua).

-- Step 1: mytopic, 5 partitions on 3 brokers each; the ISR of partition 0
assert(cluster:create_topic("mytopic", { partitions = 5, replication_factor = 3 }))
local description = cluster:describe_topic("mytopic")
print(description)
lab.answer("isr_p0", description.partitions[1].isr)

-- Step 2: 10 messages without a key, from one producer
local p = cluster:producer{}
local unkeyed = {}
for i = 1, 10 do unkeyed[i] = assert(p:send("mytopic", "message " .. i)).partition end
print("without a key: " .. table.concat(unkeyed, " "))
lab.answer("unkeyed_partitions", unkeyed)
lab.answer("unkeyed_why", "b")

-- Step 3: 10 messages with the key "my key"
local keyed
for i = 1, 10 do keyed = assert(p:send("mytopic", { key = "my key", value = "message " .. i })).partition end
print("\"my key\" -> " .. keyed .. ", partition_for says " .. klab.partition_for("my key", 5))
lab.answer("my_key_partition", keyed)

-- Step 4: grow to 6 partitions; the key moves
assert(cluster:create_partitions("mytopic", 6))
local after = assert(p:send("mytopic", { key = "my key", value = "after" })).partition
print("after growing to 6 partitions: \"my key\" -> " .. after)
lab.answer("my_key_partition_after", after)

-- Step 5: a skewed key distribution
assert(cluster:create_topic("clicks", { partitions = 5 }))
for _ = 1, 80 do p:send("clicks", { key = "user-1", value = "click" }) end
for i = 2, 21 do p:send("clicks", { key = "user-" .. i, value = "click" }) end
local counts = {}
for _, info in ipairs(cluster:describe_topic("clicks").partitions) do counts["p" .. info.partition] = info.log_end_offset end
lab.answer("clicks_counts", counts)

-- Step 6
lab.answer("use_key_when", "b")
lab.answer("key_risk", "c")
