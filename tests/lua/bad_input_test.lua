-- Bad input never crashes klab: each mistake gets a clear error, and data already stored survives.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises, fails_with = h.test, h.eq, h.raises, h.fails_with

local c = klab.cluster{ brokers = 3, seed = 7 }
assert(c:create_topic("kept", { partitions = 2 }))
local p = c:producer{}
local before = assert(p:send("kept", { key = "a", value = "stored before the mistakes" }))

test("an unknown producer config is refused with a did-you-mean", function()
  raises(function() c:producer{ ack = "all" } end, "unknown producer config 'ack'", "did you mean 'acks'?")
end)

test("an unknown consumer config is refused with a did-you-mean", function()
  raises(function() c:consumer{ ["auto.offset.rest"] = "earliest" } end, "did you mean 'auto.offset.reset'?")
end)

test("a config value of the wrong type names key, value and what is allowed", function()
  raises(function() c:producer{ ["linger.ms"] = "soon" } end,
         "Invalid value soon for configuration linger.ms", "Not a number of type LONG")
  raises(function() c:producer{ ["enable.this"] = true } end, "unknown producer config")
end)

test("an out-of-range config value says the allowed range", function()
  raises(function() c:producer{ ["batch.size"] = -1 } end,
         "Invalid value -1 for configuration batch.size: Value must be at least 0")
  raises(function() c:producer{ acks = 2 } end,
         "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1")
  raises(function() c:consumer{ ["max.poll.records"] = 0 } end, "Value must be at least 1")
end)

test("a config table with a non-string key or a table value is refused", function()
  raises(function() c:producer{ 5 } end, "config keys are Kafka's names as strings")
  raises(function() c:producer{ acks = {} } end, "must be a boolean, number or string")
end)

test("an unknown broker config stops klab.cluster with a suggestion", function()
  raises(function() klab.cluster{ config = { ["num.partition"] = 3 } } end, "did you mean 'num.partitions'?")
end)

test("illegal topic names fail with INVALID_TOPIC_EXCEPTION naming the rule", function()
  eq(fails_with("INVALID_TOPIC_EXCEPTION", c:create_topic("")).message, "Topic name is invalid: the empty string is not allowed")
  eq(fails_with("INVALID_TOPIC_EXCEPTION", c:create_topic(".")).message, "Topic name is invalid: '.' is not allowed")
  eq(fails_with("INVALID_TOPIC_EXCEPTION", c:create_topic("..")).message, "Topic name is invalid: '..' is not allowed")
  local err = fails_with("INVALID_TOPIC_EXCEPTION", c:create_topic("with space"))
  assert(err.message:find("contains one or more characters other than ASCII alphanumerics", 1, true))
  err = fails_with("INVALID_TOPIC_EXCEPTION", c:create_topic(string.rep("x", 250)))
  assert(err.message:find("longer than the max allowed length 249", 1, true))
  eq(err.code, 17, "code")
  eq(err.retriable, false, "retriable")
  assert(c:create_topic(string.rep("x", 249)))
end)

test("a name that differs from an existing topic only by '.' versus '_' collides", function()
  assert(c:create_topic("orders.eu"))
  local err = fails_with("INVALID_TOPIC_EXCEPTION", c:create_topic("orders_eu"))
  eq(err.message, "Topic 'orders_eu' collides with existing topic: orders.eu")
end)

test("creating an existing topic fails with TOPIC_ALREADY_EXISTS", function()
  local err = fails_with("TOPIC_ALREADY_EXISTS", c:create_topic("kept", { partitions = 5 }))
  eq(err.code, 36, "code")
  eq(c:describe_topic("kept").partition_count, 2, "partitions of the existing topic")
end)

test("zero or negative partitions fail with INVALID_PARTITIONS", function()
  fails_with("INVALID_PARTITIONS", c:create_topic("zero", { partitions = 0 }))
  fails_with("INVALID_PARTITIONS", c:create_topic("negative", { partitions = -3 }))
  fails_with("INVALID_PARTITIONS", c:create_partitions("kept", 1))
end)

