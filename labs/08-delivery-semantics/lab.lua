-- Lab 08: delivery semantics. The kafka-beginners-course consumer project (enable.auto.commit=false,
-- max.poll.records, a bulk write then commitSync, ids from topic_partition_offset) and polomarcus/tp's
-- "delivery semantics" question. A consumer crashes (k:crash(): no commit, no LeaveGroup) in the middle
-- of a batch; a restarted one in the same group carries on from the committed offsets. Committing before
-- processing loses records (at-most-once), committing after duplicates them (at-least-once), an
-- idempotent sink makes the duplicates harmless, and auto-commit gives either depending on when the
-- records are processed. Every run writes what it processed to an output topic; checks compare the
-- output topics with the input, the groups' committed offsets with the log ends, and look for the crash
-- among the cluster's events.
local CLUSTER = { brokers = 3, seed = 42 }
local INPUT, PARTITIONS = "orders", 3

local RUNS = {
  amo = { group = "amo", output = "out-amo" },
  alo = { group = "alo", output = "out-alo" },
  idem = { group = "idem", output = "out-idem" },
  auto_sync = { group = "auto-sync", output = "out-auto-sync" },
  auto_buffered = { group = "auto-buffered", output = "out-auto-buffered" },
}

-- value -> number of copies, over every partition of `topic`.
local function tally(ctx, topic)
  local copies = {}
  for _, record in ipairs(ctx.records(topic)) do
    if record.value then copies[record.value] = (copies[record.value] or 0) + 1 end
  end
  return copies
end

-- What a run did: { lost = n, duplicates = n } comparing its output topic with the input.
local function outcome(ctx, run)
  ctx.topic(run.output)
  local input, output = tally(ctx, INPUT), tally(ctx, run.output)
  local lost, duplicates = 0, 0
  for value in pairs(input) do
    local copies = output[value] or 0
    if copies == 0 then lost = lost + 1 else duplicates = duplicates + copies - 1 end
  end
  for value in pairs(output) do
    if not input[value] then ctx.fail(run.output .. ' holds "' .. value .. '", which is not an order: copy r.value') end
  end
  return { lost = lost, duplicates = duplicates }
end

-- The run's group crashed once and a restarted member finished: committed offsets at every log end.
local function finished_after_crash(ctx, run)
  local crashed = false
  for _, event in ipairs(ctx.cluster:events()) do
    if event.kind == "ConsumerCrashed" and tostring(event.description):find("(group " .. run.group .. ")", 1, true) then
      crashed = true
    end
  end
  if not crashed then ctx.fail("no consumer of group " .. run.group .. " crashed: call k:crash() in the middle of a batch") end
  local description = ctx.cluster:describe_group(run.group)
  local committed = {}
  for _, row in ipairs(description.partitions or {}) do
    if row.topic == INPUT then committed[row.partition] = row end
  end
  for p = 0, PARTITIONS - 1 do
    local row = committed[p]
    if not row or row.current_offset ~= row.log_end_offset then
      ctx.fail(string.format("group %s has not committed the end of %s-%d: restart a consumer in the group and let it "
                             .. "finish (and commit)", run.group, INPUT, p))
    end
  end
end

-- The reported { lost =, duplicates = } of a run, compared with its output topic.
local function reported(ctx, name, actual)
  local answer = ctx.need(name, "table")
  if answer.lost ~= actual.lost or answer.duplicates ~= actual.duplicates then
    ctx.fail(string.format("%s = %s, but the output topic says lost = %d, duplicates = %d", name, ctx.show(answer),
                           actual.lost, actual.duplicates))
  end
end

local function run_step(name, expectation)
  return function(ctx)
    local run = RUNS[name]
    finished_after_crash(ctx, run)
    local actual = outcome(ctx, run)
    local problem = expectation(actual)
    if problem then return false, problem end
    reported(ctx, name, actual)
    return true
  end
end

