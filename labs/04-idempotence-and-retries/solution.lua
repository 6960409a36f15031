-- Reference solution of lab 04 (klab lab check 4 labs/04-idempotence-and-retries/solution.lua).

local function create(topic)
  assert(cluster:create_topic(topic, { partitions = 1, replication_factor = 3 }))
  return cluster:describe_topic(topic).partitions[1].leader
end

-- The values and offsets of partition 0 of `topic`, once the followers have caught up.
local function read(topic)
  cluster:advance(10)
  local k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
  assert(k:assign{ { topic = topic, partition = 0 } })
  local records = assert(k:poll(0))
  for _, r in ipairs(records) do print(topic, r.offset, r.value) end
  k:close()
  return records
end

-- One send whose answer is lost: the metadata, how long the send took, and the producer.
local function send_with_lost_answer(topic, config)
  local leader = create(topic)
  local p = cluster:producer(config)
  assert(cluster:drop_next_response(leader))
  local before = cluster:now()
  local md = assert(p:send(topic, "pay-1"))
  print(md, cluster:now() - before)
  return md, cluster:now() - before, p
end

-- Step 1: idempotence off: the retry writes "pay-1" a second time
local _, send_ms = send_with_lost_answer("payments", { ["enable.idempotence"] = false })
local offsets = {}
for _, r in ipairs(read("payments")) do if r.value == "pay-1" then offsets[#offsets + 1] = r.offset end end
lab.answer("dup_offsets", offsets)
lab.answer("send_ms", send_ms)

-- Step 2: the default (idempotent) producer: the retry is answered with the original offset
local md, safe_ms, safe_producer = send_with_lost_answer("payments-safe", {})
assert(safe_producer:send("payments-safe", "pay-2"))  -- its CreateTime: when the first send returned
read("payments-safe")
lab.answer("safe_offset", md.offset)
lab.answer("safe_send_ms", safe_ms)

-- Steps 3 and 4: a lost request while two sends are in flight
local function lost_request(topic, config)
  local leader = create(topic)
  local p = cluster:producer(config)
  assert(p:send(topic, "warm-up"))  -- the leader learns this producer's sequence numbers
  assert(cluster:drop_next_request(leader))
  p:send(topic, "first", function() end)
  cluster:advance(5)
  p:send(topic, "second", function() end)
  p:flush()
  local list = {}
  for _, r in ipairs(read(topic)) do list[#list + 1] = r.value end
  return list
end
lab.answer("ledger_order", lost_request("ledger", { ["enable.idempotence"] = false }))
lost_request("ledger-ordered", { ["enable.idempotence"] = false, ["max.in.flight.requests.per.connection"] = 1 })
lost_request("ledger-safe", {})
lab.answer("why_in_order", "b")

-- Step 5: explicit idempotence with acks=1 is refused; implicit idempotence is dropped quietly
local ok, err = pcall(cluster.producer, cluster, { ["enable.idempotence"] = true, acks = 1 })
assert(not ok)
print(err)
lab.answer("idempotence_error", err)
send_with_lost_answer("payments-acks1", { acks = 1 })
local copies = 0
for _, r in ipairs(read("payments-acks1")) do if r.value == "pay-1" then copies = copies + 1 end end
lab.answer("acks1_idempotent", copies == 1)

-- Step 6: an application that sends again after a restart is a new producer: a duplicate
create("payments-restart")
assert(cluster:producer{}:send("payments-restart", "pay-1"))
assert(cluster:producer{}:send("payments-restart", "pay-1"))
read("payments-restart")
lab.answer("why_default", "b")
lab.answer("not_protected", "c")
