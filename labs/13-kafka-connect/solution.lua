-- Reference solution of lab 13 (klab lab check 13 labs/13-kafka-connect/solution.lua).
local w = cluster:connect()
assert(w:create("connect-file-sink.properties"))
local p = cluster:producer{}
for i = 1, lab.params.news do assert(p:send("news", { key = "k" .. i, value = "news-" .. i })) end
cluster:advance(70000)
local lines = {}
for line in w:read_file("test.sink.txt"):gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
lab.answer("lines", lines)
lab.answer("group", "connect-local-file-sink")

for i = 1, lab.params.good_orders do
  assert(p:send("orders", { value = string.format('{"id":%d}', i) }))
  if i == 1 then assert(p:send("orders", { value = "oops" })) end
end
local function json_sink(name, file, extra)
  local config = { name = name, ["connector.class"] = "FileStreamSink", topics = "orders", file = file,
    ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
    ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter", ["value.converter.schemas.enable"] = false }
  for k, v in pairs(extra) do config[k] = v end
  return assert(w:create(config))
end
json_sink("orders-strict", "strict.txt", { ["errors.tolerance"] = "none" })
json_sink("orders-tolerant", "tolerant.txt", { ["errors.tolerance"] = "all" })
json_sink("orders-dlq", "dlq.txt", { ["errors.tolerance"] = "all", ["errors.deadletterqueue.topic.name"] = "dlq-orders",
  ["errors.deadletterqueue.context.headers.enable"] = true, ["errors.log.enable"] = true })
cluster:advance(10000)
lab.answer("strict_reason", w:status("orders-strict").tasks[1].trace:match("^[^\n]*"))
local count = 0
for _ in w:read_file("tolerant.txt"):gmatch("\n") do count = count + 1 end
lab.answer("tolerant_lines", count)

local k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign{ { topic = "dlq-orders", partition = 0 } }
local r = k:poll(1000)[1]
lab.answer("dlq_value", r.value)
lab.answer("stage", r.headers["__connect.errors.stage"])
lab.answer("exception", r.headers["__connect.errors.exception.class.name"])

local schema = '{"type":"struct","fields":[{"type":"string","optional":false,"field":"name"}]}'
local function customer(name) return '{"schema":' .. schema .. ',"payload":{"name":"' .. name .. '"}}' end
for i = 1, lab.params.customers do assert(p:send("customers", { key = "c" .. i, value = customer("customer-" .. i) })) end
assert(p:send("customers", { key = "c1", value = customer("customer-1-renamed") }))
assert(w:create{ name = "customers-db", ["connector.class"] = "io.confluent.connect.jdbc.JdbcSinkConnector",
  topics = "customers", ["connection.url"] = "jdbc:sqlite:shop.db", ["auto.create"] = true, ["insert.mode"] = "upsert",
  ["pk.mode"] = "record_key", ["pk.fields"] = "id", ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter" })
cluster:advance(10000)
local rows = assert(w:sql("shop.db", "SELECT id, name FROM customers ORDER BY id"))
lab.answer("rows", #rows)
for _, row in ipairs(rows) do if row.id == "c1" then lab.answer("c1", row.name) end end
