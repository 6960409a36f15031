-- Lab 07: rebalancing. The course's ConsumerDemoCooperative and ConsumerDemoRebalanceListener
-- (conduktor/kafka-beginners-course v2) and KIP-429 / KIP-345 made measurable: the eager protocol
-- (range, the first of Kafka 3.x's default partition.assignment.strategy) stops every partition when a
-- member joins or leaves; cooperative-sticky stops only those that move, in two rebalances; a static
-- member (group.instance.id) restarts without any rebalance. Students measure with rebalance listeners
-- and cluster:now(); checks recompute the same figures from the cluster's events (every revocation,
-- assignment and rebalance with its simulated time).
local TOPIC = "clicks"
local EAGER, COOP, STATIC, DYNAMIC = "eager", "coop", "static", "dynamic"

-- A consumer's event: its client id, its group, and what follows "consumer X (group G): " in the
-- description ("member ... : [clicks-0]").
local function consumer_event(event)
  if not event.client_id then return nil end
  return event.client_id, event.group, event.description:match("^consumer %S+ %(group [^)]*%): (.*)$")
end

local function coordinator_group(event)
  return not event.client_id and event.group or nil
end

-- Partition numbers of TOPIC in a "[clicks-0, clicks-3]" list.
local function partitions_in(text)
  local list = {}
  for number in (text:match("%[(.*)%]$") or ""):gmatch(TOPIC:gsub("%-", "%%-") .. "%-(%d+)") do
    list[#list + 1] = tonumber(number)
  end
  return list
end

-- The group's timeline: stops (a partition revoked or lost, then assigned again: {partition, from,
-- to, index}), rebalances (RebalanceStarted {time, index}), generations (AssignmentStored times),
-- joins (MemberJoined, with the member count after it), leaves (the first event of each consumer
-- that closed or crashed: its revocation, or the close itself).
local function timeline(ctx, group)
  local events = ctx.cluster:events()
  local line = { stops = {}, rebalances = {}, generations = {}, joins = {}, leaves = {}, open = {} }
  local members, last_revocation = 0, {}
  for index, event in ipairs(events) do
    local client, owner, rest = consumer_event(event)
    if owner == group then
      if event.kind == "PartitionsRevoked" or event.kind == "PartitionsLost" then
        for _, p in ipairs(partitions_in(rest)) do
          line.open[p] = { partition = p, from = event.time, index = index }
        end
        last_revocation[client] = index
      elseif event.kind == "PartitionsAssigned" then
        for _, p in ipairs(partitions_in(rest)) do
          local stop = line.open[p]
          if stop then
            stop.to = event.time
            line.stops[#line.stops + 1] = stop
            line.open[p] = nil
          end
        end
      elseif event.kind == "ConsumerClosed" or event.kind == "ConsumerCrashed" then
        local from = last_revocation[client] or index
        line.leaves[#line.leaves + 1] = { index = from, time = events[from].time, client = client }
      end
      if event.kind == "JoinComplete" then last_revocation[client] = nil end
    elseif coordinator_group(event) == group then
      if event.kind == "MemberJoined" then
        members = members + 1
        line.joins[#line.joins + 1] = { index = index, time = event.time, members = members }
      elseif event.kind == "MemberLeft" or event.kind == "MemberRemoved" or event.kind == "MemberSessionExpired" then
        members = members - 1
      elseif event.kind == "RebalanceStarted" then
        line.rebalances[#line.rebalances + 1] = { index = index, time = event.time }
      elseif event.kind == "AssignmentStored" then
        line.generations[#line.generations + 1] = { index = index, time = event.time }
      elseif event.kind == "StaticMemberRejoined" then
        line.static_rejoined = line.static_rejoined or index
      end
    end
  end
  return line
end

-- What happened in the events from index `first` to `last` (inclusive): the partitions stopped there
-- (a set and a sorted list), the longest stop in ms (nil when one never resumed), and how many
-- rebalances and generations.
local function episode(line, first, last)
  local result = { stopped = {}, list = {}, longest = 0, rebalances = 0, generations = 0 }
  for _, stop in ipairs(line.stops) do
    if stop.index >= first and stop.index <= last then
      result.stopped[stop.partition] = true
      result.longest = math.max(result.longest, stop.to - stop.from)
    end
  end
  for _, stop in pairs(line.open) do
    if stop.index >= first and stop.index <= last then result.stopped[stop.partition], result.never = true, stop.partition end
  end
  for p in pairs(result.stopped) do result.list[#result.list + 1] = p end
  table.sort(result.list)
  for _, r in ipairs(line.rebalances) do if r.index >= first and r.index <= last then result.rebalances = result.rebalances + 1 end end
  for _, g in ipairs(line.generations) do if g.index >= first and g.index <= last then result.generations = result.generations + 1 end end
  return result
end

-- The join of the third member (from its MemberJoined to the first leave, or the end).
local function join_episode(ctx, group)
  local line = timeline(ctx, group)
  local join
  for _, j in ipairs(line.joins) do if j.members == 3 and not join then join = j end end
  if not join then ctx.fail("group " .. group .. " never had a third member join") end
  local last = math.huge
  for _, leave in ipairs(line.leaves) do if leave.index > join.index then last = math.min(last, leave.index - 1) end end
  return episode(line, join.index, last), line, join
end

-- The first leave after the third member joined, to the end.
local function leave_episode(ctx, group)
  local line = timeline(ctx, group)
  local join
  for _, j in ipairs(line.joins) do if j.members == 3 and not join then join = j end end
  if not join then ctx.fail("group " .. group .. " never had a third member join") end
  for _, leave in ipairs(line.leaves) do
    if leave.index > join.index then return episode(line, leave.index, math.huge), line end
  end
  ctx.fail("no member of " .. group .. " has closed yet")
end

local function same_list(reported, expected)
  if type(reported) ~= "table" or #reported ~= #expected then return false end
  local seen = {}
  for _, p in ipairs(reported) do seen[p] = true end
  for _, p in ipairs(expected) do if not seen[p] then return false end end
  return true
end

local function list_text(list) return "{ " .. table.concat(list, ", ") .. " }" end

-- Compares a reported { stopped = {...}, pause_ms = n [, rebalances = n] } with an episode.
local function compare(ctx, name, result, with_pause, with_rebalances)
  local reported = ctx.need(name, "table")
  if result.never then
    ctx.fail(string.format("partition %d of %s was stopped and never assigned again: poll the members until the group is stable",
                           result.never, TOPIC))
  end
  if not same_list(reported.stopped, result.list) then
    return false, name .. ".stopped: not the partitions that were revoked (count them in your on_revoked listeners)"
  end
  if with_pause and reported.pause_ms ~= result.longest then
    return false, string.format("%s.pause_ms = %s: not the longest time a stopped partition waited for its next owner",
                                name, ctx.show(reported.pause_ms))
  end
  if with_rebalances and reported.rebalances ~= result.generations then
    return false, string.format("%s.rebalances = %s: count the generations (cluster:events() AssignmentStored)",
                                name, ctx.show(reported.rebalances))
  end
  return true
end

local function strategy_is(ctx, group, expected)
  local description = ctx.cluster:describe_group(group)
  if description.assignment_strategy ~= expected then
    ctx.fail(string.format("group %s uses %s, not %s", group, ctx.show(description.assignment_strategy), expected))
  end
end

return {
  id = 7,
  slug = "rebalancing",
  title = "Rebalancing: eager, cooperative, static members",
  mirrors = "conduktor/kafka-beginners-course ConsumerDemoCooperative and ConsumerDemoRebalanceListener; "
         .. "KIP-429 (incremental cooperative rebalancing) and KIP-345 (static membership)",
  cluster = { brokers = 3, seed = 42 },
  variant = function(k) return { params = { partitions = ({ 6, 8, 7 })[k % 3 + 1] } } end,
  setup = function(c, params)
    assert(c:create_topic(TOPIC, { partitions = params.partitions or 6, replication_factor = 3 }))
    local p = c:producer{}
    for i = 1, 60 do p:send(TOPIC, { key = "user-" .. i, value = "click " .. i }, function() end) end
    p:flush()
  end,
  intro = [[
Whenever a group's membership changes, the group rebalances, and while a partition is between
two owners nobody processes it. How much stops depends on the rebalance protocol:
  eager (range, roundrobin, sticky): every member gives up all its partitions, the group
    assigns them again, every member starts over;
  cooperative (cooperative-sticky): members keep what they can and give up only the partitions
    that move; those reach their new owner in a second rebalance.
Kafka 3.7's default partition.assignment.strategy is [RangeAssignor, CooperativeStickyAssignor]:
range comes first, so a group of default consumers rebalances eagerly.

You will measure with rebalance listeners: on_revoked(partitions) runs when a member stops
processing partitions, on_assigned(partitions) when it starts, and cluster:now() tells the
simulated time. The topic clicks has lab.params.partitions partitions (6 in practice).
help("rebalance") explains the protocols, listeners and static membership.]],
  steps = {
    {
      id = "eager-join",
      title = "Eager: a third member joins",
      points = 3,
      text = [[
Start two consumers in group "eager" with the default strategy and listeners that record, for
each partition, when it was revoked and how long it waited until it was assigned again:
  revoked_at, stopped, longest = {}, {}, 0
  listeners = {
    on_revoked = function(parts) for _, tp in ipairs(parts) do
      revoked_at[tp.partition] = cluster:now(); stopped[tp.partition] = true end end,
    on_assigned = function(parts) for _, tp in ipairs(parts) do
      if revoked_at[tp.partition] then
        longest = math.max(longest, cluster:now() - revoked_at[tp.partition])
        revoked_at[tp.partition] = nil end end end }
  a = cluster:consumer{ ["group.id"] = "eager" }   a:subscribe("clicks", listeners)
  b = ... the same
A member learns of a rebalance from its heartbeat (every heartbeat.interval.ms, 3 s) and acts
at its next poll, so "stable" means the coordinator and every member agree on the generation:
  function settle(group, members)
    repeat
      for _, k in ipairs(members) do k:poll(100) end
      local d, done = cluster:describe_group(group), true
      for _, k in ipairs(members) do
        done = done and k:member().state == "STABLE" and k:member().generation == d.generation end
    until done and d.state == "Stable"
  end
  settle("eager", { a, b })
Then reset the tables, start a third consumer c the same way, and settle("eager", { a, b, c }).
Which partitions stopped, and the longest stop in simulated ms:
  lab.answer("eager_join", { stopped = { 0, 1, ... }, pause_ms = longest })]],
      hints = {
        "Reset revoked_at, stopped and longest just before the third consumer subscribes.",
        "Eager means every member revokes everything it owns as soon as it learns of the rebalance.",
        "describe_group(\"eager\").assignment_strategy shows the assignor the group agreed on.",
      },
      check = function(ctx)
        strategy_is(ctx, EAGER, "range")
        local result = join_episode(ctx, EAGER)
        return compare(ctx, "eager_join", result, true, false)
      end,
    },
    {
      id = "cooperative-join",
      title = "Cooperative: only what moves stops, in two rebalances",
      points = 3,
      text = [[
Do the same in a group "coop" whose consumers all use the cooperative protocol:
  { ["group.id"] = "coop", ["partition.assignment.strategy"] = "cooperative-sticky" }
(every member must support it: with the default list the group stays eager). When the third
member joins, the others keep their partitions except those that go to the newcomer: they
revoke just those, and rejoin; the newcomer gets them in the next generation. Count the
rebalances (generations) the join needed: each member's k:member().generation, or the
AssignmentStored events in cluster:events().
  lab.answer("coop_join", { stopped = {...}, pause_ms = longest, rebalances = n })]],
      hints = {
        "on_assigned is called in both rebalances, sometimes with an empty list: only new partitions are passed.",
        "Compare k:member().generation before the join and after it.",
      },
      check = function(ctx)
        strategy_is(ctx, COOP, "cooperative-sticky")
        local result = join_episode(ctx, COOP)
        return compare(ctx, "coop_join", result, true, true)
      end,
    },
    {
      id = "leave",
      title = "A member leaves",
      points = 2,
      text = [[
Close one of the first two members of each group (the course's ConsumerDemoWithShutdown:
close() revokes the member's partitions, commits and sends LeaveGroup, so the group rebalances
at once instead of waiting for the session to time out). Reset your tables just before, poll
the remaining members until each group is stable, and report what stopped:
  lab.answer("eager_leave", { stopped = {...} })
  lab.answer("coop_leave", { stopped = {...} })]],
      hints = {
        "The closing member's own partitions stop in both protocols: they need a new owner.",
        "In the cooperative group the members that stay revoke nothing: one rebalance is enough.",
      },
      check = function(ctx)
        local ok, feedback = compare(ctx, "eager_leave", (leave_episode(ctx, EAGER)), false, false)
        if not ok then return ok, feedback end
        return compare(ctx, "coop_leave", (leave_episode(ctx, COOP)), false, false)
      end,
    },
    {
      id = "static",
      title = "A restart: static versus dynamic members",
      points = 3,
      text = [[
Rolling restarts (a deploy) make every member leave and come back. Group "static": two
consumers with a group.instance.id each ("app-1", "app-2"); group "dynamic": two without.
  s1 = cluster:consumer{ ["group.id"] = "static", ["group.instance.id"] = "app-1" }  ...
Once both groups are stable, restart one member of each: close it, let 10 s pass
(cluster:advance(10000): the process restarts), create it again with the same configuration
(the same group.instance.id for the static one), subscribe, and poll until stable.
A static member sends no LeaveGroup: the coordinator keeps its place and its partitions for
session.timeout.ms (45 s), and gives them back when the same instance id returns. Count the
rebalances each restart caused (RebalanceStarted events), and how long the static member's
partitions went unprocessed:
  lab.answer("static_restart", { rebalances = n, pause_ms = ms })
  lab.answer("dynamic_restart", { rebalances = n })
And if the static member had needed 60 s to come back?
  a) nothing changes: a static member never causes a rebalance
  b) after session.timeout.ms the coordinator removes it and rebalances, and its return causes
     another rebalance
  c) the group waits for it, however long
  d) the coordinator fences the other members
  lab.answer("too_slow", "?")]],
      hints = {
        "Count with cluster:events(): RebalanceStarted events of each group after the close.",
        "In the dynamic group, poll the remaining member until the group is stable before restarting: a real restart takes time.",
        "The static member's partitions: revoked by its listener at close, assigned to the new instance when it is back.",
      },
      check = function(ctx)
        local static_line = timeline(ctx, STATIC)
        local dynamic_line = timeline(ctx, DYNAMIC)
        if #static_line.leaves == 0 then return false, "no member of group static was closed yet" end
        if #dynamic_line.leaves == 0 then return false, "no member of group dynamic was closed yet" end
        if not static_line.static_rejoined then
          return false, "no static member of group static came back with its group.instance.id"
        end
        local s = episode(static_line, static_line.leaves[1].index, math.huge)
        local d = episode(dynamic_line, dynamic_line.leaves[1].index, math.huge)
        if s.never then return false, "the static member's partitions were never assigned again: poll the restarted consumer" end
        if s.rebalances > 0 then
          return false, "the static restart caused " .. s.rebalances .. " rebalance(s): come back within session.timeout.ms"
        end
        if d.rebalances ~= 2 then
          return false, "the dynamic restart caused " .. d.rebalances .. " rebalance(s), not 2: let the group settle after "
                     .. "the close, then start the new member"
        end
        local reported_static, reported_dynamic = ctx.need("static_restart", "table"), ctx.need("dynamic_restart", "table")
        if reported_static.rebalances ~= s.rebalances then return false, "static_restart.rebalances: count again" end
        if reported_static.pause_ms ~= s.longest then
          return false, "static_restart.pause_ms = " .. ctx.show(reported_static.pause_ms)
                     .. ": not how long the static member's partitions waited"
        end
        if reported_dynamic.rebalances ~= d.rebalances then return false, "dynamic_restart.rebalances: count again" end
        if ctx.choice("too_slow") ~= "b" then return false, "too_slow: not that one" end
        return true
      end,
    },
  },
}
