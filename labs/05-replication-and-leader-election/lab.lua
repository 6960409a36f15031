-- Lab 05: replication and leader election. The replication part of polomarcus/tp and gschmutz's
-- kafka-workshop 03 "understanding failover": testreplicated with 2 partitions on 3 brokers, stop brokers
-- one by one, describe, restart, preferred-replica election; then an unclean election that loses data.
-- Checks replay the cluster's events (the timeline of stops, elections and offline partitions) and read
-- the logs, so answers are compared with what happened, whatever the order of the stops.
local TOPIC, FRAGILE = "testreplicated", "fragile"
local TWO_DOWN, BEFORE, WHILE_DOWN = "written with two brokers down", "before", "while the follower was down"

local function same_set(a, b)
  if type(a) ~= "table" or #a ~= #b then return false end
  local seen = {}
  for _, item in ipairs(b) do seen[item] = true end
  for _, item in ipairs(a) do if not seen[item] then return false end end
  return true
end

-- testreplicated with 2 partitions and replication factor 3.
local function topic(ctx)
  local description = ctx.topic(TOPIC)
  if description.partition_count ~= 2 or description.replication_factor ~= 3 then
    ctx.fail(string.format("testreplicated has %d partition(s) and replication factor %d, not 2 and 3",
                           description.partition_count, description.replication_factor))
  end
  return description
end

