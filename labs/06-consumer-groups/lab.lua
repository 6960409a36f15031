-- Lab 06: consumer groups. The course's ConsumerDemo and ConsumerDemoGroups (conduktor/kafka-beginners-
-- course v2, simplesteph's v1 tutorial4) and the consumer part of polomarcus/tp: one consumer reads a
-- three-partition topic, then three and four instances of the same group share it (one idle), and a
-- second group reads the same records independently. Checks replay the group coordinator's events
-- (every generation's stored assignment) and read the groups' committed offsets, so each step is
-- proved by the timeline whatever the student did afterwards.
local TOPIC, GROUP, SECOND = "demo_java", "my-java-application", "my-second-application"
local PARTITIONS = 3

-- Every generation of `group` whose assignment the coordinator stored, in order:
-- { { generation = n, time = ms, members = { { id = "consumer-demo_java-1-...", partitions = { "demo_java-0", ... } } } } }
local function generations(ctx, group)
  local result = {}
  for _, event in ipairs(ctx.cluster:events()) do
    if event.kind == "AssignmentStored" and event.group == group then
      local generation, text = event.description:match(": generation (%d+) assignment: (.*)$")
      local entry = { generation = tonumber(generation), time = event.time, members = {} }
      for part in (text .. "; "):gmatch("(.-); ") do
        local id, list = part:match("^(%S+) %[(.*)%]$")
        local partitions = {}
        for name in list:gmatch("[^,%s]+") do partitions[#partitions + 1] = name end
        entry.members[#entry.members + 1] = { id = id, partitions = partitions }
      end
      result[#result + 1] = entry
    end
  end
  return result
end

-- How many of a generation's members own `n` partitions.
local function owning(entry, n)
  local count = 0
  for _, member in ipairs(entry.members) do if #member.partitions == n then count = count + 1 end end
  return count
end

-- The group's describe_group partitions: total lag, and whether every partition has a committed offset.
local function lag_of(ctx, group)
  local description = ctx.cluster:describe_group(group)
  local total, committed = 0, 0
  for _, row in ipairs(description.partitions or {}) do
    if row.topic == TOPIC and row.current_offset then
      committed = committed + 1
      total = total + (row.lag or 0)
    end
  end
  return total, committed, description
end

return {
  id = 6,
  slug = "consumer-groups",
  title = "Consumer groups: sharing partitions, independent groups",
  mirrors = "conduktor/kafka-beginners-course ConsumerDemo and ConsumerDemoGroups (run 1, then 3 instances), "
         .. "polomarcus/tp consumer part; kafka-consumer-groups.sh --describe",
  cluster = { brokers = 3, seed = 42 },
  variant = function(k) return { params = { records = 30 + 3 * k } } end,
  setup = function(c, params)
    assert(c:create_topic(TOPIC, { partitions = PARTITIONS, replication_factor = 3 }))
    local p = c:producer{}
    for i = 0, (params.records or 30) - 1 do
      p:send(TOPIC, { key = "id_" .. (i % 10), value = "event " .. i }, function() end)
    end
    p:flush()
  end,
  intro = [[
A consumer group is a set of consumers sharing one group.id. The group splits the topic's
partitions among its members: each partition is read by exactly one member at a time, so
adding members spreads the work, up to one member per partition. Which member reads what is
decided in a rebalance, run by the group coordinator (a broker): every member joins, one of
them (the leader) computes the assignment, and the group starts a new generation.
Each group keeps its own committed offsets, so two groups read the same records independently.

The topic demo_java already has 3 partitions and some records (keys id_0 .. id_9).
cluster:describe_group(id) prints like kafka-consumer-groups.sh --describe, cluster:groups()
lists the groups, and cluster:events() shows every join, assignment and commit. help("groups").]],
  steps = {
    {
      id = "alone",
      title = "One consumer reads all three partitions",
      points = 2,
      text = [[
Start the course's ConsumerDemo: one consumer in group my-java-application that reads from
the beginning, and poll until it has read every record of demo_java:
  k1 = cluster:consumer{ ["group.id"] = "my-java-application", ["auto.offset.reset"] = "earliest" }
  k1:subscribe("demo_java")
  read = 0
  for i = 1, 10 do read = read + #k1:poll(1000) end
  print(k1:assignment())                         -- every partition: it is alone
  k1:commit()
  print(cluster:describe_group("my-java-application"))
The first poll waits group.initial.rebalance.delay.ms (3 s) for other members before the group
forms. Report how many records it read:
  lab.answer("alone_read", read)]],
      hints = {
        "Keep polling until a poll returns nothing: LAG in describe_group is then 0 everywhere.",
        "auto.offset.reset = earliest matters: the default, latest, would skip the records already there.",
      },
      check = function(ctx)
        local alone
        for _, entry in ipairs(generations(ctx, GROUP)) do
          if #entry.members == 1 and #entry.members[1].partitions == PARTITIONS then alone = entry end
        end
        if not alone then return false, "my-java-application never had a generation with one member owning all 3 partitions" end
        local read = ctx.need("alone_read", "number")
        if read ~= ctx.params.records then
          return false, string.format("alone_read = %s: demo_java had more records than that; poll until the lag is 0",
                                      ctx.show(read))
        end
        return true
      end,
    },
    {
      id = "three",
      title = "Three members: one partition each",
      points = 2,
      text = [[
Start two more instances of the same application (ConsumerDemoGroups run three times):
  k2 = cluster:consumer{ ["group.id"] = "my-java-application", ["auto.offset.reset"] = "earliest" }
  k3 = cluster:consumer{ ["group.id"] = "my-java-application", ["auto.offset.reset"] = "earliest" }
  k2:subscribe("demo_java")  k3:subscribe("demo_java")
  for i = 1, 10 do for _, k in ipairs{ k1, k2, k3 } do k:poll(200) end end
A member only takes part in a rebalance when it polls: keep polling all three. The newcomers
join, every member rejoins, and the group moves to a new generation. Look at each member's
assignment, k:member() and the describe output, then report the generation in which each
member owns one partition:
  lab.answer("three_generation", k1:member().generation)]],
      hints = {
        "k:member() shows the member id, the generation and the state (STABLE once the rebalance is over).",
        "cluster:events() lists RebalanceStarted, RebalanceCompleted, AssignmentStored and GroupStable for each generation.",
      },
      check = function(ctx)
        local found = {}
        for _, entry in ipairs(generations(ctx, GROUP)) do
          if #entry.members == 3 and owning(entry, 1) == 3 then found[entry.generation] = true end
        end
        if next(found) == nil then return false, "my-java-application never had 3 members owning one partition each" end
        local generation = ctx.need("three_generation", "number")
        if not found[generation] then
          return false, "three_generation: in generation " .. ctx.show(generation) .. " the 3 members did not own one partition each"
        end
        return true
      end,
    },
    {
      id = "four",
      title = "A fourth member stays idle",
      points = 2,
      text = [[
Start a fourth instance, k4, the same way, and poll all four until the group is stable again.
  print(cluster:describe_group("my-java-application"))
Three partitions, four members: one member owns nothing. It still heartbeats and takes part in
every rebalance, so it is a hot standby, but it reads nothing. describe_group's members list
shows each member's consumer_id and assignment. Report the idle one's member id:
  lab.answer("idle_member", "consumer-...")
Then a question. A topic has 12 partitions and a group runs 15 consumers on it. How many of
them read records in parallel?
  a) 15: the partitions are split further among them
  b) 12: one partition is read by one member of the group at most
  c) 3: the surplus members take over the work
  d) 1: only the group leader reads
  lab.answer("parallel", "?")]],
      hints = {
        'cluster:describe_group("my-java-application").members[i].assignment is empty for the idle member.',
        "To read faster with more consumers, a topic needs more partitions.",
      },
      check = function(ctx)
        local idle = {}
        for _, entry in ipairs(generations(ctx, GROUP)) do
          if #entry.members == 4 and owning(entry, 1) == 3 and owning(entry, 0) == 1 then
            for _, member in ipairs(entry.members) do if #member.partitions == 0 then idle[member.id] = true end end
          end
        end
        if next(idle) == nil then return false, "my-java-application never had 4 members with one of them idle" end
        local reported = ctx.need("idle_member", "string")
        if not idle[reported] then return false, "idle_member: " .. ctx.show(reported) .. " was not the idle member" end
        if ctx.choice("parallel") ~= "b" then return false, "parallel: not that one" end
        return true
      end,
    },
    {
      id = "second-group",
      title = "A second group reads everything again",
      points = 2,
      text = [[
A new group.id is a new application: it has no committed offsets, so auto.offset.reset decides
where it starts, and it reads the topic without disturbing my-java-application.
  s = cluster:consumer{ ["group.id"] = "my-second-application", ["auto.offset.reset"] = "earliest" }
  s:subscribe("demo_java")
  -- poll until nothing more comes, counting the records, then:
  s:commit()
  s:close()
  print(cluster:groups())
Report how many records the second group read:
  lab.answer("second_read", n)]],
      hints = {
        "The first group's committed offsets do not matter to the second one: each group has its own.",
        "close() makes the member leave: describe_group then says the group has no active members but still shows its offsets.",
      },
      check = function(ctx)
        if #generations(ctx, SECOND) == 0 then return false, "my-second-application never formed a generation" end
        local _, committed = lag_of(ctx, SECOND)
        if committed < PARTITIONS then return false, "my-second-application has no committed offset on every partition: commit" end
        local read = ctx.need("second_read", "number")
        if read ~= ctx.params.records then
          return false, "second_read = " .. ctx.show(read) .. ": the new group starts from the beginning and reads every record there was"
        end
        return true
      end,
    },
    {
      id = "lag",
      title = "New records: one group keeps up, the other lags",
      points = 2,
      text = [[
Produce 12 more records to demo_java. Poll my-java-application's four consumers until they
have read them, and commit on each; leave my-second-application closed.
  p = cluster:producer{}
  for i = 1, 12 do p:send("demo_java", { key = "id_" .. (i % 10), value = "new " .. i }) end
  -- poll k1..k4, then k:commit() on each
  print(cluster:describe_group("my-java-application"))    -- LAG 0
  print(cluster:describe_group("my-second-application"))  -- LAG: what it has not read yet
LAG = LOG-END-OFFSET - CURRENT-OFFSET (the committed offset). Report the second group's total
lag, summed over the partitions, and leave both groups as they are:
  lab.answer("second_lag", n)]],
      hints = {
        'cluster:describe_group("my-second-application").partitions[i].lag for each partition.',
        "The first group's lag only drops to 0 once its consumers commit what they read.",
      },
      check = function(ctx)
        local first_lag, first_committed = lag_of(ctx, GROUP)
        local second_lag = lag_of(ctx, SECOND)
        local total = 0
        for _, info in ipairs(ctx.topic(TOPIC).partitions) do total = total + info.log_end_offset end
        if total <= ctx.params.records then return false, "produce more records to demo_java" end
        if first_committed < PARTITIONS or first_lag ~= 0 then
          return false, "my-java-application has lag " .. first_lag .. ": poll its consumers and commit"
        end
        if second_lag == 0 then return false, "my-second-application has no lag: leave it closed while the new records arrive" end
        local reported = ctx.need("second_lag", "number")
        if reported ~= second_lag then
          return false, "second_lag = " .. ctx.show(reported) .. " is not the lag describe_group shows for my-second-application"
        end
        return true
      end,
    },
  },
}
