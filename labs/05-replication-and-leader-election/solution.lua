-- Reference solution of lab 05 (klab lab check 5 labs/05-replication-and-leader-election/solution.lua).

local function describe()
  local d = cluster:describe_topic("testreplicated")
  print(d)
  return d.partitions
end

-- Step 1: 2 partitions, 3 replicas each; the leaders
assert(cluster:create_topic("testreplicated", { partitions = 2, replication_factor = 3 }))
local p = cluster:producer{}
for i = 1, 6 do assert(p:send("testreplicated", { key = "k" .. i, value = "record " .. i })) end
local parts = describe()
lab.answer("leaders", { p0 = parts[1].leader, p1 = parts[2].leader })

-- Step 2: stop the leader of partition 0
assert(cluster:stop_broker(parts[1].leader))
parts = describe()
lab.answer("new_leader_p0", parts[1].leader)
lab.answer("isr_p0", parts[1].isr)

-- Step 3: the metric
local m = cluster:metrics()
print("UnderReplicatedPartitions", m.UnderReplicatedPartitions)
lab.answer("under_replicated", m.UnderReplicatedPartitions)

-- Step 4: a second broker down; writes and reads still work
assert(cluster:stop_broker(parts[1].leader))
describe()
local md = assert(p:send("testreplicated", "written with two brokers down"))
local k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign(k:partitions_for("testreplicated"))
for _, r in ipairs(k:poll(0)) do print(r.partition, r.offset, r.value) end
lab.answer("two_down_record", { partition = md.partition, offset = md.offset })

-- Step 5: the third broker: offline
local last
for _, b in ipairs(cluster:brokers()) do if b.alive then last = b.id end end
assert(cluster:stop_broker(last))
parts = describe()
print("OfflinePartitionsCount", cluster:metrics().OfflinePartitionsCount)
lab.answer("offline_partitions", cluster:metrics().OfflinePartitionsCount)
lab.answer("last_in_sync", parts[1].isr[1])

-- Step 6: restart, then the preferred-replica election
for _, b in ipairs(cluster:brokers()) do assert(cluster:start_broker(b.id)) end
cluster:advance(100)
parts = describe()
lab.answer("leaders_before", { p0 = parts[1].leader, p1 = parts[2].leader })
print("leaders moved:", cluster:elect_leaders("testreplicated"))
parts = describe()
lab.answer("leaders_after", { p0 = parts[1].leader, p1 = parts[2].leader })

-- Step 7: an unclean election on a topic that allows it
assert(cluster:create_topic("fragile", { partitions = 1, replication_factor = 2,
                                         config = { ["unclean.leader.election.enable"] = true } }))
local f = cluster:describe_topic("fragile").partitions[1]
local leader = f.leader
local follower = f.replicas[1] == leader and f.replicas[2] or f.replicas[1]
assert(p:send("fragile", "before"))
assert(cluster:stop_broker(follower))
assert(p:send("fragile", "while the follower was down"))
assert(cluster:stop_broker(leader))
print(cluster:describe_topic("fragile"))
assert(cluster:start_broker(follower))
assert(cluster:start_broker(leader))
cluster:advance(100)
print(cluster:describe_topic("fragile"))
print("UncleanLeaderElectionsPerSec", cluster:metrics().UncleanLeaderElectionsPerSec)
k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign(k:partitions_for("fragile"))
for _, r in ipairs(k:poll(0)) do print(r.offset, r.value) end
lab.answer("lost", "while the follower was down")
lab.answer("why_false", "b")
