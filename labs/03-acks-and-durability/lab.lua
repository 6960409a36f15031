-- Lab 03: acks and durability. The producer questions of polomarcus/tp ("duplicates or missing data:
-- acks, idempotence, min.insync.replicas") and the "safe producer" lesson of the Kafka beginners course:
-- what each acks setting costs, the leader crash that loses an acks=1 write and keeps an acks=all one,
-- and min.insync.replicas refusing writes. Checks replay the cluster's events and read the logs.
local CLUSTER = { brokers = 3, seed = 42 }
local COSTS, CRASH, SAFE = "payments", "orders", "safe"

-- The first committed record of `topic` with this value, or nil.
local function find(ctx, topic, value)
  for _, record in ipairs(ctx.records(topic)) do
    if record.value == value then return record end
  end
  return nil
end

-- A topic every partition of which has a leader (a consumer can read it), with replication factor 3.
local function readable(ctx, topic)
  local description = ctx.topic(topic)
  if description.replication_factor ~= 3 then
    ctx.fail(string.format("%s has replication factor %d, not 3", topic, description.replication_factor))
  end
  for _, info in ipairs(description.partitions) do
    if info.leader == nil then
      ctx.fail(string.format("%s-%d is offline (Leader: none): start a broker so it can be read", topic, info.partition))
    end
  end
  return description
end

-- How many brokers were stopped at simulated time `time` (the cluster's events up to then).
local function down_at(ctx, time)
  local down, count = {}, 0
  for _, event in ipairs(ctx.cluster:events()) do
    if event.time > time then break end
    if event.kind == "BrokerStopped" and not down[event.broker] then down[event.broker], count = true, count + 1 end
    if event.kind == "BrokerStarted" and down[event.broker] then down[event.broker], count = nil, count - 1 end
  end
  return count
end

-- The leader of topic-partition at simulated time `time`: the creation leader (first replica), then
-- every LeaderElected event up to then.
local function leader_at(ctx, topic, partition, time)
  local leader = ctx.partition(topic, partition).replicas[1]
  for _, event in ipairs(ctx.cluster:events()) do
    if event.time > time then break end
    if event.kind == "LeaderElected" and event.topic == topic and event.partition == partition then leader = event.broker end
  end
  return leader
end

-- What one write costs with each acks setting on a quiet cluster like the lab's (measured, not assumed).
local function quiet_costs()
  local scratch = klab.cluster(CLUSTER)
  assert(scratch:create_topic(COSTS, { partitions = 1, replication_factor = 3 }))
  local costs = {}
  for _, acks in ipairs { 0, 1, "all" } do
    scratch:advance(100)
    local producer = scratch:producer { acks = acks }
    local before = scratch:now()
    assert(producer:send(COSTS, "acks=" .. acks))
    costs["acks" .. acks] = scratch:now() - before
  end
  return costs
end

return {
  id = 3,
  slug = "acks-and-durability",
  title = "acks and durability",
  mirrors = "polomarcus/tp producer question Q3 (duplicates or missing data: acks, idempotence, "
         .. "min.insync.replicas) and the kafka-beginners-course \"safe producer\" lesson",
  cluster = CLUSTER,
  intro = [[
When is a write "done"? The producer's acks setting decides when the leader answers:
  acks=0    never: the producer does not wait at all (and gets no offset back)
  acks=1    once the leader has written the record to its own log
  acks=all  once every in-sync replica (ISR) has it: the followers fetched it
The followers copy the leader by fetching, a little later. A record only the leader has is lost
if the leader dies first: the new leader never had it. acks=all closes that window at the cost of
a fetch round trip, and min.insync.replicas says how many in-sync copies acks=all insists on.

You will time the three settings, crash a leader under each, and watch min.insync.replicas
refuse a write. klab's network takes 1 ms per hop, so the costs are small, exact numbers.]],
  steps = {
    {
      id = "costs",
      title = "The same write with acks=0, 1 and all: what does each cost?",
      points = 2,
      text = [[
Create payments (1 partition, 3 replicas) and time one write per acks setting:
  cluster:create_topic("payments", { partitions = 1, replication_factor = 3 })
  function timed(acks)
    cluster:advance(100)    -- let earlier writes finish replicating: measure one write alone
    local p = cluster:producer{ acks = acks }
    local before = cluster:now()
    local md = p:send("payments", "acks=" .. acks)
    return cluster:now() - before, md
  end
  cost0, md0 = timed(0); cost1, md1 = timed(1); costall, mdall = timed("all")
send() waits for the answer, so the simulated clock moved by what the write cost. Report:
  lab.answer("cost_ms", { acks0 = cost0, acks1 = cost1, acksall = costall })]],
      hints = {
        "acks=1 is a request to the leader and its answer; acks=all adds the followers' fetch round trip.",
        "Without cluster:advance between writes, acks=all also waits for the replication of the write before it.",
      },
      check = function(ctx)
        readable(ctx, COSTS)
        for _, acks in ipairs { "0", "1", "all" } do
          if not find(ctx, COSTS, "acks=" .. acks) then return false, 'payments has no record "acks=' .. acks .. '"' end
        end
        local reported, expected = ctx.need("cost_ms", "table"), quiet_costs()
        for _, name in ipairs { "acks0", "acks1", "acksall" } do
          if reported[name] ~= expected[name] then
            return false, string.format("cost_ms.%s = %s is not what one write costs on a quiet cluster: time "
                                        .. "each send alone (cluster:now() before and after)", name, ctx.show(reported[name]))
          end
        end
        return true
      end,
    },
    {
      id = "no-offset",
      title = "acks=0 gets no offset back",
      points = 1,
      text = [[
Look at md0.offset, the metadata of the acks=0 write: the producer never heard from the broker,
so it does not know where the record went. Yet the record is in the log. Read payments back:
  k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
  k:assign(k:partitions_for("payments"))
  for _, r in ipairs(k:poll(0)) do print(r.offset, r.value) end
Report both offsets: what the producer was told, and where "acks=0" really is:
  lab.answer("acks0_offset", md0.offset)
  lab.answer("acks0_log_offset", n)]],
      hints = { "With acks=0 an error (a full disk, a dead leader) goes unnoticed as well: nobody answers." },
      check = function(ctx)
        local record = find(ctx, COSTS, "acks=0")
        if not record then return false, 'payments has no record "acks=0" (step 1)' end
        if ctx.need("acks0_offset", "number") ~= -1 then
          return false, "acks0_offset: that is not what an acks=0 send returns as its offset"
        end
        if ctx.need("acks0_log_offset", "number") ~= record.offset then
          return false, 'acks0_log_offset: "acks=0" is not at that offset in payments'
        end
        return true
      end,
    },
    {
      id = "acks1-lost",
      title = "A leader crash loses an acknowledged acks=1 write",
      points = 2,
      text = [[
Create orders (1 partition, 3 replicas) and slow the links from its leader to both followers,
so they fetch 100 ms late:
  cluster:create_topic("orders", { partitions = 1, replication_factor = 3 })
  d = cluster:describe_topic("orders").partitions[1]
  for _, f in ipairs(d.replicas) do if f ~= d.leader then cluster:set_latency(d.leader, f, 100) end end
Write "order-1" with acks=1, crash the leader before the followers have it, write "order-2"
to the new leader, and bring the old leader back:
  md1 = cluster:producer{ acks = 1 }:send("orders", "order-1")
  cluster:stop_broker(d.leader)
  cluster:producer{ acks = 1 }:send("orders", "order-2")
  cluster:start_broker(d.leader); cluster:advance(1000)
Type cluster:events() at the prompt: the old leader truncated its log. Report the offset order-1
was acknowledged at, and the value that offset holds now:
  lab.answer("acks1_offset", md1.offset)
  lab.answer("offset_now_holds", "...")]],
      hints = {
        "Read orders back as in step 2 and look at the record at md1.offset.",
        "The producer got an offset, the application moved on: for it, order-1 was saved.",
      },
      check = function(ctx)
        readable(ctx, CRASH)
        if find(ctx, CRASH, "order-1") then
          return false, "order-1 survived: crash the leader right after the acks=1 send, before the slow followers fetch it"
        end
        local truncated = false
        for _, event in ipairs(ctx.cluster:events()) do
          -- (the kernel leaves event.topic empty on Truncation events for now)
          if event.kind == "Truncation" and (event.topic == nil or event.topic == CRASH) then truncated = true end
        end
        if not truncated then return false, "no broker truncated a write away: did the old leader come back?" end
        local offset = ctx.need("acks1_offset", "number")
        if offset < 0 then return false, "acks1_offset: an acks=1 write gets a real offset back" end
        local now = nil
        for _, record in ipairs(ctx.records(CRASH)) do if record.offset == offset then now = record.value end end
        if now == nil or ctx.need("offset_now_holds") ~= now then
          return false, "offset_now_holds: orders does not hold that value at offset " .. offset
        end
        return true
      end,
    },
    {
      id = "acksall-kept",
      title = "The same crash with acks=all keeps the write",
      points = 2,
      text = [[
Now the same accident with acks=all. Slow the links of the CURRENT leader of orders, write
"order-3" with acks=all and crash that leader at once:
  d = cluster:describe_topic("orders").partitions[1]
  for _, f in ipairs(d.replicas) do if f ~= d.leader then cluster:set_latency(d.leader, f, 100) end end
  cluster:producer{ acks = "all" }:send("orders", "order-3")   -- note cluster:now(): it waited
  cluster:stop_broker(d.leader)
  print(cluster:describe_topic("orders"))
Start it again (cluster:start_broker(d.leader); cluster:advance(1000)) and read orders back.
Which of order-1 and order-3 survived?
  lab.answer("survived", "order-?")]],
      hints = {
        "The acks=all send only returned once both followers had fetched order-3, so the new leader has it.",
        "Links stay slow until cluster:set_latency(from, to, 1) puts them back; later steps do not mind.",
      },
      check = function(ctx)
        readable(ctx, CRASH)
        local kept = find(ctx, CRASH, "order-3")
        if not kept then
          local info = ctx.partition(CRASH, 0)
          if info.log_end_offset > info.high_watermark then
            return false, "consumers cannot see order-3 yet: a new leader's high watermark moves once its followers "
                       .. "fetch again; let the cluster run (cluster:advance(1000)) and check again"
          end
          return false, "orders has no record order-3"
        end
        local leader = leader_at(ctx, CRASH, 0, kept.timestamp)
        local crashed = false
        for _, event in ipairs(ctx.cluster:events()) do
          if event.kind == "BrokerStopped" and event.broker == leader and event.time >= kept.timestamp then crashed = true end
        end
        if not crashed then
          return false, "broker " .. leader .. " took order-3 as leader but was not stopped afterwards"
        end
        if find(ctx, CRASH, "order-1") then return false, "order-1 is still in orders: do step 3 first" end
        local survived = ctx.need("survived", "string")
        if not find(ctx, CRASH, survived) or survived:match("^order%-[13]$") == nil then
          return false, "survived: " .. ctx.show(survived) .. " is not the one orders still holds"
        end
        return true
      end,
    },
    {
      id = "min-insync",
      title = "min.insync.replicas=2: one broker down is fine, two are not",
      points = 2,
      text = [[
acks=all waits for the in-sync replicas, however few. min.insync.replicas sets a floor:
  cluster:create_topic("safe", { partitions = 1, replication_factor = 3,
                                 config = { ["min.insync.replicas"] = 2 } })
  s = cluster:describe_topic("safe").partitions[1]
  p = cluster:producer{ acks = "all", retries = 0 }
If a broker is still stopped from step 4, start it. Then stop one follower of safe (a broker of
s.replicas other than s.leader) and send "one broker down": it works, the ISR has 2 replicas.
Stop the other follower and send "two brokers down":
  ok, err = p:send("safe", "two brokers down")
With retries = 0 the error comes back at once; the default producer retries for
delivery.timeout.ms (2 minutes of simulated time) first. Report the error's name:
  lab.answer("error_name", err.name)]],
      hints = {
        "Kafka refuses the write rather than keep it on a single broker: the durability you asked for.",
        "for _, b in ipairs(cluster:brokers()) do print(b.id, b.alive) end shows who is up.",
      },
      check = function(ctx)
        local description = readable(ctx, SAFE)
        if tostring(description.config["min.insync.replicas"]) ~= "2" then
          return false, "safe does not have min.insync.replicas=2"
        end
        local one = find(ctx, SAFE, "one broker down")
        if not one then return false, 'safe has no record "one broker down"' end
        if down_at(ctx, one.timestamp) ~= 1 then
          return false, string.format('"one broker down" was written with %d broker(s) down, not 1', down_at(ctx, one.timestamp))
        end
        if find(ctx, SAFE, "two brokers down") then return false, '"two brokers down" was accepted: was a second broker down?' end
        local alive = 0
        for _, broker in ipairs(ctx.cluster:brokers()) do if broker.alive then alive = alive + 1 end end
        if alive > 1 and #description.partitions[1].isr > 1 then
          return false, "the cluster has " .. alive .. " brokers up and safe's ISR has more than 1: stop the second follower"
        end
        if ctx.need("error_name", "string") ~= "NOT_ENOUGH_REPLICAS" then
          return false, "error_name: not the error a send to safe gets now (err.name)"
        end
        return true
      end,
    },
    {
      id = "safe-producer",
      title = "Which settings make a safe producer?",
      points = 1,
      visibility = "after_due_date",
      text = [[
Which settings make a "safe producer" (no acknowledged write lost to one broker failure)?
  a) acks=1 and retries=0: fast, and the leader's disk keeps the data
  b) acks=all, a topic with replication factor 3 and min.insync.replicas=2, retries with
     enable.idempotence=true (so a retried send cannot be written twice)
  c) acks=0 with replication factor 3: three copies protect the data
  d) acks=all with min.insync.replicas=3 on replication factor 3
  lab.answer("safe_producer", "?")
With two of safe's three brokers down, which producers can still write to it?
  a) acks=all only   b) acks=0 and acks=1: they do not wait for the ISR   c) none   d) all
  lab.answer("still_writes", "?")]],
      hints = {
        "d) refuses every write as soon as any one broker is down.",
        "min.insync.replicas only concerns acks=all writes: try cluster:producer{ acks = 1 }:send(\"safe\", \"x\").",
      },
      check = function(ctx)
        local wrong = {}
        if ctx.choice("safe_producer") ~= "b" then wrong[#wrong + 1] = "safe_producer" end
        if ctx.choice("still_writes") ~= "b" then wrong[#wrong + 1] = "still_writes" end
        if #wrong > 0 then return false, "not yet right: " .. table.concat(wrong, ", ") end
        return true
      end,
    },
  },
}
