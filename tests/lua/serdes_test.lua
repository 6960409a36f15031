-- Serializers and the schema registry from Lua: Kafka's built-in serdes, Lua serdes, Avro with the
-- registry, and the bad input a student can throw at them.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises, fails_with = h.test, h.eq, h.raises, h.fails_with

local NEWS = [[{"type":"record","name":"News","fields":[{"name":"title","type":"string"},{"name":"views","type":"int"}]}]]
local c = klab.cluster{ brokers = 3, seed = 11 }
assert(c:create_topic("nums", { partitions = 1 }))
assert(c:create_topic("news", { partitions = 1 }))
local sr = c:schema_registry()

local function read_all(topic, config)
  config = config or {}
  config["auto.offset.reset"] = "earliest"
  local k = c:consumer(config)
  k:assign{ { topic = topic, partition = 0 } }
  return k, k:poll(100)
end

test("IntegerSerializer writes 4 big-endian bytes and IntegerDeserializer reads them back", function()
  local p = c:producer{ ["key.serializer"] = "StringSerializer",
                        ["value.serializer"] = "org.apache.kafka.common.serialization.IntegerSerializer" }
  assert(p:send("nums", { key = "a", value = 258 }))
  assert(p:send("nums", -1))
  local _, raw = read_all("nums")
  eq(raw[1].value, "\0\0\1\2", "bytes of 258")
  local _, typed = read_all("nums", { ["value.deserializer"] = "IntegerDeserializer" })
  eq(typed[1].value, 258, "258 read back")
  eq(typed[2].value, -1, "-1 read back")
  local err = fails_with("SerializationException", p:send("nums", { value = "258" }))
  assert(err.message:find("Can't convert value of class string", 1, true))
end)

test("Lua functions serialize and deserialize", function()
  local p = c:producer{ ["value.serializer"] = function(topic, v) return topic .. ":" .. v end }
  assert(p:send("nums", "x"))
  local _, records = read_all("nums", { ["value.deserializer"] = function(_, bytes) return #bytes end })
  eq(records[#records].value, 6, "the deserializer's value")
  local bad = c:producer{ ["value.serializer"] = function() return {} end }
  raises(function() bad:send("nums", "x") end, "must return a string")
end)

test("unknown serializer names and an avro serializer without schema are refused", function()
  raises(function() c:producer{ ["value.serializer"] = "StringSerialiser" } end, "value.serializer")
  raises(function() c:producer{ ["value.serializer"] = "avro" } end, "needs value.schema")
  raises(function() c:producer{ ["value.serializer"] = "avro", ["value.schema"] = "{\"type\": " } end,
         "value.schema", "line 1")
  raises(function() c:consumer{ ["value.deserializer"] = "avro", ["specific.reader.schema"] = "[" } end,
         "specific.reader.schema")
end)

test("Avro records go through the registry and come back as tables", function()
  local p = c:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS }
  assert(p:send("news", { key = "k", value = { title = "hello", views = 3 } }))
  eq(sr:subjects()[1], "news-value", "subject")
  eq(sr:versions("news-value")[1], 1, "version")
  local _, raw = read_all("news")
  local x = assert(sr:explain(raw[1].value))
  eq(x.magic, 0, "magic")
  eq(x.schema_id, 1, "id")
  eq(x.total_bytes, 5 + 1 + 5 + 1, "header + title + views")
  assert(x.json_bytes > x.total_bytes)
  local _, typed = read_all("news", { ["value.deserializer"] = "avro" })
  eq(typed[1].value.title, "hello", "title")
  eq(typed[1].value.views, 3, "views")
end)

test("a record that does not match its schema is refused, naming the field", function()
  local p = c:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS }
  local err = fails_with("SerializationException", p:send("news", { value = { title = "t", views = "many" } }))
  assert(err.message:find("News.views", 1, true), err.message)
  err = fails_with("SerializationException", p:send("news", { value = { title = "t" } }))
  assert(err.message:find("'views' is missing", 1, true), err.message)
  raises(function() p:send("news", { value = { title = print } }) end, "cannot serialize a function")
  local cyclic = {}
  cyclic.self = cyclic
  raises(function() p:send("news", { value = cyclic }) end, "a table contains itself (a cycle)")
end)

test("a payload without the magic byte or with an unknown id stops the consumer at that record", function()
  assert(c:create_topic("mixed", { partitions = 1 }))
  local avro = c:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS }
  assert(avro:send("mixed", { value = { title = "ok", views = 1 } }))
  assert(c:producer{}:send("mixed", "plain text"))
  assert(c:producer{}:send("mixed", "\0\0\0\0\99xyz"))
  local k, first = read_all("mixed", { ["value.deserializer"] = "avro" })
  eq(#first, 1, "the good record comes first")
  local err = fails_with("RecordDeserializationException", k:poll(100))
  eq(err.offset, 1, "stopped at the bad record")
  assert(err.message:find("Unknown magic byte!", 1, true), err.message)
  fails_with("RecordDeserializationException", k:poll(100))  -- again, until the application seeks past it
  k:seek({ topic = "mixed", partition = 0 }, 2)
  err = fails_with("RecordDeserializationException", k:poll(100))
  assert(err.message:find("Schema 99 not found", 1, true), err.message)
  eq(err.code, 40403, "the registry's code")
end)

test("registry errors are values with the registry's codes; misuse raises", function()
  eq(fails_with("SUBJECT_NOT_FOUND", sr:versions("nope")).code, 40401, "40401")
  eq(fails_with("SCHEMA_NOT_FOUND", sr:get(999)).code, 40403, "40403")
  local err = fails_with("INVALID_SCHEMA", sr:register("x-value", "{\"type\":\"record\",\n\"name\":}"))
  assert(err.message:find("line 2", 1, true), err.message)
  eq(fails_with("INVALID_COMPATIBILITY_LEVEL", sr:compatibility("news-value", "SOMETIMES")).code, 42203, "42203")
  raises(function() sr:register("x-value", { type = "record" }) end, "Avro schema as JSON text")
  raises(function() sr.versions("news-value") end, "klab.SchemaRegistry expected")
  raises(function() sr:explain(42) end, "bytes")
  fails_with("SerializationException", sr:explain("no magic"))
end)

test("compatibility: BACKWARD refuses a field without default, accepts one with a default", function()
  local bad = NEWS:gsub("%]}$", ',{"name":"test","type":"string"}]}')
  local good = NEWS:gsub("%]}$", ',{"name":"test","type":"string","default":"none"}]}')
  eq(sr:compatibility("news-value"), "BACKWARD", "default level")
  local report = sr:test("news-value", bad)
  eq(report.is_compatible, false, "bad is incompatible")
  assert(report.messages[1]:find("READER_FIELD_MISSING_DEFAULT_VALUE", 1, true))
  eq(fails_with("INCOMPATIBLE_SCHEMA", sr:register("news-value", bad)).code, 409, "409")
  eq(sr:register("news-value", good).version, 2, "version 2")
  eq(sr:compatibility(nil, "FULL"), "FULL", "global level")
  eq(sr:compatibility("other-value"), "FULL", "a subject without its own level")
end)

test("restart rebuilds the registry from _schemas", function()
  local before = #sr:versions("news-value")
  local replayed = sr:restart()
  assert(replayed >= 3, "records replayed: " .. replayed)
  eq(#sr:versions("news-value"), before, "versions after restart")
  eq(sr:compatibility(nil), "FULL", "global level after restart")
  assert(c:describe_topic("_schemas"))
end)

h.finish()
