-- A plausible wrong attempt at lab 04: it must not get full marks (tests/labs/labs.cmake).
-- Mistakes: it takes the offset send() returned for the only copy and request.timeout.ms for the time the
-- send took, reports the order it expected rather than the one in the log, skips the warm-up on
-- ledger-safe (the leader cannot notice the lost batch: "first" is refused and lost), believes acks=1
-- keeps idempotence without reading payments-acks1 back, and that idempotence makes the whole pipeline
-- exactly-once.

local function create(topic)
  cluster:create_topic(topic, { partitions = 1, replication_factor = 3 })
  return cluster:describe_topic(topic).partitions[1].leader
end

local leader = create("payments")
local p = cluster:producer{ ["enable.idempotence"] = false }
cluster:drop_next_response(leader)
local md = p:send("payments", "pay-1")
lab.answer("dup_offsets", { md.offset })                 -- "send() said where it went"
lab.answer("send_ms", 30000)                              -- "request.timeout.ms"

leader = create("payments-safe")
p = cluster:producer{}
cluster:drop_next_response(leader)
local before = cluster:now()
md = p:send("payments-safe", "pay-1")
p:send("payments-safe", "pay-2")
lab.answer("safe_offset", md.offset)
lab.answer("safe_send_ms", cluster:now() - before)

local function lost_request(topic, config, warm_up)
  leader = create(topic)
  p = cluster:producer(config)
  if warm_up then p:send(topic, "warm-up") end
  cluster:drop_next_request(leader)
  p:send(topic, "first", function() end)
  cluster:advance(5)
  p:send(topic, "second", function() end)
  p:flush()
end
lost_request("ledger", { ["enable.idempotence"] = false }, true)
lab.answer("ledger_order", { "warm-up", "first", "second" })  -- "a partition is ordered"
lost_request("ledger-ordered", { ["enable.idempotence"] = false, ["max.in.flight.requests.per.connection"] = 1 }, true)
lost_request("ledger-safe", {}, false)
lab.answer("why_in_order", "a")

local ok, err = pcall(cluster.producer, cluster, { ["enable.idempotence"] = true, acks = 1 })
lab.answer("idempotence_error", err)
leader = create("payments-acks1")
p = cluster:producer{ acks = 1 }
cluster:drop_next_response(leader)
p:send("payments-acks1", "pay-1")
lab.answer("acks1_idempotent", true)                      -- "idempotence is the default" (without reading back)

create("payments-restart")
cluster:producer{}:send("payments-restart", "pay-1")
cluster:producer{}:send("payments-restart", "pay-1")
lab.answer("why_default", "c")
lab.answer("not_protected", "b")