local HELPERS = [[
  -- value -> copies, for every record of a topic (cluster:dump_log reads a partition's log)
  function tally(topic)
    local copies = {}
    for _, p in ipairs(cluster:describe_topic(topic).partitions) do
      for _, r in ipairs(cluster:dump_log(topic, p.partition).records) do
        copies[r.value] = (copies[r.value] or 0) + 1
      end
    end
    return copies
  end
  -- { lost =, duplicates = }: the orders compared with an output topic
  function compare(output)
    local input, out, lost, duplicates = tally("orders"), tally(output), 0, 0
    for value in pairs(input) do
      local n = out[value] or 0
      if n == 0 then lost = lost + 1 else duplicates = duplicates + n - 1 end
    end
    return { lost = lost, duplicates = duplicates }
  end
  -- true once k owns every partition of orders and has read up to its end
  function caught_up(k)
    local partitions = cluster:describe_topic("orders").partitions
    if #k:assignment() < #partitions then return false end
    for _, p in ipairs(partitions) do
      local position = k:position{ topic = "orders", partition = p.partition }
      if not position or position < p.high_watermark then return false end
    end
    return true
  end]]

return {
  id = 8,
  slug = "delivery-semantics",
  title = "Delivery semantics: commits, crashes, duplicates and losses",
  mirrors = "kafka-beginners-course consumer project (enable.auto.commit=false, max.poll.records, bulk write "
         .. "then commitSync, idempotence from a topic_partition_offset id) and polomarcus/tp consumer question "
         .. "\"delivery semantics\"",
  cluster = CLUSTER,
  setup = function(c, params)
    assert(c:create_topic(INPUT, { partitions = PARTITIONS, replication_factor = 3 }))
    local p = c:producer{}
    for i = 1, params.records or 60 do
      p:send(INPUT, { key = "customer-" .. (i % 7), value = string.format("order-%03d", i) }, function() end)
    end
    p:flush()
  end,
  -- Variants change how many orders there are and where the consumer crashes.
  variant = function(k)
    local records = { [0] = 60, 72, 66, 81 }
    local crash = { [0] = 23, 27, 34, 18 }
    return { params = { records = records[k % 4], crash_after = crash[k % 4] } }
  end,
  intro = [[
A consumer group remembers, per partition, the offset of the next record to read: the committed
offset. After a crash, whoever takes the partition over starts there. Where you commit relative
to where you process decides what a crash costs:
  commit, then process   at-most-once: records committed but not processed are never seen again
  process, then commit   at-least-once: records processed but not committed are processed again
The topic orders (3 partitions) already holds the orders "order-001", "order-002", ... .
lab.params.crash_after tells after how many processed records your consumer crashes.
"Processing" an order means copying it to an output topic; the output shows what was lost or
done twice. Paste these helpers first (they only read the cluster):
]] .. HELPERS,
  steps = {
    {
      id = "at-most-once",
      title = "Commit before processing: at-most-once",
      points = 3,
      text = [[
Create out-amo (1 partition) and run a consumer that commits each batch before processing it,
and crashes after lab.params.crash_after records:
  cluster:create_topic("out-amo", { partitions = 1 })
  p = cluster:producer{}
  k = cluster:consumer{ ["group.id"] = "amo", ["enable.auto.commit"] = false,
                        ["auto.offset.reset"] = "earliest", ["max.poll.records"] = 10 }
  k:subscribe("orders")
  done = 0
  while not crashed do
    local batch = k:poll(1000)
    k:commit()                          -- commit first ...
    for _, r in ipairs(batch) do
      if done == lab.params.crash_after then k:crash(); crashed = true; break end
      p:send("out-amo", { key = r.key, value = r.value })   -- ... then process
      done = done + 1
    end
  end
Then restart the application: a new consumer in group amo, same loop without the crash, until
caught_up(k2) (its first polls are empty: the group waits for the dead member's
session.timeout.ms, 45 s, before moving its partitions). Report what the crash cost:
  lab.answer("amo", compare("out-amo"))     -- { lost = n, duplicates = n }]],
      hints = {
        "k:commit() without arguments commits the positions: everything poll has returned so far.",
        "The records of the batch that were not processed before the crash were already committed.",
        "The restarted consumer needs several poll(1000) calls before it owns the partitions.",
      },
      check = run_step("amo", function(actual)
        if actual.lost == 0 then return "out-amo lost nothing: commit the batch before processing it, and crash in the middle" end
        if actual.duplicates > 0 then return "out-amo holds duplicates: with commit-first nothing is processed twice" end
      end),
    },
    {
      id = "at-least-once",
      title = "Commit after processing: at-least-once",
      points = 3,
      text = [[
The same with group alo and output out-alo, but commit after processing the batch (k:commit()
after the for loop). Crash at the same point, restart, finish, and report:
  lab.answer("alo", compare("out-alo"))]],
      hints = {
        "The crash comes before the commit of the batch being processed.",
        "The restarted consumer starts from the last commit: the part of the batch done before the crash is done again.",
      },
      check = run_step("alo", function(actual)
        if actual.lost > 0 then return "out-alo lost orders: commit only after processing the batch" end
        if actual.duplicates == 0 then return "out-alo has no duplicates: crash after processing part of a batch, before its commit" end
      end),
    },
    {
      id = "idempotent",
      title = "Idempotent processing: at-least-once without duplicates",
      points = 3,
      text = [[
Duplicates are harmless when processing the same record twice has the effect of doing it once.
The sink gets a unique id per record (the course uses topic_partition_offset) and a table of the
ids it already holds, which lives outside the consumer (a database's primary key), so it survives
the crash:
  sink = {}                                  -- id -> true; not lost when the consumer dies
  function process(r)
    local id = r.topic .. "_" .. r.partition .. "_" .. r.offset
    if sink[id] then skipped = skipped + 1 return end
    sink[id] = true
    p:send("out-idem", { key = r.key, value = r.value })
  end
Run step 2 again (commit after processing, the same crash point) with group idem and output
out-idem, count the skipped records, and report:
  lab.answer("idem", compare("out-idem"))
  lab.answer("idem_skipped", skipped)]],
      hints = {
        "skipped counts the records the restarted consumer received again: the ones step 2 processed twice.",
        "An id from the record's value would work too, when the producer guarantees one record per order.",
      },
      check = function(ctx)
        local ok, problem = run_step("idem", function(actual)
          if actual.lost > 0 or actual.duplicates > 0 then
            return "out-idem should hold every order exactly once: commit after processing, skip ids already in the sink"
          end
        end)(ctx)
        if not ok then return false, problem end
        local skipped = ctx.need("idem_skipped", "number")
        local alo = outcome(ctx, RUNS.alo)
        if skipped == 0 then return false, "idem_skipped = 0: crash before the commit, as in step 2, so records come back" end
        if skipped ~= alo.duplicates then
          return false, string.format("idem_skipped = %d, but step 2 processed %d records twice: crash at the same point "
                                      .. "(after lab.params.crash_after records) and count every skip", skipped, alo.duplicates)
        end
        return true
      end,
    },
    {
      id = "auto-commit",
      title = "The auto-commit trap",
      points = 4,
      text = [[
With enable.auto.commit = true (the default), poll() commits by itself, at most every
auto.commit.interval.ms (5000): when the interval has passed, the next poll commits the
positions, i.e. everything earlier polls returned, processed or not.
(a) Synchronous processing. Group auto-sync, output out-auto-sync, auto-commit on, no k:commit();
    each batch is processed right after its poll and takes a second (cluster:advance(1000) after
    the for loop). Crash after lab.params.crash_after records, restart, finish, and report:
      lab.answer("auto_sync", compare("out-auto-sync"))
(b) A buffer. Group auto-buffered, output out-auto-buffered: the loop appends each batch to a
    queue, then a slow worker processes one queued record, then cluster:advance(1000) (a record
    takes a second). Polling runs ahead of processing, as when records are handed to a worker
    thread. Crash after lab.params.crash_after processed records, restart (process
    synchronously), finish, and report:
      lab.answer("auto_buffered", compare("out-auto-buffered"))]],
      hints = {
        "k:committed{ topic = \"orders\", partition = 0 } after each poll shows when the auto-commit happened.",
        "(a) re-reads what was processed since the last auto-commit; (b) loses what was committed but still queued.",
        "Run the restarted consumers with the same config; they finish when caught_up(k2) is true (and a last "
          .. "poll, or k2:close(), commits the end).",
      },
      check = function(ctx)
        local ok, problem = run_step("auto_sync", function(actual)
          if actual.lost > 0 then return "out-auto-sync lost orders: process each batch before the next poll" end
          if actual.duplicates == 0 then
            return "out-auto-sync has no duplicates: crash between two auto-commits, after processing some records"
          end
        end)(ctx)
        if not ok then return false, problem end
        return run_step("auto_buffered", function(actual)
          if actual.lost == 0 then
            return "out-auto-buffered lost nothing: let polling run ahead of processing, past an auto-commit, before the crash"
          end
        end)(ctx)
      end,
    },
    {
      id = "choose",
      title = "Which guarantee, and how",
      points = 2,
      visibility = "after_due_date",
      text = [[
  lab.answer("sensor_average", "?")     -- an average of sensor readings: a reading lost now and then
                                         -- does not matter, one counted twice skews the average
  lab.answer("payments", "?")            -- charging customers: never lose one, never charge twice
choosing from
  a) at-most-once: commit before processing
  b) at-least-once: commit after processing, nothing more
  c) at-least-once with idempotent processing (a unique id checked by the sink)
  d) enable.auto.commit = true with a buffer: fast and safe]],
      hints = { "Only one option avoids both losses and duplicates in the sink; one is never safe." },
      check = function(ctx)
        local wrong = {}
        if ctx.choice("sensor_average") ~= "a" then wrong[#wrong + 1] = "sensor_average" end
        if ctx.choice("payments") ~= "c" then wrong[#wrong + 1] = "payments" end
        if #wrong > 0 then return false, "not yet right: " .. table.concat(wrong, ", ") end
        return true
      end,
    },
  },
}
