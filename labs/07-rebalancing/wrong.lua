-- A plausible wrong attempt at lab 07: the "cooperative" group only lists cooperative-sticky after
-- range (as the default list does), so the group stays eager; the student believes only moved
-- partitions stop anyway, and restarts the "static" member without a group.instance.id.
local TOPIC = "clicks"
local function settle(consumers)
  for _ = 1, 40 do for _, k in ipairs(consumers) do assert(k:poll(200)) end end
end
local stopped = {}
local listeners = { on_revoked = function(parts) for _, tp in ipairs(parts) do stopped[tp.partition] = true end end }
local function list()
  local l = {}
  for p in pairs(stopped) do l[#l + 1] = p end
  table.sort(l)
  return l
end
for _, name in ipairs({ "eager", "coop" }) do
  local config = { ["group.id"] = name, ["partition.assignment.strategy"] = "range,cooperative-sticky" }
  local a, b = cluster:consumer(config), cluster:consumer(config)
  assert(a:subscribe(TOPIC, listeners)); assert(b:subscribe(TOPIC, listeners))
  settle({ a, b })
  stopped = {}
  local c = cluster:consumer(config)
  assert(c:subscribe(TOPIC, listeners))
  settle({ a, b, c })
  lab.answer(name .. "_join", { stopped = list(), pause_ms = 0, rebalances = 2 })
  stopped = {}
  assert(a:close())
  settle({ b, c })
  lab.answer(name .. "_leave", { stopped = list() })
end
for _, name in ipairs({ "static", "dynamic" }) do
  local a, b = cluster:consumer{ ["group.id"] = name }, cluster:consumer{ ["group.id"] = name }
  assert(a:subscribe(TOPIC)); assert(b:subscribe(TOPIC))
  settle({ a, b })
  assert(a:close())
  cluster:advance(10000)
  a = cluster:consumer{ ["group.id"] = name }
  assert(a:subscribe(TOPIC))
  settle({ a, b })
end
lab.answer("static_restart", { rebalances = 0, pause_ms = 10000 })
lab.answer("dynamic_restart", { rebalances = 2 })
lab.answer("too_slow", "a")
