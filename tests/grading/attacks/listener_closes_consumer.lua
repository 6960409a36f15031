-- expect: k:close.. cannot run inside a callback
-- A rebalance listener that closes its own consumer while that consumer's poll runs the rebalance
-- freed the consumer under the poll. It is refused now, and the error comes out of poll.
cluster:create_topic("reentrant", { partitions = 2 })
local k = cluster:consumer{ ["group.id"] = "reentrant" }
k:subscribe("reentrant", { on_assigned = function() k:close() end })
k:poll(5000)