test("a replication factor above the broker count fails with INVALID_REPLICATION_FACTOR", function()
  local err = fails_with("INVALID_REPLICATION_FACTOR", c:create_topic("big", { replication_factor = 4 }))
  assert(err.message:find("only 3 broker(s) are registered", 1, true))
end)

test("wrong argument types raise errors that name the argument", function()
  raises(function() c:create_topic(42) end, "bad argument #2 to 'create_topic'")
  raises(function() c:create_topic("t", { partitions = "three" }) end, "'partitions' must be a whole number")
  raises(function() c.create_topic("t") end, "bad self (klab.Cluster expected, got string)")
  raises(function() p.send(c, "kept", "x") end, "bad self (klab.Producer expected, got klab.Cluster)")
  raises(function() c:advance(-5) end, "time only moves forward")
end)

test("producing to a missing topic with auto-creation off fails with UNKNOWN_TOPIC_OR_PARTITION", function()
  local strict = klab.cluster{ config = { ["auto.create.topics.enable"] = false } }
  local strict_producer = strict:producer{}
  local err = fails_with("UNKNOWN_TOPIC_OR_PARTITION", strict_producer:send("nowhere", "x"))
  eq(err.retriable, true, "retriable")
  eq(#strict:topics(), 0, "topics created")
end)

test("producing to a missing topic with auto-creation on creates it with num.partitions", function()
  local auto = klab.cluster{ config = { ["num.partitions"] = 4 } }
  assert(auto:producer{}:send("fresh", "x"))
  eq(auto:describe_topic("fresh").partition_count, 4, "partitions")
end)

test("a non-string key or value is refused with a hint to convert it", function()
  raises(function() p:send("kept", { key = 42, value = "x" }) end, "record.key must be a string or nil, got number", "tostring")
  raises(function() p:send("kept", { key = "k", value = { 1 } }) end, "record.value must be a string or nil, got table")
  raises(function() p:send("kept", 12) end, "bad argument #3 to 'send'")
end)

test("an explicit partition outside the topic fails with UNKNOWN_TOPIC_OR_PARTITION", function()
  local err = fails_with("UNKNOWN_TOPIC_OR_PARTITION", p:send("kept", { value = "x", partition = 7 }))
  assert(err.message:find("numbered 0 to 1", 1, true))
end)

test("a record larger than max.request.size fails with MESSAGE_TOO_LARGE before it leaves", function()
  local small = c:producer{ ["max.request.size"] = 200 }
  local err = fails_with("MESSAGE_TOO_LARGE", small:send("kept", string.rep("x", 300)))
  assert(err.message:find("max.request.size", 1, true))
end)

test("consumer misuse raises Kafka's IllegalStateException wording", function()
  local k = c:consumer{}
  raises(function() k:poll(10) end, "not subscribed to any topics or assigned any partitions")
  raises(function() k:seek({ topic = "kept", partition = 0 }, 3) end, "No current assignment for partition kept-0")
  raises(function() k:assign{ "kept" } end, "a topic-partition is a table")
  fails_with("UNKNOWN_TOPIC_OR_PARTITION", k:assign{ { topic = "kept", partition = 9 } })
end)

test("a throwing partitioner function fails the send, not the program", function()
  local bad = c:producer{ ["partitioner.class"] = function() error("boom") end }
  raises(function() bad:send("kept", "x") end, "custom partitioner failed", "boom")
end)

test("data stored before the mistakes is intact", function()
  local k = c:consumer{ ["auto.offset.reset"] = "earliest" }
  assert(k:assign{ { topic = "kept", partition = before.partition } })
  local records = k:poll(0)
  eq(#records, 1, "records")
  eq(records[1].value, "stored before the mistakes", "value")
  eq(records[1].offset, before.offset, "offset")
end)

h.finish()
