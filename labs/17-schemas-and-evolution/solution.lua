-- Reference solution of lab 17 (klab lab check 17 labs/17-schemas-and-evolution/solution.lua).
local NEWS_V1 = [[{"type":"record","name":"News","namespace":"klab.lab17","fields":[
  {"name":"title","type":"string"},{"name":"author","type":"string"},{"name":"views","type":"long"}]}]]
local NEWS_BAD = [[{"type":"record","name":"News","namespace":"klab.lab17","fields":[
  {"name":"title","type":"string"},{"name":"author","type":"string"},{"name":"views","type":"long"},
  {"name":"test","type":"string"}]}]]
local NEWS_V2 = [[{"type":"record","name":"News","namespace":"klab.lab17","fields":[
  {"name":"title","type":"string"},{"name":"author","type":"string"},{"name":"views","type":"long"},
  {"name":"test","type":"string","default":"none"}]}]]
local N = lab.params.records
local sr = cluster:schema_registry()

-- 1. Avro records and their bytes.
local p1 = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS_V1 }
for i = 1, N do
  assert(p1:send("news", { key = "n" .. i, value = { title = "Kafka " .. i, author = "ada", views = i } }))
end
local raw = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
raw:assign{ { topic = "news", partition = 0 } }
local x = sr:explain(raw:poll(100)[1].value)
print(x)
lab.answer("schema_id", x.schema_id)
lab.answer("avro_bytes", x.total_bytes)
lab.answer("json_bytes", x.json_bytes)

-- 2. A required field is refused under BACKWARD.
local p2 = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS_BAD }
local md, err = p2:send("news", { value = { title = "t", author = "a", views = 1, test = "x" } })
assert(md == nil and err.code == 409)
print(err)
lab.answer("refused_code", err.code)
lab.answer("refused_why", err.message:match("errorType:'([%u_]+)'"))

-- 3. With a default it is version 2.
local p3 = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS_V2 }
for i = 1, N do
  assert(p3:send("news", { value = { title = "New " .. i, author = "bo", views = i, test = "yes" } }))
end
local v2 = assert(sr:version("news-value", "latest"))
lab.answer("v2_version", v2.version)
lab.answer("v2_id", v2.id)

-- 4. Old and new readers.
local function read_all(reader_schema)
  local k = cluster:consumer{ ["auto.offset.reset"] = "earliest", ["value.deserializer"] = "avro",
                              ["specific.reader.schema"] = reader_schema }
  k:assign{ { topic = "news", partition = 0 } }
  local values = {}
  for _, r in ipairs(assert(k:poll(100))) do values[#values + 1] = r.value end
  return values
end
local old_values = read_all(NEWS_V1)
for _, v in ipairs(old_values) do assert(v.test == nil) end
lab.answer("old_reader_read", #old_values)
local tests = {}
for _, v in ipairs(read_all(NEWS_V2)) do tests[#tests + 1] = v.test end
lab.answer("new_reader_tests", tests)
