-- A plausible wrong attempt at lab 09: it must not get full marks (tests/labs/labs.cmake).
-- Mistakes: it resets the audit group while its member still runs and never looks at the answer (the
-- reset is refused, the offsets stay at the log end), reports the shift it asked for instead of the
-- dry run's plan, and believes a new group starts at the deploy time.

-- The helpers of the lab's introduction.
function caught_up(k)
  local partitions = cluster:describe_topic("orders").partitions
  if #k:assignment() < #partitions then return false end
  for _, p in ipairs(partitions) do
    local position = k:position{ topic = "orders", partition = p.partition }
    if not position or position < p.high_watermark then return false end
  end
  return true
end
function run(group, process)
  local k = cluster:consumer{ ["group.id"] = group, ["enable.auto.commit"] = false,
                              ["auto.offset.reset"] = "earliest" }
  assert(k:subscribe("orders"))
  while not caught_up(k) do
    for _, r in ipairs(assert(k:poll(1000))) do process(r) end
    assert(k:commit())
  end
  return k
end

local function by_partition(plan)
  local result = {}
  for _, row in ipairs(plan.plan) do result["p" .. row.partition] = row.new_offset end
  return result
end

-- Step 1: the service runs; a reset is refused
assert(cluster:create_topic("invoices", { partitions = 1 }))
local p = cluster:producer{}
local k = run("billing", function(r) assert(p:send("invoices", { key = r.key, value = "buggy:" .. r.value })) end)
print(cluster:describe_group("billing"))
local plan, err = cluster:reset_offsets{ group = "billing", topic = "orders", to_datetime = lab.params.deploy }
assert(plan == nil)
print(err)
lab.answer("refused", err.name)

-- Step 2: close, dry run, execute
assert(k:close())
plan = assert(cluster:reset_offsets{ group = "billing", topic = "orders", to_datetime = lab.params.deploy })
print(plan)
assert(not plan.executed)
lab.answer("plan", by_partition(plan))
assert(cluster:reset_offsets{ group = "billing", topic = "orders", to_datetime = lab.params.deploy, execute = true })
local described = cluster:describe_group("billing")
print(described)
local lag = 0
for _, row in ipairs(described.partitions) do lag = lag + row.lag end
lab.answer("lag_after_reset", lag)

-- Step 3: the fixed version in the same group
assert(cluster:create_topic("invoices-fixed", { partitions = 1 }))
local reprocessed = 0
k = run("billing", function(r)
  assert(p:send("invoices-fixed", { key = r.key, value = "fixed:" .. r.value }))
  reprocessed = reprocessed + 1
end)
assert(k:close())
print(cluster:describe_group("billing"))
lab.answer("reprocessed", reprocessed)

-- Step 4: shift_by on the audit group
local audit = run("audit", function() end)
cluster:reset_offsets{ group = "audit", topic = "orders", shift_by = -lab.params.shift, execute = true }
local guess = {}
for _, info in ipairs(cluster:describe_topic("orders").partitions) do
  guess["p" .. info.partition] = info.high_watermark - lab.params.shift
end
lab.answer("audit_plan", guess)
print(cluster:describe_group("audit"))

-- Step 5: a new group reads from the log start
assert(cluster:create_topic("invoices-v2", { partitions = 1 }))
local processed = 0
k = run("billing-v2", function(r)
  assert(p:send("invoices-v2", { key = r.key, value = "fixed:" .. r.value }))
  processed = processed + 1
end)
assert(k:close())
lab.answer("new_group_processed", processed)
lab.answer("new_group_is", "b")

-- Step 6
lab.answer("why_inactive", "b")
