-- Reference solution of lab 08 (klab lab check 8 labs/08-delivery-semantics/solution.lua).

-- The helpers of the lab's introduction.
function tally(topic)
  local copies = {}
  for _, p in ipairs(cluster:describe_topic(topic).partitions) do
    for _, r in ipairs(cluster:dump_log(topic, p.partition).records) do
      copies[r.value] = (copies[r.value] or 0) + 1
    end
  end
  return copies
end
function compare(output)
  local input, out, lost, duplicates = tally("orders"), tally(output), 0, 0
  for value in pairs(input) do
    local n = out[value] or 0
    if n == 0 then lost = lost + 1 else duplicates = duplicates + n - 1 end
  end
  return { lost = lost, duplicates = duplicates }
end
function caught_up(k)
  local partitions = cluster:describe_topic("orders").partitions
  if #k:assignment() < #partitions then return false end
  for _, p in ipairs(partitions) do
    local position = k:position{ topic = "orders", partition = p.partition }
    if not position or position < p.high_watermark then return false end
  end
  return true
end

local crash_after = lab.params.crash_after
local p = cluster:producer{}

local function consumer(group, extra)
  local config = { ["group.id"] = group, ["auto.offset.reset"] = "earliest", ["max.poll.records"] = 10,
                   ["enable.auto.commit"] = false }
  for key, value in pairs(extra or {}) do config[key] = value end
  local k = cluster:consumer(config)
  assert(k:subscribe("orders"))
  return k
end

-- One run with manual commits: commit before (commit_first) or after processing each batch, crash after
-- crash_after processed records, then a restarted consumer finishes the work.
local function manual_run(group, output, commit_first, process)
  assert(cluster:create_topic(output, { partitions = 1 }))
  process = process or function(r) assert(p:send(output, { key = r.key, value = r.value })) end
  local k, done, crashed = consumer(group), 0, false
  while not crashed do
    local batch = assert(k:poll(1000))
    if commit_first then assert(k:commit()) end
    for _, r in ipairs(batch) do
      if done == crash_after then k:crash(); crashed = true; break end
      process(r)
      done = done + 1
    end
    if not crashed and not commit_first then assert(k:commit()) end
  end
  local k2 = consumer(group)
  while not caught_up(k2) do
    local batch = assert(k2:poll(1000))
    if commit_first then assert(k2:commit()) end
    for _, r in ipairs(batch) do process(r) end
    if not commit_first then assert(k2:commit()) end
  end
  assert(k2:close())
  print(cluster:describe_group(group))
  return compare(output)
end

-- Step 1 and 2
lab.answer("amo", manual_run("amo", "out-amo", true))
lab.answer("alo", manual_run("alo", "out-alo", false))

-- Step 3: the sink remembers ids; it lives outside the consumer and survives the crash
local sink, skipped = {}, 0
lab.answer("idem", manual_run("idem", "out-idem", false, function(r)
  local id = r.topic .. "_" .. r.partition .. "_" .. r.offset
  if sink[id] then skipped = skipped + 1 return end
  sink[id] = true
  assert(p:send("out-idem", { key = r.key, value = r.value }))
end))
lab.answer("idem_skipped", skipped)

-- Step 4: auto-commit; the restarted consumer processes synchronously and commits on close
local function auto_run(group, output, buffered)
  assert(cluster:create_topic(output, { partitions = 1 }))
  local function process(r) assert(p:send(output, { key = r.key, value = r.value })) end
  local auto = { ["enable.auto.commit"] = true }
  local k, done, crashed, queue = consumer(group, auto), 0, false, {}
  while not crashed do
    local batch = assert(k:poll(1000))
    for _, r in ipairs(batch) do queue[#queue + 1] = r end
    local budget = buffered and 1 or #queue
    while budget > 0 and #queue > 0 do
      if done == crash_after then k:crash(); crashed = true; break end
      process(table.remove(queue, 1))
      done, budget = done + 1, budget - 1
    end
    cluster:advance(1000)
  end
  local k2 = consumer(group, auto)
  while not caught_up(k2) do
    for _, r in ipairs(assert(k2:poll(1000))) do process(r) end
  end
  assert(k2:close())
  print(cluster:describe_group(group))
  return compare(output)
end
lab.answer("auto_sync", auto_run("auto-sync", "out-auto-sync", false))
lab.answer("auto_buffered", auto_run("auto-buffered", "out-auto-buffered", true))

-- Step 5
lab.answer("sensor_average", "a")
lab.answer("payments", "c")
