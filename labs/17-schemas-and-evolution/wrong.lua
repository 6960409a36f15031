-- A plausible wrong attempt at lab 17: it forces the required field through by switching the
-- subject to NONE, and believes a new reader sees nothing (nil) for fields old records lack.
local NEWS_V1 = [[{"type":"record","name":"News","namespace":"klab.lab17","fields":[
  {"name":"title","type":"string"},{"name":"author","type":"string"},{"name":"views","type":"long"}]}]]
local NEWS_BAD = [[{"type":"record","name":"News","namespace":"klab.lab17","fields":[
  {"name":"title","type":"string"},{"name":"author","type":"string"},{"name":"views","type":"long"},
  {"name":"test","type":"string"}]}]]
local N = lab.params.records
local sr = cluster:schema_registry()
local p1 = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS_V1 }
for i = 1, N do p1:send("news", { value = { title = "Kafka " .. i, author = "ada", views = i } }) end
lab.answer("schema_id", 1)
lab.answer("avro_bytes", 60)   -- a guess: "binary is about as big as JSON"
lab.answer("json_bytes", 50)
sr:compatibility("news-value", "NONE")
local p2 = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS_BAD }
for i = 1, N do p2:send("news", { value = { title = "New " .. i, author = "bo", views = i, test = "yes" } }) end
lab.answer("refused_code", 400)
lab.answer("refused_why", "TYPE_MISMATCH")
lab.answer("v2_version", 2)
lab.answer("v2_id", 2)
lab.answer("old_reader_read", 2 * N)
local tests = {}
for i = 1, N do tests[i] = nil end
for i = 1, N do tests[N + i] = "yes" end
lab.answer("new_reader_tests", tests)
