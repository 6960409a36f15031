-- expect: the callback ran and the cluster went on
-- A send callback that drops the last reference to its producer and collects: the finalizer ran the
-- producer's destructor while the producer's own completion code was still on the stack. Now the
-- producer is destroyed only after the call that ran the callback returns.
cluster:create_topic("collected", { partitions = 1 })
local holder = { p = cluster:producer{ ["linger.ms"] = 50 } }
local ran = false
holder.p:send("collected", "v", function()
  ran = true
  holder.p = nil
  collectgarbage()
  collectgarbage()
end)
cluster:advance(500)
collectgarbage()
assert(ran and cluster:producer{}:send("collected", "again"))
error("the callback ran and the cluster went on")
