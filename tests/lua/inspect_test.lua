-- The inspector from Lua: inspect.open / sql / lag / timeline / plot / sample / schema / close, and
-- the errors a user can run into.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises = h.test, h.eq, h.raises

local function temp_path(name)
  local path = os.tmpname()
  os.remove(path)
  return path .. "-" .. name
end

-- A cluster with a group that lags and a broker that stops for a while.
local function monitored_cluster(path)
  local c = klab.cluster{ brokers = 3, seed = 5 }
  local db = inspect.open(c, path, { ["inspect.sample.ms"] = 500 })
  assert(c:create_topic("orders", { partitions = 2, replication_factor = 3 }))
  local p = c:producer{ acks = "all" }
  local k = c:consumer{ ["group.id"] = "dash", ["auto.offset.reset"] = "earliest", ["max.poll.records"] = 10 }
  k:subscribe{ "orders" }
  while #k:assignment() < 2 do k:poll(100) end
  for i = 1, 40 do
    p:send("orders", { key = "k" .. i, value = "v" })
    if i % 20 == 0 then k:poll(500); k:commit() end
    if i == 20 then assert(c:stop_broker(3)) end
  end
  p:flush()
  c:advance(1000)
  assert(c:start_broker(3))
  c:advance(15000)
  return c, db
end

test("inspect.sql returns rows with their columns and prints an aligned table", function()
  local c = monitored_cluster()
  local rows = inspect.sql("SELECT topic, partition, leader, isr FROM partitions WHERE topic = 'orders' ORDER BY time_ms, partition LIMIT 2")
  eq(#rows, 2, "rows")
  eq(rows.columns[1], "topic", "first column")
  eq(rows[1].topic, "orders", "a value by column name")
  eq(math.type(rows[1].partition), "integer", "integers stay integers")
  local printed = tostring(rows)
  eq(printed:match("^topic%s+partition%s+leader%s+isr\n%-+") ~= nil, true, "a header and a rule: " .. printed)
  eq(printed:match("%(2 rows%)$") ~= nil, true, "a row count")
  local null = inspect.sql("SELECT NULL AS missing, 1 AS one")
  eq(null[1].missing, nil, "NULL is nil")
  eq(tostring(null):find("NULL", 1, true) ~= nil, true, "NULL prints as NULL")
end)

test("the recording holds the group's lag, the stopped broker and the elections", function()
  local c = monitored_cluster()
  local lag = inspect.lag("dash")
  eq(#lag, 2, "a row per partition of the group")
  local described = c:describe_group("dash")
  local total = 0
  for _, row in ipairs(lag) do total = total + (row.lag or 0) end
  eq(total > 0, true, "the group lags")
  eq(tostring(lag):find("total lag over time:", 1, true) ~= nil, true, "with a sparkline")
  local stops = inspect.timeline("BrokerStopped")
  eq(#stops, 1, "one broker stop")
  eq(stops[1].broker, 3, "broker 3")
  local elections = inspect.sql("SELECT COUNT(*) AS n FROM leader_elections")
  local kernel_elections = 0
  for _, event in ipairs(c:events()) do
    if event.kind == "LeaderElected" or event.kind == "UncleanLeaderElection" then kernel_elections = kernel_elections + 1 end
  end
  eq(elections[1].n, kernel_elections, "every election the kernel recorded")
  eq(described ~= nil, true, "the group exists")
end)

test("inspect.plot draws a sparkline, and an SVG line chart into a file", function()
  monitored_cluster()
  local text = inspect.plot("SELECT time_ms, group_id, lag FROM group_lag")
  eq(text:match("^dash%s+[▁▂▃▄▅▆▇█]+") ~= nil, true, "a sparkline per series: " .. text)
  local path = temp_path("lag.svg")
  text = inspect.plot("SELECT time_ms, lag, max_partition_lag FROM group_lag", path, "lag of dash")
  eq(text:find("wrote " .. path, 1, true) ~= nil, true, "says where")
  local file = assert(io.open(path))
  local svg = file:read("a")
  file:close()
  os.remove(path)
  eq(svg:match("^<svg") ~= nil, true, "an SVG document")
  eq(svg:find("<polyline", 1, true) ~= nil, true, "a line")
  eq(svg:find("max_partition_lag", 1, true) ~= nil, true, "a legend")
  raises(function() inspect.plot("SELECT 1") end, "plot needs at least two columns")
  raises(function() inspect.plot("SELECT 'a', 1") end, "must be numeric")
end)

test("a recording in a file opens again read-only, for inspect and klab inspect", function()
  local path = temp_path("run.sqlite")
  local c, db = monitored_cluster(path)
  local samples = inspect.sample()
  eq(math.type(samples), "integer", "sample() returns the sample id")
  inspect.close()
  local reader = inspect.open(path)
  eq(tostring(reader):find("read-only", 1, true) ~= nil, true, "a reader says so")
  eq(reader:sql("SELECT reason FROM samples ORDER BY sample_id DESC LIMIT 1")[1].reason, "on demand", "the on-demand sample")
  raises(function() inspect.sample() end, "not recording")
  raises(function() db:sql("SELECT 1") end, "closed")
  inspect.close(reader)
  os.remove(path)
end)

test("bad input: malformed SQL, writes, unwritable paths, other files, bad options", function()
  local c = klab.cluster{}
  inspect.open(c)
  raises(function() inspect.sql("SELEC 1") end, 'near "SELEC": syntax error')
  raises(function() inspect.sql("DROP TABLE samples") end, "read-only")
  raises(function() inspect.sql(42) end, "SQL text")
  raises(function() inspect.open(c, "/nonexistent-klab-dir/x.sqlite") end, "cannot record into /nonexistent-klab-dir/x.sqlite")
  local notes = temp_path("notes.txt")
  local file = assert(io.open(notes, "w"))
  file:write("precious\n")
  file:close()
  raises(function() inspect.open(c, notes) end, "not a klab inspector database", "refusing")
  raises(function() inspect.open(notes) end, "not a klab inspector database")
  file = assert(io.open(notes))
  eq(file:read("a"), "precious\n", "the file is untouched")
  file:close()
  os.remove(notes)
  raises(function() inspect.open(c, { ["inspect.sample.sm"] = 10 }) end, "inspect.sample.ms")
  raises(function() inspect.open(c, { ["inspect.sample.ms"] = 0 }) end, "inspect.sample.ms")
  raises(function() inspect.open(42) end, "cluster or path of a recording expected")
  raises(function() inspect.open("/nonexistent-klab-dir/x.sqlite") end, "no such file")
  eq(inspect.schema():find("CREATE TABLE partition_spans", 1, true) ~= nil, true, "the schema: spans")
  eq(inspect.schema():find("CREATE VIEW partitions", 1, true) ~= nil, true, "the schema: the view with the old name")
end)

h.finish()
