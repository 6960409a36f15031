-- Lab 12: monitoring. The lab runs a payments pipeline while the inspector records it: one consumer
-- group falls behind and a broker stops for a while. The student answers an on-call engineer's
-- questions with SQL on the recording — which group lags and since when, which partitions were
-- under-replicated and for how long, when each leader election happened — and the checks compare
-- the answers with the recording and the kernel's own events.
local TOPIC = "payments"
local LAG_THRESHOLD = 100

-- Variant k: which broker fails, when, for how long, and which of the two groups is the slow one.
local function variant(k)
  return { params = {
    broker = 1 + k % 3,
    stop_ms = 12000 + 1500 * k,
    down_ms = 15000 + 2000 * (k % 2),
    slow_from_ms = 20000 + 1000 * k,
    slow_group = k % 2 == 0 and "audit" or "billing",
    fast_group = k % 2 == 0 and "billing" or "audit",
  } }
end

-- The run the recording holds: 40 payments per simulated second for 45 s; both groups keep up until
-- params.slow_from_ms, then the slow one reads only 20 records a second (its processing got slow);
-- params.broker stops at params.stop_ms for params.down_ms.
local function setup(c, params)
  params = params.broker and params or variant(0).params
  inspect.open(c, { ["inspect.sample.ms"] = 1000 })
  assert(c:create_topic(TOPIC, { partitions = 3, replication_factor = 3, config = { ["min.insync.replicas"] = 2 } }))
  local p = c:producer{ acks = "all", ["linger.ms"] = 5 }
  local function group(id, records)
    local k = c:consumer{ ["group.id"] = id, ["auto.offset.reset"] = "earliest", ["enable.auto.commit"] = false,
                          ["max.poll.records"] = records, ["client.id"] = id .. "-1" }
    k:subscribe{ TOPIC }
    return k
  end
  local fast, slow = group(params.fast_group, 500), group(params.slow_group, 20)
  local stopped, restarted = false, false
  for step = 1, 90 do
    for i = 1, 20 do p:send(TOPIC, { key = "card-" .. ((step * 20 + i) % 37), value = "amount=" .. i }, function() end) end
    fast:poll(10)
    fast:commit()
    local slow_polls = c:now() < params.slow_from_ms and 10 or (step % 2 == 0 and 1 or 0)
    for _ = 1, slow_polls do slow:poll(10) end
    slow:commit()
    if not stopped and c:now() >= params.stop_ms then stopped = assert(c:stop_broker(params.broker)) end
    if stopped and not restarted and c:now() >= params.stop_ms + params.down_ms then
      restarted = assert(c:start_broker(params.broker))
    end
    c:advance(500 - c:now() % 500)
  end
  p:flush()
end

