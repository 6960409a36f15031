-- Replication as a student meets it: leaders, ISR, high watermark, acks, broker failures, elections.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, fails_with = h.test, h.eq, h.fails_with

local function partition(c, topic, p) return c:describe_topic(topic).partitions[p + 1] end

local function values(c, topic, p)
  local k = c:consumer{ ["auto.offset.reset"] = "earliest" }
  assert(k:assign{ { topic = topic, partition = p } })
  local out = {}
  for _, r in ipairs(assert(k:poll(0))) do out[#out + 1] = r.value end
  return table.concat(out, ",")
end

test("acks=all waits for the followers: it costs a fetch round trip more than acks=1", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 3 }))
  local all, one = c:producer{ acks = "all" }, c:producer{ acks = 1 }
  local t0 = c:now()
  assert(all:send("t", "a"))
  eq(c:now() - t0, 4, "acks=all: request, follower fetch answer, next fetch, response")
  t0 = c:now()
  assert(one:send("t", "b"))
  eq(c:now() - t0, 2, "acks=1: request and response")
end)

test("consumers read only below the high watermark", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 3 }))
  local leader = partition(c, "t", 0).leader
  for _, follower in ipairs(partition(c, "t", 0).replicas) do
    if follower ~= leader then assert(c:set_latency(leader, follower, 50)) end
  end
  local p = c:producer{ acks = 1 }
  assert(p:send("t", "x"))
  local d = partition(c, "t", 0)
  eq(d.log_end_offset, 1, "the leader has it")
  eq(d.high_watermark, 0, "not yet replicated")
  eq(values(c, "t", 0), "", "so a consumer does not see it")
  c:advance(200)
  eq(partition(c, "t", 0).high_watermark, 1, "replicated")
  eq(values(c, "t", 0), "x", "visible")
end)

test("a stopped leader is replaced by an in-sync replica and leaves the ISR", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { partitions = 3, replication_factor = 3 }))
  local before = partition(c, "t", 0)
  assert(c:stop_broker(before.leader))
  local after = partition(c, "t", 0)
  assert(after.leader ~= before.leader, "a new leader")
  eq(#after.isr, 2, "ISR without the stopped broker")
  eq(c:metrics().UnderReplicatedPartitions, 3, "every partition is under-replicated")
  fails_with("BROKER_NOT_AVAILABLE", c:stop_broker(before.leader))
  fails_with("BROKER_NOT_AVAILABLE", c:stop_broker(9))
  assert(c:start_broker(before.leader))
  c:advance(10)
  eq(#partition(c, "t", 0).isr, 3, "back in sync")
  eq(c:metrics().UnderReplicatedPartitions, 0, "fully replicated again")
  eq(c:elect_leaders("t") >= 1, true, "preferred leaders move back")
  eq(partition(c, "t", 0).leader, before.replicas[1], "the preferred replica leads")
end)

test("a topic with replication factor N survives N-1 broker failures, not N", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 3 }))
  local p = c:producer{}
  assert(p:send("t", "kept"))
  local replicas = partition(c, "t", 0).replicas
  assert(c:stop_broker(replicas[1]))
  assert(c:stop_broker(replicas[2]))
  eq(values(c, "t", 0), "kept", "one replica left is enough")
  assert(c:stop_broker(replicas[3]))
  local d = partition(c, "t", 0)
  eq(d.leader, nil, "offline")
  eq(c:metrics().OfflinePartitionsCount, 1, "offline partitions")
  assert(tostring(c:describe_topic("t")):find("Leader: none", 1, true), "kafka-topics prints Leader: none")
  assert(c:start_broker(replicas[3]))
  eq(partition(c, "t", 0).leader, replicas[3], "the last in-sync replica leads again")
end)

test("min.insync.replicas refuses acks=all writes with NOT_ENOUGH_REPLICAS once too few replicas are in sync", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 3, config = { ["min.insync.replicas"] = 2 } }))
  local replicas = partition(c, "t", 0).replicas
  assert(c:stop_broker(replicas[2]))
  assert(c:producer{}:send("t", "two of three"))
  assert(c:stop_broker(replicas[3]))
  local err = fails_with("NOT_ENOUGH_REPLICAS", c:producer{ retries = 0 }:send("t", "one of three"))
  eq(err.retriable, true, "retriable")
  local t0 = c:now()
  fails_with("NOT_ENOUGH_REPLICAS", c:producer{}:send("t", "retried"))
  assert(c:now() - t0 > 100000, "the default producer retries until delivery.timeout.ms")
  assert(c:producer{ acks = 1 }:send("t", "acks=1 ignores min.insync.replicas"))
end)