-- The cluster's timeline, replayed: the BrokerStopped events in order, and the first time every broker
-- was down ({ index and event of the last stop, offline = how many partitions were offline then }), or nil.
local function timeline(ctx)
  local brokers = #ctx.cluster:brokers()
  local down, down_count, offline, offline_count = {}, 0, {}, 0
  local result = { stops = {}, events = ctx.cluster:events() }
  for index, event in ipairs(result.events) do
    local name = event.topic and (event.topic .. "-" .. tostring(event.partition))
    if event.kind == "BrokerStopped" then
      result.stops[#result.stops + 1] = event
      if not down[event.broker] then down[event.broker], down_count = true, down_count + 1 end
    elseif event.kind == "BrokerStarted" and down[event.broker] then
      down[event.broker], down_count = nil, down_count - 1
    elseif event.kind == "PartitionOffline" and not offline[name] then
      offline[name], offline_count = true, offline_count + 1
    elseif event.kind == "LeaderElected" and offline[name] then
      offline[name], offline_count = nil, offline_count - 1
    end
    if down_count == brokers and not result.all_down then
      result.all_down = { index = index, event = event, offline = offline_count, open = true }
    elseif result.all_down and result.all_down.open then
      -- the partitions go offline right after the last stop; the episode ends at the first start
      if down_count < brokers then result.all_down.open = false end
      if down_count == brokers then result.all_down.offline = math.max(result.all_down.offline, offline_count) end
    end
  end
  return result
end

-- How many brokers were stopped at simulated time `time`.
local function down_at(ctx, time)
  local down, count = {}, 0
  for _, event in ipairs(ctx.cluster:events()) do
    if event.time > time then break end
    if event.kind == "BrokerStopped" and not down[event.broker] then down[event.broker], count = true, count + 1 end
    if event.kind == "BrokerStarted" and down[event.broker] then down[event.broker], count = nil, count - 1 end
  end
  return count
end

return {
  id = 5,
  slug = "replication-and-leader-election",
  title = "Replication and leader election",
  mirrors = "polomarcus/tp replication part and gschmutz/kafka-workshop 03 \"understanding failover\": "
         .. "a topic with replication factor 3, stop brokers, describe, restart",
  cluster = { brokers = 3, seed = 42 },
  intro = [[
With replication factor 3, each partition lives on 3 brokers: one leader, which takes every
read and write, and two followers, which copy it by fetching. The in-sync replicas (ISR) are
the ones that are up to date. When a leader dies, the controller makes another in-sync
replica the leader: clients notice a short hiccup and carry on, nothing acknowledged is lost.

You will kill brokers one by one and watch that happen: new leaders, shrinking ISRs, the
metrics an operator watches, a topic surviving two failures of three, then going offline.
Then you bring the brokers back and move the leaders home, and see what an "unclean"
election costs. cluster:events(), typed at the prompt, shows everything the cluster did.]],
  steps = {
    {
      id = "create",
      title = "Create testreplicated and find its leaders",
      points = 1,
      text = [[
Create the topic of the workshop, and write a few records to it:
  cluster:create_topic("testreplicated", { partitions = 2, replication_factor = 3 })
  p = cluster:producer{}
  for i = 1, 6 do p:send("testreplicated", { key = "k" .. i, value = "record " .. i }) end
  print(cluster:describe_topic("testreplicated"))
Each partition has its own leader, and the brokers share the leaderships out: the first broker
of Replicas (the preferred replica) leads at creation. Report the leaders:
  lab.answer("leaders", { p0 = ..., p1 = ... })]],
      hints = { 'cluster:describe_topic("testreplicated").partitions[1].leader is the leader of partition 0.' },
      check = function(ctx)
        local description = topic(ctx)
        local reported = ctx.need("leaders", "table")
        for _, info in ipairs(description.partitions) do
          if reported["p" .. info.partition] ~= info.replicas[1] then
            return false, string.format("leaders.p%d = %s did not lead partition %d at creation", info.partition,
                                        ctx.show(reported["p" .. info.partition]), info.partition)
          end
        end
        return true
      end,
    },
    {
      id = "failover",
      title = "Stop the leader of partition 0: who takes over?",
      points = 2,
      text = [[
Stop the broker that leads partition 0 (the workshop docker-stops its container), and describe:
  cluster:stop_broker(leader_of_p0)
  print(cluster:describe_topic("testreplicated"))
Partition 0 has a new leader, taken from the ISR, and the stopped broker left the ISR of every
partition. Replicas does not change: it is where the partition should live. Report the new
leader and the ISR of partition 0 (a list of broker ids):
  lab.answer("new_leader_p0", n)
  lab.answer("isr_p0", { ... })]],
      hints = {
        "cluster:events() at the prompt shows the LeaderElected event with the new leader.",
        "Stop the leader of partition 0 first, before any other broker.",
      },
      check = function(ctx)
        local description = topic(ctx)
        local replicas = description.partitions[1].replicas
        local first = timeline(ctx).stops[1]
        if not first then return false, "no broker was stopped yet" end
        if first.broker ~= replicas[1] then
          return false, "the first broker stopped was " .. first.broker .. ", not the leader of partition 0"
        end
        local elected
        for _, event in ipairs(ctx.cluster:events()) do
          if not elected and event.kind == "LeaderElected" and event.topic == TOPIC and event.partition == 0 then
            elected = event.broker
          end
        end
        if ctx.need("new_leader_p0", "number") ~= elected then
          return false, "new_leader_p0: broker " .. ctx.show(ctx.answer("new_leader_p0")) .. " did not take over partition 0"
        end
        local isr = {}
        for _, broker in ipairs(replicas) do if broker ~= first.broker then isr[#isr + 1] = broker end end
        if not same_set(ctx.need("isr_p0", "table"), isr) then
          return false, "isr_p0: that was not the ISR of partition 0 once its leader had stopped"
        end
        return true
      end,
    },
    {
      id = "under-replicated",
      title = "UnderReplicatedPartitions",
      points = 1,
      text = [[
An operator does not read describe output all day: they watch the brokers' metrics, and the
first alarm of a replication problem is UnderReplicatedPartitions, the number of partitions
whose ISR is smaller than their replica list. With the broker still down, read it:
  m = cluster:metrics()
  print(m.UnderReplicatedPartitions, m.OfflinePartitionsCount, m.IsrShrinksPerSec)
  lab.answer("under_replicated", m.UnderReplicatedPartitions)]],
      hints = { "Every partition with a replica on the stopped broker counts: how many of testreplicated's have one?" },
      check = function(ctx)
        local description = topic(ctx)
        local first = timeline(ctx).stops[1]
        if not first then return false, "no broker was stopped yet" end
        local expected = 0
        for _, info in ipairs(description.partitions) do
          for _, broker in ipairs(info.replicas) do if broker == first.broker then expected = expected + 1 end end
        end
        if ctx.need("under_replicated", "number") ~= expected then
          return false, "under_replicated: not what UnderReplicatedPartitions said with broker " .. first.broker .. " down"
        end
        return true
      end,
    },
    {
      id = "two-down",
      title = "Stop a second broker: the topic still works",
      points = 1,
      text = [[
Stop a second broker, the new leader of partition 0. One replica of each partition is left.
Write to the topic and read the record back:
  md = p:send("testreplicated", "written with two brokers down")
  k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
  k:assign(k:partitions_for("testreplicated"))
  for _, r in ipairs(k:poll(0)) do print(r.partition, r.offset, r.value) end
With replication factor N a partition survives N-1 broker failures. Report where it went:
  lab.answer("two_down_record", { partition = md.partition, offset = md.offset })]],
      hints = { "The ISR is down to one broker now, but the default min.insync.replicas=1 accepts that." },
      check = function(ctx)
        topic(ctx)
        for _, info in ipairs(ctx.describe(TOPIC).partitions) do
          if info.leader == nil then
            return false, "testreplicated is offline, so this check cannot read it: it passes again once the "
                       .. "brokers are back (step 6)"
          end
        end
        local written
        for _, record in ipairs(ctx.records(TOPIC)) do if record.value == TWO_DOWN then written = record end end
        if not written then return false, 'testreplicated has no record "' .. TWO_DOWN .. '"' end
        if down_at(ctx, written.timestamp) ~= 2 then
          return false, string.format("the record was written with %d broker(s) down, not 2", down_at(ctx, written.timestamp))
        end
        local reported = ctx.need("two_down_record", "table")
        if reported.partition ~= written.partition or reported.offset ~= written.offset then
          return false, "two_down_record: the record is not at that partition and offset"
        end
        return true
      end,
    },
    {
      id = "all-down",
      title = "Stop the third broker: Leader: none",
      points = 1,
      text = [[
Stop the broker that is still alive, and describe the topic:
  print(cluster:describe_topic("testreplicated"))
  print(cluster:metrics().OfflinePartitionsCount)
No replica is alive, so no leader: "Leader: none", the partitions are offline and a producer
would wait delivery.timeout.ms (2 minutes) and fail. (A real cluster would not even answer you
now; klab lets you look inside.) Isr keeps one broker: the last in-sync replica, the only one
known to have every acknowledged record. Report the count of offline partitions and that broker:
  lab.answer("offline_partitions", n)
  lab.answer("last_in_sync", id)]],
      hints = { 'cluster:describe_topic("testreplicated").partitions[1].isr[1] is that broker.' },
      check = function(ctx)
        topic(ctx)
        local all_down = timeline(ctx).all_down
        if not all_down then return false, "every broker should be stopped at some point" end
        if ctx.need("offline_partitions", "number") ~= all_down.offline then
          return false, "offline_partitions: not what OfflinePartitionsCount said with every broker down"
        end
        if ctx.need("last_in_sync", "number") ~= all_down.event.broker then
          return false, "last_in_sync: broker " .. ctx.show(ctx.answer("last_in_sync")) .. " was not the last in-sync replica"
        end
        return true
      end,
    },
    {
      id = "preferred",
      title = "Restart the brokers and move the leaders home",
      points = 2,
      text = [[
Start the three brokers again (cluster:start_broker(id)), let them catch up with
cluster:advance(100), and describe: every partition is led by the broker that came back with
the data, the last in-sync replica. The others truncate, fetch and rejoin the ISR, but one
broker now leads everything. Report the leaders, then run a preferred-replica election
(kafka-leader-election.sh --election-type preferred) and report them again:
  lab.answer("leaders_before", { p0 = ..., p1 = ... })
  print(cluster:elect_leaders("testreplicated"))     -- how many leaders moved
  lab.answer("leaders_after", { p0 = ..., p1 = ... })
Kafka does this by itself too: with auto.leader.rebalance.enable (true by default) the controller
moves leaders back leader.imbalance.check.interval.seconds (300) after the failover, as klab does
if you let 5 simulated minutes pass. Here you do it first, by hand.]],
      hints = {
        "An offline partition only comes back when its last in-sync replica does: start that one too.",
        "The preferred replica is the first of Replicas; it must be alive and in sync to take over.",
      },
      check = function(ctx)
        local description = topic(ctx)
        local line = timeline(ctx)
        if not line.all_down then return false, "do step 5 first: stop every broker" end
        local last = line.all_down.event.broker
        local before, after = ctx.need("leaders_before", "table"), ctx.need("leaders_after", "table")
        for _, info in ipairs(description.partitions) do
          local name = "p" .. info.partition
          if before[name] ~= last then
            return false, "leaders_before." .. name .. ": after the restart broker " .. last .. " led every partition"
          end
          -- between the restart and the next stop (step 7 moves leaders again)
          local home, restarted = false, false
          for index = line.all_down.index + 1, #line.events do
            local event = line.events[index]
            if event.kind == "BrokerStarted" then restarted = true end
            if restarted and event.kind == "BrokerStopped" then break end
            if event.kind == "LeaderElected" and event.topic == TOPIC and event.partition == info.partition
               and event.broker == info.replicas[1] then
              home = true
            end
          end
          if not home then return false, "partition " .. info.partition .. " never got its preferred leader back" end
          if after[name] ~= info.replicas[1] then
            return false, "leaders_after." .. name .. " is not the preferred replica of partition " .. info.partition
          end
        end
        return true
      end,
    },
    {
      id = "unclean",
      title = "An unclean election keeps the topic up and loses data",
      points = 2,
      text = [[
Make a topic with 2 replicas that allows unclean elections, and write to it:
  cluster:create_topic("fragile", { partitions = 1, replication_factor = 2,
                                    config = { ["unclean.leader.election.enable"] = true } })
  f = cluster:describe_topic("fragile").partitions[1]    -- f.leader, and a follower
  p:send("fragile", "before")
Stop the follower, send "while the follower was down" (the ISR is just the leader: accepted),
stop the leader (offline), then start the follower: it is out of sync, but it may lead now.
Start the old leader too, and read fragile back. Report the value that was lost:
  lab.answer("lost", "...")
Why is unclean.leader.election.enable false by default?
  a) unclean elections are slower than clean ones
  b) an out-of-sync replica becomes leader and acknowledged writes silently disappear:
     Kafka prefers an offline partition to lost data, unless you choose availability
  c) it only works with acks=0
  d) it needs ZooKeeper
  lab.answer("why_false", "?")]],
      hints = {
        "cluster:metrics().UncleanLeaderElectionsPerSec counts them; cluster:events() shows the election.",
        "The follower was stopped before the second write: it never had it.",
      },
      check = function(ctx)
        local description = ctx.topic(FRAGILE)
        if description.replication_factor ~= 2 or tostring(description.config["unclean.leader.election.enable"]) ~= "true" then
          return false, "fragile should have replication factor 2 and unclean.leader.election.enable=true"
        end
        local unclean, truncated = false, false
        for _, event in ipairs(ctx.cluster:events()) do
          if event.kind == "UncleanLeaderElection" and event.topic == FRAGILE then unclean = true end
          -- (the kernel leaves event.topic empty on Truncation events for now)
          if unclean and event.kind == "Truncation" and (event.topic == nil or event.topic == FRAGILE) then truncated = true end
        end
        if not unclean then return false, "fragile had no unclean leader election yet" end
        if not truncated then return false, "start the old leader of fragile too: see what it does with its log" end
        if description.partitions[1].leader == nil then return false, "fragile is offline: start a broker" end
        local values = {}
        for _, record in ipairs(ctx.records(FRAGILE)) do values[record.value] = true end
        if not values[BEFORE] then return false, 'fragile has no record "before"' end
        local lost = ctx.need("lost", "string")
        if values[lost] or lost ~= WHILE_DOWN then
          return false, "lost: " .. ctx.show(lost) .. " is not the write the unclean election lost"
        end
        if ctx.choice("why_false") ~= "b" then return false, "why_false: not that one" end
        return true
      end,
    },
  },
}
