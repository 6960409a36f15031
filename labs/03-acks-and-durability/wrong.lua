-- A plausible wrong attempt at lab 03: it must not get full marks (tests/labs/labs.cmake).
-- Mistakes: it times the three writes back to back (acks=all then also waits for the replication of
-- the writes before it), takes the acks=0 offset for the log's, lets the slow followers catch up
-- before crashing the leader (so nothing is lost and nothing is learned), and believes
-- min.insync.replicas=3 makes the safest producer.

cluster:create_topic("payments", { partitions = 1, replication_factor = 3 })
local costs, mds = {}, {}
for _, acks in ipairs { 0, 1, "all" } do
  local p = cluster:producer{ acks = acks }
  local before = cluster:now()
  mds[acks] = p:send("payments", "acks=" .. acks)
  costs["acks" .. acks] = cluster:now() - before
end
lab.answer("cost_ms", costs)
lab.answer("acks0_offset", mds[0].offset)
lab.answer("acks0_log_offset", mds[0].offset)            -- "the log says -1 too"

cluster:create_topic("orders", { partitions = 1, replication_factor = 3 })
local d = cluster:describe_topic("orders").partitions[1]
for _, f in ipairs(d.replicas) do if f ~= d.leader then cluster:set_latency(d.leader, f, 100) end end
local md1 = cluster:producer{ acks = 1 }:send("orders", "order-1")
cluster:advance(1000)                                    -- the followers fetch it before the crash
cluster:stop_broker(d.leader)
cluster:producer{ acks = 1 }:send("orders", "order-2")
cluster:start_broker(d.leader)
cluster:advance(1000)
lab.answer("acks1_offset", md1.offset)
lab.answer("offset_now_holds", "order-2")               -- what the course said would happen

d = cluster:describe_topic("orders").partitions[1]
cluster:producer{ acks = "all" }:send("orders", "order-3")
cluster:stop_broker(d.leader)
cluster:start_broker(d.leader)
lab.answer("survived", "order-3")

cluster:create_topic("safe", { partitions = 1, replication_factor = 3, config = { ["min.insync.replicas"] = 2 } })
local s = cluster:describe_topic("safe").partitions[1]
local p = cluster:producer{ acks = "all", retries = 0 }
cluster:stop_broker(s.replicas[2])
p:send("safe", "one broker down")
cluster:stop_broker(s.replicas[3])
local ok, err = p:send("safe", "two brokers down")
lab.answer("error_name", err and err.name)

lab.answer("safe_producer", "d")
lab.answer("still_writes", "a")