-- Kernel facts for the checks.
local function events_of(c, kinds, topic)
  local out = {}
  for _, e in ipairs(c:events()) do
    if kinds[e.kind] and (topic == nil or e.topic == topic) then out[#out + 1] = e end
  end
  return out
end

return {
  id = 12,
  slug = "monitoring",
  title = "Monitoring: lag, under-replicated partitions and elections, with SQL",
  mirrors = "Kafka documentation \"Monitoring\" (consumer lag, UnderReplicatedPartitions, leader elections); "
         .. "kafka-consumer-groups.sh --describe",
  cluster = { brokers = 3, seed = 12 },
  variant = variant,
  setup = setup,
  intro = [[
You are on call. While you were away, the cluster below ran a payments pipeline: producers
wrote to the topic payments (3 partitions, 3 replicas, min.insync.replicas = 2) and two
consumer groups, audit and billing, read it. Something went wrong twice: a group fell behind
and a broker stopped for a while. The inspector recorded everything in an SQLite database:
query it with inspect.sql("SELECT ..."). inspect.schema() lists the tables and views
(group_lag, latest_lag, under_replicated, leader_elections, events, ...); help("inspect").
Every time is simulated milliseconds (time_ms).]],
  steps = {
    {
      id = "lagging-group",
      title = "Which group lags, and since when",
      points = 4,
      text = [[
The view group_lag has one row per group and sample: its total lag (records written but not yet
committed by the group). Find the group whose lag keeps growing, and the first sampled time at
which its total lag exceeded 100 records:
  inspect.sql("SELECT time_ms, group_id, lag FROM group_lag ORDER BY time_ms")
  inspect.plot("SELECT time_ms, group_id, lag FROM group_lag")       -- a sparkline per group
  lab.answer("lagging_group", "...")
  lab.answer("lag_over_100_since_ms", 12345)]],
      hints = {
        "inspect.lag(\"audit\") and inspect.lag(\"billing\") show each group at the latest sample.",
        "SELECT MIN(time_ms) FROM group_lag WHERE group_id = '...' AND lag > 100",
      },
      check = function(ctx)
        local worst = inspect.sql("SELECT group_id FROM group_lag WHERE sample_id = (SELECT MAX(sample_id) FROM group_lag) "
                                  .. "ORDER BY lag DESC LIMIT 1")[1]
        if ctx.need("lagging_group", "string") ~= worst.group_id then
          return false, "lagging_group: compare the groups' lag at the latest sample"
        end
        -- The kernel agrees: that group's committed offsets are the furthest behind.
        local described = ctx.cluster:describe_group(worst.group_id)
        if not described then return false, "the lagging group no longer exists" end
        local since = inspect.sql(string.format(
          "SELECT MIN(time_ms) AS t FROM group_lag WHERE group_id = '%s' AND lag > %d", worst.group_id, LAG_THRESHOLD))[1].t
        if ctx.need("lag_over_100_since_ms", "number") ~= since then
          return false, "lag_over_100_since_ms: the first time_ms of group_lag where that group's lag is above 100"
        end
        return true
      end,
    },
    {
      id = "under-replicated",
      title = "Which partitions were under-replicated, and for how long",
      points = 4,
      text = [[
While a broker is down, every partition with a replica on it is under-replicated: its ISR is
smaller than its replica set (the broker metric UnderReplicatedPartitions counts them). The
events table records each ISR change as it happened: IsrShrink when a replica left the ISR,
IsrExpand when it came back. For each partition of payments that was under-replicated, report
how long it was, in ms, from its IsrShrink to its IsrExpand:
  inspect.sql("SELECT time_ms, kind, partition, description FROM events WHERE topic = 'payments'")
  lab.answer("under_replicated_ms", { ["payments-0"] = 12345, ... })]],
      hints = {
        "The view under_replicated lists every sample at which a partition's ISR was short.",
        "GROUP BY partition with MIN(CASE WHEN kind = 'IsrShrink' THEN time_ms END) and the same for IsrExpand.",
      },
      check = function(ctx)
        local reported = ctx.need("under_replicated_ms", "table")
        local shrink, expand = {}, {}
        for _, e in ipairs(events_of(ctx.cluster, { IsrShrink = true, IsrExpand = true }, TOPIC)) do
          local name = TOPIC .. "-" .. e.partition
          if e.kind == "IsrShrink" then shrink[name] = shrink[name] or e.time else expand[name] = e.time end
        end
        local count = 0
        for name, from in pairs(shrink) do
          count = count + 1
          local expected = (expand[name] or ctx.cluster:now()) - from
          local answer = reported[name]
          if type(answer) ~= "number" then return false, "under_replicated_ms: " .. name .. " was under-replicated too" end
          if math.abs(answer - expected) > 1000 then
            return false, "under_replicated_ms." .. name .. ": from its IsrShrink to its IsrExpand"
          end
        end
        for name in pairs(reported) do
          if not shrink[name] then return false, "under_replicated_ms: " .. tostring(name) .. " never left full ISR" end
        end
        if count == 0 then return false, "the recording shows no under-replicated partition (was the lab set up?)" end
        -- The recording agrees with the events: a sample inside each stretch shows the partition short.
        local sampled = inspect.sql("SELECT COUNT(DISTINCT partition) AS n FROM under_replicated WHERE topic = 'payments'")[1].n
        if sampled ~= count then return false, "the recording and the events disagree (was the recording stopped?)" end
        return true
      end,
    },
    {
      id = "elections",
      title = "When was each leader elected",
      points = 2,
      text = [[
When the broker stopped, the controller moved leadership of the payments partitions it led to
in-sync replicas. Report the simulated time of every leader election of a payments partition,
in order (view leader_elections):
  lab.answer("election_times_ms", { 12000, ... })]],
      hints = { "SELECT time_ms FROM leader_elections WHERE topic = 'payments' ORDER BY time_ms" },
      check = function(ctx)
        local reported = ctx.need("election_times_ms", "table")
        local expected = {}
        for _, e in ipairs(events_of(ctx.cluster, { LeaderElected = true, UncleanLeaderElection = true }, TOPIC)) do
          expected[#expected + 1] = e.time
        end
        if #expected == 0 then return false, "no election of a payments partition was recorded (was the lab set up?)" end
        if #reported ~= #expected then
          return false, string.format("election_times_ms: %d elections of payments partitions were recorded", #expected)
        end
        for i, t in ipairs(expected) do
          if reported[i] ~= t then return false, "election_times_ms: not the times leader_elections holds, in order" end
        end
        return true
      end,
    },
  },
}
