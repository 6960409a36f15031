-- The Kafka Streams DSL from Lua: the test driver, an application on the cluster, wrong types, and a
-- Lua function that raises (the application fails with the Lua traceback; the cluster goes on).
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises = h.test, h.eq, h.raises

local function words(_, v)
  local out = {}
  for w in v:gmatch("%S+") do out[#out + 1] = w end
  return out
end

test("the test driver counts words through the repartition topic", function()
  local b = klab.streams_builder()
  b:stream("lines"):flat_map_values(words):group_by(function(_, w) return w end):count("counts")
    :to_stream():to("out")
  local d = klab.topology_test_driver(b)
  d:pipe_input("lines", nil, "a b a")
  local out = d:read_output("out")
  eq(#out, 3, "updates")
  eq(out[3].key, "a", "key")
  eq(out[3].value, 2, "value: a count is read back as an integer")
  eq(d:store("counts").b, 1, "store")
  eq(tostring(d:store("counts")), "a\t2\nb\t1", "printed store")
end)

test("counts are Kafka's Long serde on the topics: a consumer with LongDeserializer reads them", function()
  local c = klab.cluster{ brokers = 1, seed = 7 }
  assert(c:create_topic("lines", { partitions = 1 }))
  assert(c:create_topic("out", { partitions = 1 }))
  local b = klab.streams_builder()
  local seen = {}
  local counts = b:stream("lines"):flat_map_values(words):group_by(function(_, w) return w end):count("counts")
  counts:to_stream():peek(function(k, v) seen[#seen + 1] = k .. "=" .. v end):to("out")
  local app = c:streams(b, { ["application.id"] = "wc" }, { log = false })
  assert(app:start())
  local p = c:producer{}
  assert(p:send("lines", { value = "a b a" }))
  c:advance(5000)
  eq(table.concat(seen, " "), "a=1 b=1 a=2", "functions get a count as its decimal text")
  eq(app:store("counts").a, 2, "the store, as integers")
  local raw = c:consumer{ ["auto.offset.reset"] = "earliest" }
  raw:assign{ { topic = "out", partition = 0 } }
  local records = raw:poll(1000)
  eq(#records, 3, "three updates")
  eq(records[3].value, "\0\0\0\0\0\0\0\2", "8 bytes, big-endian")
  local typed = c:consumer{ ["auto.offset.reset"] = "earliest", ["value.deserializer"] = "LongDeserializer" }
  typed:assign{ { topic = "out", partition = 0 }, { topic = "wc-counts-changelog", partition = 0 } }
  local latest = {}
  for _, r in ipairs(typed:poll(1000)) do latest[r.topic .. ":" .. r.key] = r.value end
  eq(latest["out:a"], 2, "output topic")
  eq(latest["wc-counts-changelog:a"], 2, "changelog")
  eq(latest["wc-counts-changelog:b"], 1, "changelog")
  app:close()
end)

test("split, map, select_key, merge and joins work from Lua", function()
  local b = klab.streams_builder()
  local t = b:table("users")
  local branches = b:stream("in"):split("r-")
    :branch(function(_, v) return v == "x" end, "x")
    :default_branch("other")
  branches["r-x"]:map(function(k, v) return v, k end):merge(branches["r-other"])
    :select_key(function(_, v) return v end)
    :left_join(t, function(v, u) return v .. "/" .. tostring(u) end)
    :to("out")
  local d = klab.topology_test_driver(b)
  d:pipe_input("users", "k", "ann")
  d:pipe_input("in", "k", "x")
  d:pipe_input("in", "z", "k")
  local out = d:read_output("out")
  eq(out[1].key, "k", "x branch: key and value swapped, then keyed by value")
  eq(out[1].value, "k/ann", "joined")
  eq(out[2].value, "k/ann", "default branch joined")
end)

test("wrong Lua types get clear errors", function()
  local b = klab.streams_builder()
  local s = b:stream("in")
  raises(function() s:filter(42) end, "filter: expected a function, got number")
  raises(function() s:join("table", function() end) end, "expected a KTable")
  raises(function() b:stream(nil) end, "stream")
  raises(function() s:group_by_key():windowed_by{ size_ms = "1m" } end, "size_ms must be an integer")
  local d = klab.topology_test_driver(b)
  raises(function() d:store("nope") end, "no store named 'nope'")
  raises(function() d:pipe_input("other", "k", "v") end, "no source of the topology reads topic 'other'")
  local bad = klab.streams_builder()
  bad:stream("in"):map_values(function() return {} end):to("out")
  raises(function() klab.topology_test_driver(bad):pipe_input("in", "k", "v") end, "must return the new value as a string")
  local loop = klab.streams_builder()
  loop:stream("in"):map_values(function(_, v) return v .. "!" end):to("in")
  raises(function() klab.topology_test_driver(loop) end, "a cycle: sub-topology 0 writes to topic in, which it reads itself")
end)

test("a Lua processor that raises puts the application in ERROR with the traceback; the cluster goes on", function()
  local c = klab.cluster{ brokers = 1, seed = 3 }
  assert(c:create_topic("in", { partitions = 1 }))
  local b = klab.streams_builder()
  b:stream("in"):map_values(function(_, v)
    if v == "bad" then error("cannot handle bad") end
    return v
  end):to("out")
  local app = c:streams(b, { ["application.id"] = "failing" }, { log = false })
  assert(app:start())
  local p = c:producer{}
  assert(p:send("in", { value = "bad" }))
  c:advance(5000)
  eq(app:state(), "ERROR", "state")
  assert(app:error():find("cannot handle bad", 1, true), app:error())
  assert(app:error():find("stack traceback", 1, true), "traceback")
  assert(p:send("in", { value = "after" }))
end)

test("start reports a missing source topic as a Kafka error", function()
  local c = klab.cluster{ brokers = 1, seed = 3 }
  local b = klab.streams_builder()
  b:stream("missing"):to("out")
  local app = c:streams(b, { ["application.id"] = "x" }, { log = false })
  local ok, err = app:start()
  eq(ok, nil, "no start")
  assert(tostring(err):find("MissingSourceTopicException", 1, true), tostring(err))
  raises(function() c:streams(b, { ["application.idd"] = "x" }) end, "did you mean 'application.id'?")
  -- Kafka 3.7 still accepts the deprecated exactly_once; klab refuses every exactly-once mode at start.
  local eos = c:streams(b, { ["application.id"] = "x", ["processing.guarantee"] = "exactly_once" }, { log = false })
  local started, why = eos:start()
  eq(started, nil, "no exactly-once")
  assert(tostring(why):find("processing.guarantee exactly_once needs transactions", 1, true), tostring(why))
end)

h.finish()
