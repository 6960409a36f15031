-- Deck 02: payments after broker 2 stopped: partition 0 elected broker 3 (clean election from
-- the ISR), broker 2 left every ISR, Replicas did not change.
-- Rendered by scripts/slides into slides/images/broker-down.svg.
assert(cluster:create_topic("payments", { partitions = 3, replication_factor = 3 }))
local producer = cluster:producer{}
for i = 1, 6 do assert(producer:send("payments", { key = "customer-" .. i, value = "10 EUR" })) end
assert(cluster:stop_broker(2))
cluster:advance(100)          -- the followers fetch from the new leader; its high watermark catches up
return klab.diagram(cluster, "payments")
