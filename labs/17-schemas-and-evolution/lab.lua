-- Lab 17: schemas and evolution. The courses' schema-registry module and its evolution exercise:
-- News records produced with Avro through the schema registry; their bytes next to the same record
-- as JSON; a field "test" added without a default is refused under BACKWARD; added with a default it
-- becomes version 2; a consumer with the old schema reads new data and one with the new schema reads
-- old data. Checks read the registry, the topic's bytes and the registry's own view of them.
local TOPIC, SUBJECT = "news", "news-value"

-- Every record of the topic's partition 0 as the log holds it (raw bytes).
local function raw_records(ctx)
  local dump = ctx.cluster:dump_log(TOPIC, 0)
  return dump and dump.records or {}
end

-- The schema id in a record's first five bytes (magic byte 0, then 4 bytes big-endian), or nil.
local function schema_id(bytes)
  if type(bytes) ~= "string" or #bytes < 5 or bytes:byte(1) ~= 0 then return nil end
  local b1, b2, b3, b4 = bytes:byte(2, 5)
  return ((b1 * 256 + b2) * 256 + b3) * 256 + b4
end

-- The registered version of `version` as a parsed field list: { name = {has_default = bool} }.
local function fields_of(ctx, version)
  local found = ctx.cluster:schema_registry():version(SUBJECT, version)
  if not found then return nil end
  local fields = {}
  for field in found.schema:gmatch('{"name":"([^"]+)"') do fields[field] = true end
  return fields, found
end

