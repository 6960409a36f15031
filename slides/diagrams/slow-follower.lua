-- Deck 02: a follower whose fetches arrive 60 s late leaves the ISR of clicks-0 after
-- replica.lag.time.max.ms (30 s; the leader checks every 15 s, so at t=45000).
-- Rendered by scripts/slides into slides/images/slow-follower.svg.
assert(cluster:create_topic("clicks", { partitions = 1, replication_factor = 3 }))
local leader = cluster:describe_topic("clicks").partitions[1].leader   -- broker 2 with seed 42
assert(cluster:set_latency(leader, 3, 60000))
assert(cluster:producer{ acks = 1 }:send("clicks", "c1"))
cluster:advance(50000)                                                -- Isr: 2,1
return klab.diagram(cluster, "clicks")
