-- Reference solution of lab 03 (klab lab check 3 labs/03-acks-and-durability/solution.lua).

-- Step 1: one write per acks setting, each on a quiet cluster
assert(cluster:create_topic("payments", { partitions = 1, replication_factor = 3 }))
local function timed(acks)
  cluster:advance(100)
  local p = cluster:producer{ acks = acks }
  local before = cluster:now()
  local md = assert(p:send("payments", "acks=" .. acks))
  return cluster:now() - before, md
end
local cost0, md0 = timed(0)
local cost1 = timed(1)
local costall = timed("all")
print(string.format("acks=0: %d ms, acks=1: %d ms, acks=all: %d ms", cost0, cost1, costall))
lab.answer("cost_ms", { acks0 = cost0, acks1 = cost1, acksall = costall })

-- Step 2: acks=0 got offset -1, but the record has a real offset in the log
local k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign(k:partitions_for("payments"))
local log_offset
for _, r in ipairs(k:poll(0)) do
  print(r.offset, r.value)
  if r.value == "acks=0" then log_offset = r.offset end
end
lab.answer("acks0_offset", md0.offset)
lab.answer("acks0_log_offset", log_offset)

-- Step 3: slow followers, acks=1 write, leader crash: the acknowledged write is gone
assert(cluster:create_topic("orders", { partitions = 1, replication_factor = 3 }))
local function slow_followers()
  local d = cluster:describe_topic("orders").partitions[1]
  for _, f in ipairs(d.replicas) do
    if f ~= d.leader then assert(cluster:set_latency(d.leader, f, 100)) end
  end
  return d.leader
end
local leader = slow_followers()
local md1 = assert(cluster:producer{ acks = 1 }:send("orders", "order-1"))
assert(cluster:stop_broker(leader))
assert(cluster:producer{ acks = 1 }:send("orders", "order-2"))
assert(cluster:start_broker(leader))
cluster:advance(1000)
for _, e in ipairs(cluster:events()) do
  if e.kind == "Truncation" then print(e.time, e.description) end
end
local now_holds
k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign(k:partitions_for("orders"))
for _, r in ipairs(k:poll(0)) do if r.offset == md1.offset then now_holds = r.value end end
lab.answer("acks1_offset", md1.offset)
lab.answer("offset_now_holds", now_holds)

-- Step 4: the same crash with acks=all: the write is kept
leader = slow_followers()
local before = cluster:now()
assert(cluster:producer{ acks = "all" }:send("orders", "order-3"))
print("acks=all with slow followers took " .. (cluster:now() - before) .. " ms")
assert(cluster:stop_broker(leader))
print(cluster:describe_topic("orders"))
assert(cluster:start_broker(leader))
cluster:advance(1000)
lab.answer("survived", "order-3")

-- Step 5: min.insync.replicas=2 with one, then two brokers down
assert(cluster:create_topic("safe", { partitions = 1, replication_factor = 3,
                                      config = { ["min.insync.replicas"] = 2 } }))
local s = cluster:describe_topic("safe").partitions[1]
local followers = {}
for _, f in ipairs(s.replicas) do if f ~= s.leader then followers[#followers + 1] = f end end
local p = cluster:producer{ acks = "all", retries = 0 }
assert(cluster:stop_broker(followers[1]))
assert(p:send("safe", "one broker down"))
assert(cluster:stop_broker(followers[2]))
local ok, err = p:send("safe", "two brokers down")
assert(not ok)
print(err)
lab.answer("error_name", err.name)

-- Step 6
lab.answer("safe_producer", "b")
lab.answer("still_writes", "b")
