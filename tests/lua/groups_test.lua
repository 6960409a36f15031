-- Consumer groups from Lua: subscribe, rebalance listeners, commits, close and crash, and the
-- kafka-consumer-groups.sh admin calls.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, fails_with = h.test, h.eq, h.fails_with

local function cluster_with_orders(records)
  local c = klab.cluster{}
  assert(c:create_topic("orders", { partitions = 3 }))
  local p = c:producer{}
  for i = 1, records or 30 do p:send("orders", { key = "k" .. i, value = "v" .. i }, function() end) end
  p:flush()
  return c
end

local function poll_all(consumers, rounds, timeout)
  local read = 0
  for _ = 1, rounds do
    for _, k in ipairs(consumers) do read = read + #assert(k:poll(timeout or 100)) end
  end
  return read
end

test("a lone member gets every partition after group.initial.rebalance.delay.ms and reads everything", function()
  local c = cluster_with_orders()
  local assigned
  local k = c:consumer{ ["group.id"] = "dash", ["auto.offset.reset"] = "earliest",
                        on_assigned = function(parts) assigned = #parts end }
  assert(k:subscribe("orders"))
  eq(poll_all({ k }, 10, 1000), 30, "all records")
  eq(assigned, 3, "on_assigned got the three partitions")
  eq(#k:assignment(), 3, "assignment()")
  local member = k:member()
  eq(member.state, "STABLE", "member state (the Java client's MemberState name)")
  eq(member.generation, 1, "first generation")
  local d = c:describe_group("dash")
  eq(d.state, "Stable", "group state")
  eq(#d.members, 1, "one member")
  local header = tostring(d):match("\n(GROUP[^\n]*)")
  eq(header:match("^GROUP%s+TOPIC%s+PARTITION%s+CURRENT%-OFFSET%s+LOG%-END%-OFFSET%s+LAG%s+CONSUMER%-ID%s+HOST%s+CLIENT%-ID$") ~= nil,
     true, "the tool's header")
end)

test("close leaves at once; crash is noticed only after session.timeout.ms", function()
  local c = cluster_with_orders()
  local a = c:consumer{ ["group.id"] = "g", ["auto.offset.reset"] = "earliest" }
  local b = c:consumer{ ["group.id"] = "g", ["auto.offset.reset"] = "earliest" }
  assert(a:subscribe("orders"))
  assert(b:subscribe("orders"))
  poll_all({ a, b }, 40, 250)
  eq(#a:assignment() + #b:assignment(), 3, "the partitions are shared")
  assert(a:close())
  eq(#c:describe_group("g").members, 1, "a left at once")
  poll_all({ b }, 20, 250)
  eq(#b:assignment(), 3, "b took everything")
  local x = c:consumer{ ["group.id"] = "g" }
  assert(x:subscribe("orders"))
  poll_all({ b, x }, 40, 250)
  eq(#x:assignment() > 0, true, "x got partitions")
  x:crash()
  local crashed_at = c:now()
  poll_all({ b }, 4, 1000)
  eq(#c:describe_group("g").members, 2, "still a member a few seconds after the crash")
  while #c:describe_group("g").members > 1 and c:now() - crashed_at < 120000 do b:poll(1000) end
  local gone = c:now() - crashed_at
  eq(gone >= 45000 and gone < 50000, true, "removed after session.timeout.ms (45000): " .. gone)
end)

test("commits, committed, and resets refused while the group is active", function()
  local c = cluster_with_orders()
  local k = c:consumer{ ["group.id"] = "g", ["auto.offset.reset"] = "earliest", ["enable.auto.commit"] = false }
  assert(k:subscribe("orders"))
  poll_all({ k }, 10, 1000)
  eq(k:committed({ topic = "orders", partition = 0 }), nil, "nothing committed yet")
  assert(k:commit())
  local committed = k:committed({ topic = "orders", partition = 0 })
  eq(committed.offset, c:describe_topic("orders").partitions[1].log_end_offset, "committed the position")
  fails_with("NON_EMPTY_GROUP", c:reset_offsets{ group = "g", topic = "orders", to_earliest = true })
  assert(k:close())
  local plan = assert(c:reset_offsets{ group = "g", topic = "orders", to_earliest = true })
  eq(plan.executed, false, "a dry run by default")
  eq(plan.plan[1].new_offset, 0, "to the start")
  local clamped = assert(c:reset_offsets{ group = "g", topic = "orders", partitions = { 0 }, to_offset = 1000, execute = true })
  eq(clamped.executed, true, "executed")
  eq(#clamped.warnings, 1, "a warning for the clamp")
  eq(clamped.plan[1].new_offset, c:describe_topic("orders").partitions[1].log_end_offset, "clamped to the log end")
  eq(tostring(c:describe_group("g")):find("has no active members", 1, true) ~= nil, true, "the empty-group notice")
  assert(c:delete_group("g"))
  eq(c:describe_group("g").state, "Dead", "gone")
end)

test("bad input: no group.id, unknown reset options, listeners that are not functions", function()
  local c = cluster_with_orders(3)
  local k = c:consumer{}
  fails_with("INVALID_GROUP_ID", k:subscribe("orders"))
  local ok, err = pcall(c.reset_offsets, c, { group = "g", topic = "orders", to_erliest = true })
  eq(ok, false, "refused")
  eq(tostring(err):find("unknown option 'to_erliest'", 1, true) ~= nil, true, tostring(err))
  ok, err = pcall(c.reset_offsets, c, { group = "g", topic = "orders" })
  eq(tostring(err):find("exactly one of", 1, true) ~= nil, true, tostring(err))
  local g = c:consumer{ ["group.id"] = "g" }
  ok, err = pcall(g.subscribe, g, "orders", { on_assigned = 42 })
  eq(tostring(err):find("must be a function", 1, true) ~= nil, true, tostring(err))
  fails_with("GROUP_ID_NOT_FOUND", c:delete_group("nobody"))
end)

test("an error in a listener makes poll fail after the rebalance", function()
  local c = cluster_with_orders(3)
  local k = c:consumer{ ["group.id"] = "g", on_assigned = function() error("boom") end }
  assert(k:subscribe("orders"))
  local failed
  for _ = 1, 10 do
    local ok, err = pcall(k.poll, k, 1000)
    if not ok then failed = tostring(err) break end
  end
  eq(failed ~= nil and failed:find("on_assigned listener", 1, true) ~= nil, true, tostring(failed))
  eq(#k:assignment(), 3, "the assignment still happened")
end)

test("commits are records of __consumer_offsets, readable as Kafka's formatter prints them", function()
  local c = cluster_with_orders(3)
  local k = c:consumer{ ["group.id"] = "dash", ["auto.offset.reset"] = "earliest", ["enable.auto.commit"] = false }
  assert(k:subscribe("orders"))
  poll_all({ k }, 5, 1000)
  assert(k:commit())
  local reader = c:consumer{ ["auto.offset.reset"] = "earliest" }
  assert(reader:assign(reader:partitions_for("__consumer_offsets")))
  local lines = {}
  for _ = 1, 3 do
    for _, r in ipairs(assert(reader:poll(100))) do
      local line = klab.format_offsets_record(r.key, r.value)
      if line then lines[#lines + 1] = line end
    end
  end
  local commit, metadata
  for _, line in ipairs(lines) do
    commit = commit or line:match("^%[dash,orders,0%]::OffsetAndMetadata%(offset=%d+, leaderEpoch=Optional%[0%], metadata=, commitTimestamp=%d+, expireTimestamp=None%)$")
    metadata = metadata or line:match("^dash::GroupMetadata%(groupId=dash, generation=1, protocolType=Some%(consumer%)")
  end
  eq(commit ~= nil, true, "the commit as OffsetsMessageFormatter prints it")
  eq(metadata ~= nil, true, "the group as GroupMetadataMessageFormatter prints it")
  eq(klab.format_offsets_record("not a key", "x"), nil, "other records print nothing")
end)

h.finish()
