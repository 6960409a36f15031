-- The README's five-minute tour, as a REPL session (no terminal: no prompts, results printed).
cluster
cluster:create_topic("orders", { partitions = 3 })
cluster:describe_topic("orders")
p = cluster:producer{ ["linger.ms"] = 5 }
p:send("orders", { key = "truck-1", value = "lat=1" })
klab.partition_for("truck-1", 3)
cluster:now()
for i = 1, 4 do p:send("orders", { key = "truck-" .. i, value = "lat=" .. i }) end
k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign(k:partitions_for("orders"))
k:poll(100)
cluster:create_topic("bad name")
cluster:topics()
{ 1, 2, 3 }
help("linger.ms")