test("acks=1 loses a write when the leader dies before the followers fetched it; acks=all does not", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 3 }))
  local leader = partition(c, "t", 0).leader
  for _, follower in ipairs(partition(c, "t", 0).replicas) do
    if follower ~= leader then assert(c:set_latency(leader, follower, 100)) end
  end
  local md = assert(c:producer{ acks = 1 }:send("t", "acked but lost"))
  eq(md.offset, 0, "acknowledged")
  assert(c:stop_broker(leader))
  assert(c:producer{ acks = 1 }:send("t", "after"))
  assert(c:start_broker(leader))
  c:advance(500)
  eq(values(c, "t", 0), "after", "the acknowledged write is gone, everywhere")
  local truncated = false
  for _, e in ipairs(c:events()) do if e.kind == "Truncation" then truncated = true end end
  assert(truncated, "the old leader truncated its copy")
end)

test("unclean leader election keeps a partition available and loses what the new leader lacks", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 2, config = { ["unclean.leader.election.enable"] = true } }))
  local d = partition(c, "t", 0)
  local leader, follower = d.leader, d.replicas[1] == d.leader and d.replicas[2] or d.replicas[1]
  assert(c:stop_broker(follower))
  assert(c:producer{}:send("t", "only on the leader"))
  assert(c:stop_broker(leader))
  eq(partition(c, "t", 0).leader, nil, "offline: the only in-sync replica is down")
  assert(c:start_broker(follower))
  eq(partition(c, "t", 0).leader, follower, "the out-of-sync replica leads")
  eq(c:metrics().UncleanLeaderElectionsPerSec, 1, "counted")
  eq(values(c, "t", 0), "", "the record is lost")
end)

test("a slow follower leaves the ISR after replica.lag.time.max.ms and returns when it catches up", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 2 }))
  local d = partition(c, "t", 0)
  local follower = d.replicas[1] == d.leader and d.replicas[2] or d.replicas[1]
  assert(c:set_latency(d.leader, follower, 60000))  -- the answer to its fetch takes a minute
  assert(c:producer{ acks = 1 }:send("t", "x"))
  c:advance(29000)
  eq(#partition(c, "t", 0).isr, 2, "still in sync before 30 s")
  c:advance(16000)
  eq(#partition(c, "t", 0).isr, 1, "out of the ISR within 1.5 x replica.lag.time.max.ms")
  assert(c:set_latency(d.leader, follower, 1))
  c:advance(60000)
  eq(#partition(c, "t", 0).isr, 2, "back once caught up")
  local m = c:metrics()
  eq(m.IsrShrinksPerSec, 1, "shrinks")
  eq(m.IsrExpandsPerSec, 1, "expands")
end)

test("a network partition: the isolated leader is fenced after 9 s and its acks=1 writes are lost on heal", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 3 }))
  local stale = c:producer{ acks = 1 }
  assert(stale:send("t", { partition = 0, value = "kept" }))
  c:advance(100)
  local old = partition(c, "t", 0).leader
  assert(c:isolate(old))
  fails_with("INVALID_REQUEST", c:isolate(old))
  fails_with("BROKER_NOT_AVAILABLE", c:isolate(9))
  c:advance(9000)
  local after = partition(c, "t", 0)
  assert(after.leader ~= old, "the controller moved leadership away")
  for _, b in ipairs(c:brokers()) do
    if b.id == old then eq(b.isolated and b.fenced, true, "isolated and fenced") end
  end
  local zombie = assert(stale:send("t", { partition = 0, value = "zombie" }))
  eq(zombie.offset, 1, "the zombie leader acknowledged it")
  eq(values(c, "t", 0), "kept", "but the real leader never had it")
  assert(c:heal())
  fails_with("INVALID_REQUEST", c:heal())
  c:advance(2000)
  eq(#partition(c, "t", 0).isr, 3, "back in the ISR")
  local kinds = {}
  for _, e in ipairs(c:events()) do kinds[e.kind] = (kinds[e.kind] or 0) + 1 end
  eq(kinds.BrokerIsolated, 1, "BrokerIsolated")
  eq(kinds.BrokerFenced, 1, "BrokerFenced")
  eq(kinds.NetworkHealed, 1, "NetworkHealed")
  eq(kinds.Truncation, 1, "the zombie's write truncated")
end)

test("the same seed and script give the same timeline", function()
  local function run()
    local c = klab.cluster{ seed = 5 }
    assert(c:create_topic("t", { partitions = 4, replication_factor = 3 }))
    local p = c:producer{}
    for i = 1, 20 do p:send("t", "v" .. i, function() end) end
    p:flush()
    c:stop_broker(2)
    for i = 1, 20 do assert(p:send("t", { key = "k" .. i, value = "w" })) end
    c:start_broker(2)
    c:advance(1000)
    local out = {}
    for _, e in ipairs(c:events()) do out[#out + 1] = e.time .. " " .. e.description end
    out[#out + 1] = tostring(c:describe_topic("t"))
    return table.concat(out, "\n")
  end
  eq(run(), run(), "timeline")
end)

h.finish()
