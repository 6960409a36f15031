-- Reference solution of lab 06 (klab lab check 6 labs/06-consumer-groups/solution.lua).
local TOPIC, GROUP = "demo_java", "my-java-application"

local function member(group)
  return cluster:consumer{ ["group.id"] = group, ["auto.offset.reset"] = "earliest" }
end

-- Polls every consumer in turn until `rounds` rounds in a row return nothing and every member is
-- STABLE; returns how many records they read.
local function poll_until_quiet(consumers, timeout)
  local read, quiet = 0, 0
  while quiet < 3 do
    local got = 0
    for _, k in ipairs(consumers) do got = got + #assert(k:poll(timeout or 200)) end
    read = read + got
    local stable = true
    for _, k in ipairs(consumers) do stable = stable and k:member().state == "STABLE" end
    quiet = (got == 0 and stable) and quiet + 1 or 0
  end
  return read
end

-- 1. One consumer.
local k1 = member(GROUP)
assert(k1:subscribe(TOPIC))
lab.answer("alone_read", poll_until_quiet({ k1 }, 1000))
assert(#k1:assignment() == 3)
assert(k1:commit())
print(cluster:describe_group(GROUP))

-- 2. Three members.
local k2, k3 = member(GROUP), member(GROUP)
assert(k2:subscribe(TOPIC))
assert(k3:subscribe(TOPIC))
poll_until_quiet({ k1, k2, k3 })
for _, k in ipairs({ k1, k2, k3 }) do assert(#k:assignment() == 1) end
lab.answer("three_generation", k1:member().generation)

-- 3. Four members: one idle.
local k4 = member(GROUP)
assert(k4:subscribe(TOPIC))
local all = { k1, k2, k3, k4 }
poll_until_quiet(all)
local description = cluster:describe_group(GROUP)
print(description)
for _, m in ipairs(description.members) do
  if #m.assignment == 0 then lab.answer("idle_member", m.consumer_id) end
end
lab.answer("parallel", "b")

-- 4. A second group reads everything again.
local s = member("my-second-application")
assert(s:subscribe(TOPIC))
lab.answer("second_read", poll_until_quiet({ s }, 1000))
assert(s:commit())
assert(s:close())
print(cluster:groups())

-- 5. New records: the first group keeps up, the second lags.
local p = cluster:producer{}
for i = 1, 12 do assert(p:send(TOPIC, { key = "id_" .. (i % 10), value = "new " .. i })) end
poll_until_quiet(all)
for _, k in ipairs(all) do assert(k:commit()) end
print(cluster:describe_group(GROUP))
local second = cluster:describe_group("my-second-application")
print(second)
local lag = 0
for _, row in ipairs(second.partitions) do lag = lag + row.lag end
lab.answer("second_lag", lag)
