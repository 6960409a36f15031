-- Deck 00 (why Kafka): one topic, one partition, three records that stay after being read.
-- Rendered by scripts/slides into slides/images/orders-log.svg.
assert(cluster:create_topic("orders"))
local producer = cluster:producer{}
for i = 1, 3 do assert(producer:send("orders", "order-" .. i)) end
return klab.diagram(cluster, "orders")
