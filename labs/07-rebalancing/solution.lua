-- Reference solution of lab 07 (klab lab check 7 labs/07-rebalancing/solution.lua).
local TOPIC = "clicks"

-- Rebalance listeners shared by a group's members: for each partition, when it was revoked, and the
-- longest wait until it was assigned again.
local function tracker()
  local t = { revoked_at = {}, stopped = {}, longest = 0 }
  function t.reset() t.revoked_at, t.stopped, t.longest = {}, {}, 0 end
  t.listeners = {
    on_revoked = function(parts)
      for _, tp in ipairs(parts) do t.revoked_at[tp.partition], t.stopped[tp.partition] = cluster:now(), true end
    end,
    on_assigned = function(parts)
      for _, tp in ipairs(parts) do
        if t.revoked_at[tp.partition] then
          t.longest = math.max(t.longest, cluster:now() - t.revoked_at[tp.partition])
          t.revoked_at[tp.partition] = nil
        end
      end
    end,
  }
  function t.stopped_list()
    local list = {}
    for p in pairs(t.stopped) do list[#list + 1] = p end
    table.sort(list)
    return list
  end
  return t
end

local function consumer(config, t)
  local k = cluster:consumer(config)
  assert(k:subscribe(TOPIC, t.listeners))
  return k
end

-- Polls until the coordinator says Stable and every member is STABLE in the group's generation.
local function settle(group, consumers)
  repeat
    for _, k in ipairs(consumers) do assert(k:poll(100)) end
    local d = cluster:describe_group(group)
    local done = d.state == "Stable"
    for _, k in ipairs(consumers) do
      local m = k:member()
      done = done and m.state == "STABLE" and m.generation == d.generation
    end
  until done
end

-- 1 and 2: a third member joins, eager then cooperative.
local groups = {}
for _, spec in ipairs({ { name = "eager", config = {} },
                        { name = "coop", config = { ["partition.assignment.strategy"] = "cooperative-sticky" } } }) do
  local config = { ["group.id"] = spec.name }
  for k, v in pairs(spec.config) do config[k] = v end
  local t = tracker()
  local members = { consumer(config, t), consumer(config, t) }
  settle(spec.name, members)
  local before = members[1]:member().generation
  t.reset()
  members[3] = consumer(config, t)
  settle(spec.name, members)
  print(cluster:describe_group(spec.name))
  local answer = { stopped = t.stopped_list(), pause_ms = t.longest }
  if spec.name == "coop" then answer.rebalances = members[1]:member().generation - before end
  lab.answer(spec.name .. "_join", answer)
  groups[spec.name] = { t = t, members = members }
end

-- 3: a member leaves.
for _, name in ipairs({ "eager", "coop" }) do
  local g = groups[name]
  g.t.reset()
  assert(g.members[1]:close())
  settle(name, { g.members[2], g.members[3] })
  lab.answer(name .. "_leave", { stopped = g.t.stopped_list() })
end

-- 4: restarts, static and dynamic.
local function rebalances_since(group, index)
  local count = 0
  for i, event in ipairs(cluster:events()) do
    if i > index and event.kind == "RebalanceStarted" and event.description:find("group " .. group .. ":", 1, true) == 1 then
      count = count + 1
    end
  end
  return count
end
for _, name in ipairs({ "static", "dynamic" }) do
  local t = tracker()
  local function config(i)
    return { ["group.id"] = name, ["group.instance.id"] = name == "static" and ("app-" .. i) or nil }
  end
  local first, second = consumer(config(1), t), consumer(config(2), t)
  settle(name, { first, second })
  t.reset()
  local mark = #cluster:events()
  assert(first:close())
  settle(name, { second })
  cluster:advance(10000)
  local again = consumer(config(1), t)
  settle(name, { again, second })
  print(cluster:describe_group(name))
  local answer = { rebalances = rebalances_since(name, mark) }
  if name == "static" then answer.pause_ms = t.longest end
  lab.answer(name .. "_restart", answer)
end
lab.answer("too_slow", "b")
