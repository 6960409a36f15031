-- A plausible wrong attempt at lab 01: it must not get full marks (tests/labs/labs.cmake).
-- Mistakes: the topic gets the default partition count (1), the key -> partition table is copied from
-- the course instead of observed, the offsets are guessed, the consumer starts at the end (the default
-- auto.offset.reset is "latest"), and a Java habit (commitSync) stops the script before the last step.

cluster:create_topic("first_topic")  -- forgot { partitions = 3 }: num.partitions is 1

local p = cluster:producer{}
p:send("first_topic", "hello world")
for i = 0, 9 do p:send("first_topic", { key = "id_" .. i, value = "hello " .. i }) end

-- "The course says id_0 goes to 1, id_1 to 0, ..."
lab.answer("key_partitions", { id_0 = 1, id_1 = 0, id_2 = 2, id_3 = 0, id_4 = 2,
                               id_5 = 2, id_6 = 0, id_7 = 2, id_8 = 1, id_9 = 2 })
lab.answer("offsets", { p0 = 3, p1 = 2, p2 = 5 })

local k = cluster:consumer{}
k:assign(k:partitions_for("first_topic"))
local read = 0
repeat
  local records = k:poll(100)
  read = read + #records
until #records == 0
lab.answer("records_read", read)
k:commitSync()

lab.answer("leader_p0", cluster:describe_topic("first_topic").partitions[1].leader)
