-- Connect and interceptors from Lua: Lua connectors (and one that raises), the properties file path,
-- bad input, and client interceptors.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises = h.test, h.eq, h.raises

local c = klab.cluster{ brokers = 3, seed = 7 }
assert(c:create_topic("in", { partitions = 2, replication_factor = 3 }))
local w = klab._connect_workdir(c, { ["sink.properties"] = "name = props-sink\nconnector.class: FileStreamSink\n" ..
  "file out.txt\ntopics=in,\\\n   other\nvalue.converter=org.apache.kafka.connect.storage.StringConverter\n" })

test("c:connect() returns the cluster's one worker", function()
  eq(c:connect():dir(), w:dir(), "dir")
  raises(function() c:connect{ dir = "/" } end, "already running")
end)

test("a .properties file with every separator and a continuation creates a connector", function()
  assert(c:create_topic("other", { partitions = 1, replication_factor = 3 }))
  local status = assert(w:create("sink.properties"))
  eq(status.tasks[1].state, "RUNNING", "task")
  eq(w:config("props-sink").topics, "in,other", "continued topics")
end)

test("a Lua sink receives converted records; a Lua source's records reach their topic", function()
  local seen = {}
  assert(w:create{ name = "lua-sink", topics = "in", ["value.converter"] = "JsonConverter",
    ["value.converter.schemas.enable"] = false, ["key.converter"] = "StringConverter",
    ["connector.class"] = { put = function(records) for _, r in ipairs(records) do seen[#seen + 1] = r.value.n end end } })
  local polls = 0
  assert(w:create{ name = "lua-source", topic = "in", ["value.converter"] = "StringConverter",
    ["connector.class"] = { poll = function() polls = polls + 1; if polls <= 3 then return { { key = "k", value = '{"n":' .. polls .. '}' } } end end } })
  c:advance(6000)
  table.sort(seen)
  eq(#seen, 3, "records put")
  eq(seen[3], 3, "last value")
end)

test("a Lua sink that raises fails its task with the Lua traceback; the cluster goes on", function()
  assert(w:create{ name = "angry", topics = "in", ["key.converter"] = "StringConverter",
    ["value.converter"] = "StringConverter", ["connector.class"] = { put = function(records) if #records > 0 then error("boom") end end } })
  c:advance(6000)
  local task = w:status("angry").tasks[1]
  eq(task.state, "FAILED", "state")
  assert(task.trace:find("Exiting WorkerSinkTask due to unrecoverable exception.", 1, true), task.trace)
  assert(task.trace:find("boom", 1, true) and task.trace:find("stack traceback", 1, true), task.trace)
  eq(w:status("lua-sink").tasks[1].state, "RUNNING", "others run")
  assert(c:producer{}:send("in", { value = "after" }))
end)

test("bad input: unknown class lists the known ones, missing key, typo, bad types", function()
  local _, err = w:create{ name = "x", ["connector.class"] = "S3Sink", topics = "in" }
  assert(tostring(err):find("FileStreamSink", 1, true), tostring(err))
  _, err = w:create{ name = "x", ["connector.class"] = "FileStreamSource", file = "f.txt" }
  assert(tostring(err):find('Missing required configuration "topic"', 1, true), tostring(err))
  _, err = w:create{ name = "x", ["connector.class"] = "FileStreamSink", file = "f", topics = "in", ["errors.tolerance"] = "some" }
  assert(tostring(err):find("String must be one of: none, all", 1, true), tostring(err))
  _, err = w:create("missing.properties")
  assert(tostring(err):find("no file missing.properties", 1, true), tostring(err))
  raises(function() w:create{ name = "x", ["connector.class"] = {} } end, "a Lua connector.class is")
  raises(function() w:create(42) end, "a .properties file name or a config table")
  _, err = w:status("nope")
  eq(err.name, "INVALID_REQUEST", "unknown connector")
  local ok, werr = w:write_file("../outside.txt", "x")
  assert(not ok and tostring(werr):find("outside the Connect working directory", 1, true), tostring(werr))
end)

test("interceptors count sends, acknowledgements, consumption and commits", function()
  local counts = { sent = 0, acked = 0, consumed = 0, committed = 0 }
  local p = c:producer{ ["interceptor.classes"] = { {
    on_send = function() counts.sent = counts.sent + 1 end,
    on_acknowledgement = function(md, err) if not err and md.offset >= 0 then counts.acked = counts.acked + 1 end end } } }
  for i = 1, 7 do p:send("other", { value = "v" .. i }, function() end) end
  eq(counts.acked, 0, "nothing acknowledged before the flush")
  p:flush()
  eq(counts.sent, 7, "sent")
  eq(counts.acked, 7, "acknowledged")
  local k = c:consumer{ ["group.id"] = "ic", ["auto.offset.reset"] = "earliest", ["enable.auto.commit"] = false,
    ["interceptor.classes"] = { { on_consume = function(rs) counts.consumed = counts.consumed + #rs end,
                                  on_commit = function(offsets) counts.committed = offsets[1].offset end } } }
  k:subscribe{ "other" }
  local n = 0
  while n < 7 do n = n + #k:poll(1000) end
  assert(k:commit())
  eq(counts.consumed, 7, "consumed")
  eq(counts.committed, 7, "committed offset")
  raises(function() c:producer{ ["interceptor.classes"] = "com.example.Counting" } end, "Lua tables")
  raises(function() c:producer{ ["interceptor.classes"] = { on_send = print } } end, "is a list")
end)

test("an interceptor that raises is reported and ignored", function()
  local p = c:producer{ ["interceptor.classes"] = { { on_send = function() error("interceptor bug") end } } }
  assert(p:send("other", { value = "still sent" }))
end)

test("w:sql returns rows with their columns in SELECT order and prints them as a table", function()
  assert(c:create_topic("stock", { partitions = 1, replication_factor = 3 }))
  local p = c:producer{}
  local schema = '{"type":"struct","fields":[{"type":"string","optional":false,"field":"sku"},' ..
    '{"type":"int32","optional":true,"field":"qty"}]}'
  assert(p:send("stock", { key = "a", value = '{"schema":' .. schema .. ',"payload":{"sku":"s-1","qty":4}}' }))
  assert(p:send("stock", { key = "b", value = '{"schema":' .. schema .. ',"payload":{"sku":"s-2","qty":null}}' }))
  assert(w:create{ name = "stock-db", ["connector.class"] = "io.confluent.connect.jdbc.JdbcSinkConnector",
    topics = "stock", ["connection.url"] = "jdbc:sqlite:stock.db", ["auto.create"] = true,
    ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter" })
  c:advance(10000)
  local rows = assert(w:sql("stock.db", "SELECT sku, qty FROM stock ORDER BY sku"))
  eq(rows.columns[1], "sku", "first column")
  eq(rows.columns[2], "qty", "second column")
  eq(rows[1].qty, 4, "an integer comes back as a number")
  eq(rows[2].qty, nil, "NULL is nil")
  eq(tostring(rows), "sku   qty\n---  ----\ns-1     4\ns-2  NULL\n(2 rows)", "printed")
  local none, err = w:sql("stock.db", "DELETE FROM stock")
  eq(none, nil, "a write is refused")
  assert(tostring(err):find("INVALID_REQUEST", 1, true), tostring(err))
end)

h.finish()
