-- Reference solution of lab 01 (klab lab check 1 labs/01-topics-partitions-offsets/solution.lua).
-- A student script: it works on the global `cluster` the lab prepared and reports with lab.answer.

-- Step 1: kafka-topics --create --topic first_topic --partitions 3
assert(cluster:create_topic("first_topic", { partitions = 3 }))

-- Step 2: ProducerDemo
local p = cluster:producer{}
local md = assert(p:send("first_topic", "hello world"))
print(string.format("hello world -> partition %d, offset %d", md.partition, md.offset))

-- Step 3: ProducerDemoKeys; synchronous sends return where each record went
local key_partitions = {}
for i = 0, 9 do
  local key = "id_" .. i
  md = assert(p:send("first_topic", { key = key, value = "hello " .. i }))
  key_partitions[key] = md.partition
  print(key, "-> partition " .. md.partition, "offset " .. md.offset)
end
lab.answer("key_partitions", key_partitions)

-- Step 4: the log end offset of each partition
local description = cluster:describe_topic("first_topic")
local offsets = {}
for _, info in ipairs(description.partitions) do offsets["p" .. info.partition] = info.log_end_offset end
lab.answer("offsets", offsets)

-- Step 5: ConsumerDemo, from the beginning, no group
local k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign(k:partitions_for("first_topic"))
k:seek_to_beginning()
local read = 0
repeat
  local records = k:poll(100)
  for _, r in ipairs(records) do
    print(string.format("partition %d offset %d key %s value %s", r.partition, r.offset, tostring(r.key), r.value))
  end
  read = read + #records
until #records == 0
lab.answer("records_read", read)

-- Step 6: kafka-topics --describe
print(description)
lab.answer("leader_p0", description.partitions[1].leader)