return {
  id = 17,
  slug = "schemas-and-evolution",
  title = "Schemas and evolution: Avro, the schema registry, compatibility",
  mirrors = "Confluent Schema Registry tutorial (KafkaAvroSerializer, subjects, BACKWARD compatibility) and the "
         .. "courses' schema-evolution exercise",
  cluster = { brokers = 3, seed = 42 },
  variant = function(k) return { params = { records = 3 + k } } end,
  setup = function(c)
    assert(c:create_topic(TOPIC, { partitions = 1, replication_factor = 3 }))
  end,
  intro = [=[
Kafka stores bytes; producers and consumers agree on what the bytes mean through serializers.
With Avro and a schema registry, each record carries only a schema id (5 bytes: magic byte 0,
then the id) and the field values in Avro binary; the schema itself lives once in the registry
under the subject "news-value". The registry refuses a new version that would break readers,
by the subject's compatibility level (BACKWARD by default). help("serdes"), help("schemas").

The schemas of this lab (copy them into your script):
  NEWS_V1 = [[{"type":"record","name":"News","namespace":"klab.lab17","fields":[
    {"name":"title","type":"string"},{"name":"author","type":"string"},{"name":"views","type":"long"}]}]]
  NEWS_BAD = NEWS_V1 with one more field: {"name":"test","type":"string"}
  NEWS_V2 = NEWS_V1 with one more field: {"name":"test","type":"string","default":"none"}
The topic news exists (1 partition). lab.params.records says how many records to send each time.]=],
  steps = {
    {
      id = "avro-bytes",
      title = "Avro records and their bytes",
      points = 3,
      text = [=[
Produce lab.params.records News records with the Avro serializer, then read the raw bytes back
with a consumer that has no deserializer, and take the first one apart:
  p1 = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS_V1 }
  for i = 1, lab.params.records do
    assert(p1:send("news", { key = "n" .. i, value = { title = "Kafka " .. i, author = "ada", views = i } }))
  end
  raw = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
  raw:assign{ { topic = "news", partition = 0 } }
  first = raw:poll(100)[1].value
  x = cluster:schema_registry():explain(first)
  print(x)        -- magic byte, schema id, Avro payload, and the same record as JSON
Report the schema id and both sizes:
  lab.answer("schema_id", x.schema_id); lab.answer("avro_bytes", x.total_bytes)
  lab.answer("json_bytes", x.json_bytes)]=],
      hints = {
        "The Avro payload has no field names: a string is its length and its bytes, a long a zig-zag varint.",
        "total_bytes counts the 5-byte header too.",
      },
      check = function(ctx)
        local records = raw_records(ctx)
        local v1 = select(2, fields_of(ctx, 1))
        if not v1 then return false, "news-value has no version 1: send with value.serializer = \"avro\"" end
        local sent = 0
        for _, r in ipairs(records) do if schema_id(r.value) == v1.id then sent = sent + 1 end end
        if sent < ctx.params.records then
          return false, string.format("news holds %d record(s) written with schema %d; send lab.params.records = %d",
                                      sent, v1.id, ctx.params.records)
        end
        local x = ctx.cluster:schema_registry():explain(records[1].value)
        if ctx.need("schema_id", "number") ~= v1.id then return false, "schema_id: read it from the record's bytes 2-5" end
        if ctx.need("avro_bytes", "number") ~= x.total_bytes then return false, "avro_bytes: the first record's total size" end
        if ctx.need("json_bytes", "number") ~= x.json_bytes then return false, "json_bytes: the same record as JSON" end
        if x.total_bytes >= x.json_bytes then return false, "the Avro record should be smaller than its JSON" end
        return true
      end,
    },
    {
      id = "refused",
      title = "A required field is refused under BACKWARD",
      points = 2,
      text = [=[
Send a record with a schema that adds the field test WITHOUT a default:
  p2 = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS_BAD }
  md, err = p2:send("news", { value = { title = "t", author = "a", views = 1, test = "x" } })
  print(err)
The registry refuses the new schema (the serializer registers it first). Under BACKWARD the new
schema must read the data already written, and the old records have no test field and the new
schema gives it no default. Report the error code and the errorType the registry names:
  lab.answer("refused_code", err.code); lab.answer("refused_why", "...")   -- e.g. TYPE_MISMATCH
Do not change the compatibility level.]=],
      hints = { "err.message lists {errorType:'...', description:'...'}." },
      check = function(ctx)
        local sr = ctx.cluster:schema_registry()
        if sr:compatibility(SUBJECT) ~= "BACKWARD" then return false, "news-value must stay BACKWARD" end
        for _, version in ipairs(sr:versions(SUBJECT) or {}) do
          local found = sr:version(SUBJECT, version)
          if found.schema:find('{"name":"test","type":"string"}', 1, true) then
            return false, "a version with a required test field was registered: the registry should have refused it"
          end
        end
        if ctx.need("refused_code", "number") ~= 409 then return false, "refused_code: err.code of the refused send" end
        if ctx.need("refused_why", "string") ~= "READER_FIELD_MISSING_DEFAULT_VALUE" then
          return false, "refused_why: the errorType in err.message"
        end
        return true
      end,
    },
    {
      id = "version-2",
      title = "With a default, the new field is version 2",
      points = 2,
      text = [=[
Add test WITH a default and send lab.params.records more records:
  p3 = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = NEWS_V2 }
  for i = 1, lab.params.records do
    assert(p3:send("news", { value = { title = "New " .. i, author = "bo", views = i, test = "yes" } }))
  end
  print(cluster:schema_registry():versions("news-value"))
Report the version and id the registry gave it:
  lab.answer("v2_version", ...); lab.answer("v2_id", ...)    -- sr:version("news-value", "latest")]=],
      check = function(ctx)
        local fields, v2 = fields_of(ctx, 2)
        if not fields then return false, "news-value has no version 2" end
        if not v2.schema:find('{"name":"test","type":"string","default":"none"}', 1, true) then
          return false, "version 2 should be NEWS_V2 (test with default \"none\")"
        end
        local sent = 0
        for _, r in ipairs(raw_records(ctx)) do if schema_id(r.value) == v2.id then sent = sent + 1 end end
        if sent < ctx.params.records then return false, "send lab.params.records records with NEWS_V2" end
        if ctx.need("v2_version", "number") ~= 2 then return false, "v2_version: the subject's version number" end
        if ctx.need("v2_id", "number") ~= v2.id then return false, "v2_id: the global schema id of version 2" end
        return true
      end,
    },
    {
      id = "old-and-new-readers",
      title = "An old consumer reads new data, a new consumer reads old data",
      points = 3,
      text = [=[
Two consumers read the whole topic with the Avro deserializer, each with its own reader schema:
  old = cluster:consumer{ ["auto.offset.reset"] = "earliest", ["value.deserializer"] = "avro",
                          ["specific.reader.schema"] = NEWS_V1 }
  new = cluster:consumer{ ["auto.offset.reset"] = "earliest", ["value.deserializer"] = "avro",
                          ["specific.reader.schema"] = NEWS_V2 }
  (assign both to news-0 and poll)
The old one reads version-2 records and simply does not see test; the new one reads version-1
records and gets test's default. Report how many records the old consumer read, and the test
values the new one saw, in offset order:
  lab.answer("old_reader_read", n); lab.answer("new_reader_tests", { "none", ..., "yes", ... })]=],
      hints = { "Schema resolution fills a field the writer did not have with the reader's default." },
      check = function(ctx)
        local records = raw_records(ctx)
        local sr = ctx.cluster:schema_registry()
        local expected = {}
        for _, r in ipairs(records) do
          local x = sr:explain(r.value)
          if x then expected[#expected + 1] = x.record.test or "none" end
        end
        if #expected < 2 * ctx.params.records then return false, "do the previous steps first" end
        if ctx.need("old_reader_read", "number") ~= #expected then
          return false, "old_reader_read: the old schema reads every record, old and new"
        end
        local tests = ctx.need("new_reader_tests", "table")
        for i, value in ipairs(expected) do
          if tests[i] ~= value then
            return false, string.format("new_reader_tests[%d] = %s; expected %s", i, ctx.show(tests[i]), ctx.show(value))
          end
        end
        if #tests ~= #expected then return false, "new_reader_tests: one value per record" end
        return true
      end,
    },
  },
}
