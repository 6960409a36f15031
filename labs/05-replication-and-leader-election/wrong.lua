-- A plausible wrong attempt at lab 05: it must not get full marks (tests/labs/labs.cmake).
-- Mistakes: it stops broker 1 first ("kafka1 must be the leader": it is the controller, not the leader of
-- partition 0), expects the leaders to go home by themselves after the restart (no preferred-replica
-- election), and thinks unclean elections are off by default because they are slow.

cluster:create_topic("testreplicated", { partitions = 2, replication_factor = 3 })
local p = cluster:producer{}
for i = 1, 6 do p:send("testreplicated", { key = "k" .. i, value = "record " .. i }) end
local parts = cluster:describe_topic("testreplicated").partitions
lab.answer("leaders", { p0 = parts[1].leader, p1 = parts[2].leader })

cluster:stop_broker(1)
parts = cluster:describe_topic("testreplicated").partitions
lab.answer("new_leader_p0", parts[1].leader)
lab.answer("isr_p0", parts[1].isr)
lab.answer("under_replicated", cluster:metrics().UnderReplicatedPartitions)

cluster:stop_broker(2)
local md = p:send("testreplicated", "written with two brokers down")
lab.answer("two_down_record", { partition = md.partition, offset = md.offset })

cluster:stop_broker(3)
lab.answer("offline_partitions", cluster:metrics().OfflinePartitionsCount)
lab.answer("last_in_sync", 3)

for id = 1, 3 do cluster:start_broker(id) end
cluster:advance(100)
parts = cluster:describe_topic("testreplicated").partitions
lab.answer("leaders_before", { p0 = parts[1].leader, p1 = parts[2].leader })
lab.answer("leaders_after", { p0 = parts[1].replicas[1], p1 = parts[2].replicas[1] })  -- "they go back"

cluster:create_topic("fragile", { partitions = 1, replication_factor = 2,
                                  config = { ["unclean.leader.election.enable"] = true } })
local f = cluster:describe_topic("fragile").partitions[1]
local follower = f.replicas[1] == f.leader and f.replicas[2] or f.replicas[1]
p:send("fragile", "before")
cluster:stop_broker(follower)
p:send("fragile", "while the follower was down")
cluster:stop_broker(f.leader)
cluster:start_broker(follower)
cluster:start_broker(f.leader)
cluster:advance(100)
lab.answer("lost", "while the follower was down")
lab.answer("why_false", "a")
