-- Deck 02: gps-0 while broker 2 (its old leader) is cut off by a network partition and fenced:
-- broker 3 leads, Isr 3,1, and broker 2 still holds two acks=1 writes the others never got.
-- Rendered by scripts/slides into slides/images/zombie-leader.svg.
assert(cluster:create_topic("gps", { partitions = 1, replication_factor = 3 }))
local producer = cluster:producer{ acks = 1 }
assert(producer:send("gps", "before"))
assert(cluster:isolate(2))
assert(producer:send("gps", "cut off, not yet fenced"))
cluster:advance(9000)                          -- broker.session.timeout.ms: broker 2 is fenced
assert(producer:send("gps", "zombie write"))   -- stale metadata: still goes to broker 2
return klab.diagram(cluster, "gps")
