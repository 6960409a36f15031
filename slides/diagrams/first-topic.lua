-- Deck 01: first_topic with 3 partitions after ProducerDemo ("hello world", no key) and
-- ProducerDemoKeys (id_0 .. id_9): three independent logs, each on its own leader.
-- Rendered by scripts/slides into slides/images/first-topic.svg.
assert(cluster:create_topic("first_topic", { partitions = 3 }))
local producer = cluster:producer{}
assert(producer:send("first_topic", "hello world"))
for i = 0, 9 do assert(producer:send("first_topic", { key = "id_" .. i, value = "hello " .. i })) end
return klab.diagram(cluster, "first_topic")
