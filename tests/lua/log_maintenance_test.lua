-- The Lua surface of retention and compaction: describe_configs, run_retention, run_cleaner,
-- dump_log, delete_records, and the errors bad input gets.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises, fails_with = h.test, h.eq, h.raises, h.fails_with

local function compacted(c, name)
  assert(c:create_topic(name, { partitions = 1, replication_factor = 3,
                                config = { ["cleanup.policy"] = "compact", ["segment.bytes"] = 300 } }))
end

test("dump_log shows every record before cleaning and the latest per key after, offsets kept", function()
  local c = klab.cluster{ brokers = 3, seed = 42 }
  compacted(c, "addr")
  local p = c:producer{}
  for i = 1, 12 do assert(p:send("addr", { key = "c" .. (i % 3), value = "v" .. i })) end
  local before = c:dump_log("addr", 0)
  eq(#before.records, 12, "records before")
  eq(#before.segments, 3, "segments before")
  local reports = c:run_cleaner()
  eq(#reports, 3, "one cleaning per replica")
  local after = c:dump_log("addr", 0)
  local offsets = {}
  for _, r in ipairs(after.records) do offsets[#offsets + 1] = r.offset end
  eq(table.concat(offsets, ","), "5,6,7,8,9,10,11", "the latest of c0, c1, c2 below offset 8, then the active segment")
  eq(after.segments[#after.segments].active, true, "the last segment is the active one")
  assert(tostring(after):find("Dumping addr%-0/00000000000000000000.log"), "prints like kafka-dump-log.sh")
end)

test("describe_configs reports values and their sources", function()
  local c = klab.cluster{ brokers = 1, config = { ["log.retention.hours"] = 1 } }
  assert(c:create_topic("t", { config = { ["cleanup.policy"] = "compact,delete" } }))
  local configs = c:describe_configs("t")
  eq(configs["cleanup.policy"].value, "compact,delete")
  eq(configs["cleanup.policy"].source, "topic")
  eq(configs["retention.ms"].value, "3600000")
  eq(configs["retention.ms"].source, "broker")
  eq(configs["delete.retention.ms"].source, "default")
  assert(tostring(configs):find("All configs for topic t are:", 1, true))
end)

test("retention by time on the simulated clock, and a consumer below the log start", function()
  local c = klab.cluster{ brokers = 1 }
  assert(c:create_topic("logs", { config = { ["segment.bytes"] = 200, ["retention.ms"] = 60000 } }))
  local p = c:producer{}
  for i = 1, 6 do assert(p:send("logs", "x" .. i)) end
  local k = c:consumer{ ["auto.offset.reset"] = "earliest" }
  k:assign{ { topic = "logs", partition = 0 } }
  k:seek({ topic = "logs", partition = 0 }, 1)
  c:advance(600000)  -- two retention checks (every 300000 ms) later
  eq(c:describe_topic("logs").partitions[1].log_start_offset, 6)
  eq(k:position({ topic = "logs", partition = 0 }), 6, "auto.offset.reset=earliest moved the consumer")
end)

test("bad input: unknown policy, negative retention, keyless records, delete_records out of range, wrong types", function()
  local c = klab.cluster{ brokers = 1 }
  fails_with("INVALID_CONFIG", c:create_topic("a", { config = { ["cleanup.policy"] = "compcat" } }))
  fails_with("INVALID_CONFIG", c:create_topic("a", { config = { ["retention.ms"] = -5 } }))
  assert(c:create_topic("a", { config = { ["cleanup.policy"] = "compact" } }))
  fails_with("INVALID_RECORD", c:producer{}:send("a", "no key"))
  assert(c:create_topic("b"))
  assert(c:producer{}:send("b", "one"))
  fails_with("OFFSET_OUT_OF_RANGE", c:delete_records("b", 0, 2))
  eq(c:delete_records("b", 0, -1).low_watermark, 1, "-1 means the high watermark")
  fails_with("UNKNOWN_TOPIC_OR_PARTITION", c:dump_log("nope", 0))
  raises(function() c:dump_log("b", "zero") end)
  raises(function() c:delete_records("b", -1, 0) end)
  raises(function() c:describe_configs(7) end)
end)

h.finish()
