-- Deck 02: sensors (replication factor 2) with both replicas stopped, follower first:
-- Leader: none, and the ISR keeps broker 2, the last replica known to have every record.
-- Rendered by scripts/slides into slides/images/offline-partition.svg.
assert(cluster:create_topic("sensors", { partitions = 1, replication_factor = 2,
                                         config = { ["unclean.leader.election.enable"] = true } }))
local producer = cluster:producer{}
assert(producer:send("sensors", "t=20"))
assert(cluster:stop_broker(3))                 -- the follower
assert(producer:send("sensors", "t=21"))       -- only broker 2 has it
assert(cluster:stop_broker(2))                 -- the leader: offline
return klab.diagram(cluster, "sensors")
