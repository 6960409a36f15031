-- Deck 02: payments, 3 partitions x 3 replicas on 3 brokers; every broker leads one partition
-- and follows the two others. Rendered by scripts/slides into slides/images/replicated-topic.svg.
assert(cluster:create_topic("payments", { partitions = 3, replication_factor = 3 }))
local producer = cluster:producer{}
for i = 1, 6 do assert(producer:send("payments", { key = "customer-" .. i, value = "10 EUR" })) end
return klab.diagram(cluster, "payments")
