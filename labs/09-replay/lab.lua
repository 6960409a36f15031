-- Lab 09: replay. polomarcus/tp's consumer question "replay after a bug: reset the group or use a new
-- group" and kafka-consumer-groups.sh --reset-offsets (--to-datetime, --shift-by, --dry-run/--execute).
-- The billing service (group billing) has read every order; the version deployed at lab.params.deploy
-- was buggy. The student sees the reset refused while a member is active (NON_EMPTY_GROUP), closes it,
-- prints the dry-run plan, executes it, reprocesses into invoices-fixed, replays the last records with
-- shift_by for another group, and compares with a new group that starts from the log start. Checks read
-- the groups' committed offsets (c:describe_group), the output topics and the answers; the expected
-- reset offsets come from the records' CreateTime timestamps.
local CLUSTER = { brokers = 3, seed = 42 }
local INPUT, PARTITIONS, GAP_MS = "orders", 3, 20000

-- Simulated ms of a 'YYYY-MM-DDTHH:mm:SS.sss' time on 1970-01-01 (the lab's deploy times).
local function ms_of(datetime)
  local h, m, s, ms = datetime:match("^1970%-01%-01T(%d%d):(%d%d):(%d%d)%.(%d%d%d)$")
  return ((tonumber(h) * 60 + tonumber(m)) * 60 + tonumber(s)) * 1000 + tonumber(ms)
end

-- Per partition: { log_end = n, log_start = n, first_at = offset of the first record with timestamp >= ts }.
local function partitions(ctx, ts)
  local result = {}
  for _, info in ipairs(ctx.topic(INPUT).partitions) do
    result[info.partition] = { log_end = info.high_watermark, log_start = info.log_start_offset, first_at = info.high_watermark }
  end
  for _, r in ipairs(ctx.records(INPUT)) do
    local entry = result[r.partition]
    if ts and r.timestamp >= ts and r.offset < entry.first_at then entry.first_at = r.offset end
  end
  return result
end

-- The committed offsets of a group on orders, { [partition] = offset }, and its state.
local function committed(ctx, group)
  local description = ctx.cluster:describe_group(group)
  local offsets = {}
  for _, row in ipairs(description.partitions or {}) do
    if row.topic == INPUT then offsets[row.partition] = row.current_offset end
  end
  return offsets, description
end

local function at_log_end(ctx, group)
  local offsets = committed(ctx, group)
  for p, info in pairs(partitions(ctx)) do
    if offsets[p] ~= info.log_end then
      ctx.fail(string.format("group %s has committed %s on orders-%d, not the log end %d: read to the end and commit",
                             group, tostring(offsets[p]), p, info.log_end))
    end
  end
end

-- value -> copies in a topic.
local function tally(ctx, topic)
  local copies, total = {}, 0
  for _, r in ipairs(ctx.records(topic)) do
    copies[r.value] = (copies[r.value] or 0) + 1
    total = total + 1
  end
  return copies, total
end

-- Checks that `topic` holds "fixed:" .. value once for exactly the orders selected by keep(record).
local function holds_exactly(ctx, topic, prefix, keep)
  ctx.topic(topic)
  local copies, total = tally(ctx, topic)
  local expected = 0
  for _, r in ipairs(ctx.records(INPUT)) do
    if keep(r) then
      expected = expected + 1
      local n = copies[prefix .. r.value] or 0
      if n ~= 1 then
        ctx.fail(string.format('%s holds "%s" %d times, expected once', topic, prefix .. r.value, n))
      end
    end
  end
  if total ~= expected then
    return false, string.format("%s holds %d records, but %d orders were to be processed", topic, total, expected)
  end
  return true, expected
end

local HELPERS = [[
  -- true once k owns every partition of orders and has read up to its end
  function caught_up(k)
    local partitions = cluster:describe_topic("orders").partitions
    if #k:assignment() < #partitions then return false end
    for _, p in ipairs(partitions) do
      local position = k:position{ topic = "orders", partition = p.partition }
      if not position or position < p.high_watermark then return false end
    end
    return true
  end
  -- runs a consumer of `group` until it has read orders to the end, committing after each batch;
  -- process(r) is the application; returns the still-open consumer
  function run(group, process)
    local k = cluster:consumer{ ["group.id"] = group, ["enable.auto.commit"] = false,
                                ["auto.offset.reset"] = "earliest" }
    assert(k:subscribe("orders"))
    while not caught_up(k) do
      for _, r in ipairs(assert(k:poll(1000))) do process(r) end
      assert(k:commit())
    end
    return k
  end]]

return {
  id = 9,
  slug = "replay",
  title = "Replay: resetting a group's offsets after a bug",
  mirrors = "polomarcus/tp consumer question \"replay after a bug: reset the group or use a new group\"; "
         .. "kafka-consumer-groups.sh --reset-offsets --to-datetime / --shift-by, --dry-run and --execute",
  cluster = CLUSTER,
  setup = function(c, params)
    assert(c:create_topic(INPUT, { partitions = PARTITIONS, replication_factor = 3 }))
    local p = c:producer{}
    for i = 1, params.records or 45 do
      c:advance(GAP_MS)  -- an order every 20 s: the records' CreateTime spreads over the morning
      assert(p:send(INPUT, { key = "customer-" .. (i % 11), value = string.format("order-%03d", i) }))
    end
  end,
  -- Variants change the number of orders, the time of the faulty deploy and the replay depth.
  variant = function(k)
    local records = { [0] = 45, 51, 48, 57 }
    local deploy = { [0] = "1970-01-01T00:09:30.000", "1970-01-01T00:11:10.000", "1970-01-01T00:07:50.000",
                     "1970-01-01T00:13:00.000" }
    local shift = { [0] = 4, 3, 5, 6 }
    return { params = { records = records[k % 4], deploy = deploy[k % 4], shift = shift[k % 4] } }
  end,
  intro = [[
The topic orders (3 partitions) holds the morning's orders, one every 20 s of simulated time
(simulated time starts at 1970-01-01T00:00:00.000). The billing service, consumer group billing,
writes an invoice for each. At lab.params.deploy a new version went out; later you find that
it computed every invoice wrong. The fix is deployed: now the orders since the deploy must be
processed again. Kafka kept them; only the group's committed offsets say "already done".
kafka-consumer-groups.sh --reset-offsets moves those offsets. In klab:
  cluster:reset_offsets{ group = "billing", topic = "orders", to_datetime = "..." }   -- a dry run
  cluster:reset_offsets{ ..., execute = true }                                          -- applies it
Paste these helpers first:
]] .. HELPERS,
  steps = {
    {
      id = "refused",
      title = "A reset while the service runs is refused",
      points = 2,
      text = [[
The service runs: it has processed every order and keeps polling.
  cluster:create_topic("invoices", { partitions = 1 })
  p = cluster:producer{}
  k = run("billing", function(r) p:send("invoices", { key = r.key, value = "buggy:" .. r.value }) end)
  print(cluster:describe_group("billing"))       -- CURRENT-OFFSET = LOG-END-OFFSET, LAG 0
Try the reset now, and report the error's name:
  plan, err = cluster:reset_offsets{ group = "billing", topic = "orders", to_datetime = lab.params.deploy }
  print(err)
  lab.answer("refused", err.name)]],
      hints = {
        "Do not close k before trying: the point is to see the refusal.",
        "The message says which states allow a reset: the group must be Empty (or Dead).",
      },
      check = function(ctx)
        at_log_end(ctx, "billing")
        local answer = ctx.need("refused", "string")
        if answer ~= "NON_EMPTY_GROUP" then
          return false, "refused: that is not the error a reset of a group with an active member gets"
        end
        return true
      end,
    },
    {
      id = "to-datetime",
      title = "Close the member, dry-run, then execute to_datetime",
      points = 3,
      text = [[
Stop the service (k:close(): it leaves the group, which becomes Empty), then look before you leap:
  k:close()
  plan = cluster:reset_offsets{ group = "billing", topic = "orders", to_datetime = lab.params.deploy }
  print(plan)                                    -- the dry run: nothing changed yet
Each NEW-OFFSET is the first offset of the partition whose timestamp is at or after the time.
Report the plan as { p0 = n, p1 = n, p2 = n }, execute it, and report the total LAG that
describe_group shows afterwards (the orders waiting to be processed again):
  lab.answer("plan", { p0 = ..., p1 = ..., p2 = ... })
  cluster:reset_offsets{ group = "billing", topic = "orders", to_datetime = lab.params.deploy, execute = true }
  print(cluster:describe_group("billing"))
  lab.answer("lag_after_reset", n)]],
      hints = {
        "plan.plan is a list of { topic, partition, new_offset }.",
        "The lag is LOG-END-OFFSET - CURRENT-OFFSET, summed over the partitions (describe_group(...).partitions[i].lag).",
        "A reset never touches the records: it writes new committed offsets for the group.",
      },
      check = function(ctx)
        local expected = partitions(ctx, ms_of(ctx.params.deploy or "1970-01-01T00:09:30.000"))
        local plan = ctx.need("plan", "table")
        local lag = 0
        for p, info in pairs(expected) do
          if plan["p" .. p] ~= info.first_at then
            return false, string.format("plan.p%d = %s: the dry run of to_datetime = lab.params.deploy says otherwise",
                                        p, ctx.show(plan["p" .. p]))
          end
          lag = lag + info.log_end - info.first_at
        end
        if ctx.need("lag_after_reset", "number") ~= lag then
          return false, "lag_after_reset: add up the LAG column of describe_group right after the executed reset"
        end
        return true
      end,
    },
    {
      id = "reprocess",
      title = "Process the orders since the deploy again",
      points = 2,
      text = [[
Start the fixed version in the same group. It starts at the offsets you reset to:
  cluster:create_topic("invoices-fixed", { partitions = 1 })
  k = run("billing", function(r) p:send("invoices-fixed", { key = r.key, value = "fixed:" .. r.value }) end)
  k:close()
  print(cluster:describe_group("billing"))
invoices-fixed now holds an invoice for each order since the deploy, and only those. Report
how many:
  lab.answer("reprocessed", n)]],
      hints = { "Count the records the fixed run processed, or the records of invoices-fixed." },
      check = function(ctx)
        at_log_end(ctx, "billing")
        local since = ms_of(ctx.params.deploy or "1970-01-01T00:09:30.000")
        local ok, expected = holds_exactly(ctx, "invoices-fixed", "fixed:", function(r) return r.timestamp >= since end)
        if not ok then return false, expected end
        if ctx.need("reprocessed", "number") ~= expected then
          return false, "reprocessed: that is not how many invoices invoices-fixed holds"
        end
        return true
      end,
    },
    {
      id = "shift-by",
      title = "Replay the last records with shift_by",
      points = 2,
      text = [[
The audit team's group must read the last lab.params.shift orders of every partition again.
  audit = run("audit", function(r) end)          -- it has read everything
Reset it with shift_by (relative to each committed offset; negative goes back): the dry run
first, then execute. A reset needs the group inactive, so close the member before.
  lab.answer("audit_plan", { p0 = ..., p1 = ..., p2 = ... })   -- the NEW-OFFSETs
Leave group audit with those offsets committed (do not run it again).]],
      hints = {
        "cluster:reset_offsets{ group = \"audit\", topic = \"orders\", shift_by = -lab.params.shift }",
        "Kafka clamps a shift that goes before the log start to the log start, with a warning.",
      },
      check = function(ctx)
        local shift = ctx.params.shift or 4
        local offsets, description = committed(ctx, "audit")
        local plan = ctx.need("audit_plan", "table")
        for p, info in pairs(partitions(ctx)) do
          local want = math.max(info.log_start, info.log_end - shift)
          if offsets[p] ~= want then
            return false, string.format("group audit has committed %s on orders-%d, not %d: execute the reset with "
                                        .. "shift_by = -lab.params.shift after reading to the end", tostring(offsets[p]), p, want)
          end
          if plan["p" .. p] ~= want then return false, "audit_plan: not the NEW-OFFSETs of the dry run" end
        end
        if description.state ~= "Empty" then return false, "group audit should be left Empty, with its reset offsets" end
        return true
      end,
    },
    {
      id = "new-group",
      title = "A new group instead of a reset",
      points = 2,
      text = [[
The other way to replay: deploy the fix under a new group id, which has no committed offsets,
with auto.offset.reset = earliest.
  cluster:create_topic("invoices-v2", { partitions = 1 })
  k = run("billing-v2", function(r) p:send("invoices-v2", { key = r.key, value = "fixed:" .. r.value }) end)
  k:close()
  lab.answer("new_group_processed", n)           -- how many orders the new group processed
Compare with step 3, then answer: what does a new group do differently?
  a) it starts from each partition's log start (what retention kept), not from the deploy: it
     processes everything again, and the old group's offsets stay behind until they expire
  b) it starts exactly at the deploy time, because Kafka remembers when a version was deployed
  c) it continues from billing's committed offsets
  d) it reads only records produced after it was created
  lab.answer("new_group_is", "?")]],
      hints = {
        "auto.offset.reset applies only where the group has no committed offset: for a new group, everywhere.",
        "To start a new group at a time instead, reset it to_datetime before its first run, or seek in on_assigned.",
      },
      check = function(ctx)
        at_log_end(ctx, "billing-v2")
        local ok, expected = holds_exactly(ctx, "invoices-v2", "fixed:", function() return true end)
        if not ok then return false, expected end
        if ctx.need("new_group_processed", "number") ~= expected then
          return false, "new_group_processed: count what the new group processed"
        end
        if ctx.choice("new_group_is") ~= "a" then return false, "new_group_is: not that one" end
        return true
      end,
    },
    {
      id = "why-inactive",
      title = "Why the group must be inactive",
      points = 1,
      visibility = "after_due_date",
      text = [[
Why does Kafka refuse to reset the offsets of a group with active members?
  a) __consumer_offsets is read-only while a group has members
  b) a running member reads from the position it holds in memory, not from the committed
     offset, and its next commit would overwrite the reset: Kafka refuses rather than race it
  c) a reset deletes the group, which would crash its members
  d) members cache the whole partition, so a reset would not change what they read
  lab.answer("why_inactive", "?")]],
      hints = { "A consumer fetches committed offsets only when it gets a partition (after a rebalance)." },
      check = function(ctx)
        if ctx.choice("why_inactive") ~= "b" then return false, "why_inactive: not that one" end
        return true
      end,
    },
  },
}
