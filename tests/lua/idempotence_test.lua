-- Retries, duplicates, reordering and the idempotent producer (Kafka 3.7 defaults and rules).
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises = h.test, h.eq, h.raises

-- Everything committed (below the high watermark) once the followers have caught up.
local function values(c, topic)
  c:advance(10)
  local k = c:consumer{ ["auto.offset.reset"] = "earliest" }
  assert(k:assign{ { topic = topic, partition = 0 } })
  local out = {}
  for _, r in ipairs(assert(k:poll(0))) do out[#out + 1] = r.value end
  return table.concat(out, ",")
end

local function setup()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 3 }))
  return c, c:describe_topic("t").partitions[1].leader
end

test("a lost response and a retry duplicate a record without idempotence", function()
  local c, leader = setup()
  local p = c:producer{ ["enable.idempotence"] = false }
  assert(c:drop_next_response(leader))
  local t0 = c:now()
  local md = assert(p:send("t", "once"))
  assert(c:now() - t0 >= 30000, "the producer waited request.timeout.ms before retrying")
  eq(md.offset, 1, "the retry got a new offset")
  eq(values(c, "t"), "once,once", "a duplicate")
end)

test("with idempotence the retried batch is recognised and answered with its original offset", function()
  local c, leader = setup()
  local p = c:producer{}  -- Kafka 3.x default: enable.idempotence=true, acks=all
  assert(c:drop_next_response(leader))
  local md = assert(p:send("t", "once"))
  eq(md.offset, 0, "the original offset")
  eq(values(c, "t"), "once", "no duplicate")
end)

-- A lost request stands for any retriable failure of one request while later requests on the same
-- connection succeed. The producer has written before, so the leader knows its sequence numbers.
test("a failed request with several in flight reorders records without idempotence, not with it", function()
  local function run(config)
    local c, leader = setup()
    local p = c:producer(config)
    assert(p:send("t", "warm-up"))
    assert(c:drop_next_request(leader))
    p:send("t", "first", function() end)
    c:advance(5)  -- the first request leaves (and is lost)
    p:send("t", "second", function() end)
    p:flush()
    return values(c, "t")
  end
  eq(run{ ["enable.idempotence"] = false, ["max.in.flight.requests.per.connection"] = 5 }, "warm-up,second,first", "reordered")
  eq(run{ ["enable.idempotence"] = false, ["max.in.flight.requests.per.connection"] = 1 }, "warm-up,first,second",
     "one request in flight keeps order")
  eq(run{}, "warm-up,first,second", "idempotence keeps order with 5 in flight")
end)

test("explicit idempotence with a conflicting setting is refused with Kafka's message", function()
  local c = klab.cluster{}
  raises(function() c:producer{ ["enable.idempotence"] = true, acks = 1 } end,
         "Must set acks to all in order to use the idempotent producer")
  raises(function() c:producer{ ["enable.idempotence"] = true, retries = 0 } end,
         "Must set retries to non-zero when using the idempotent producer")
  raises(function() c:producer{ ["enable.idempotence"] = true, ["max.in.flight.requests.per.connection"] = 6 } end,
         "at most 5")
  assert(c:producer{ acks = 1 }, "left at its default, idempotence is quietly turned off instead")
  raises(function() c:producer{ ["delivery.timeout.ms"] = 1000 } end, "delivery.timeout.ms should be equal to or larger than")
end)

test("acks=1 without idempotence (implicitly off) still duplicates on a lost response", function()
  local c, leader = setup()
  local p = c:producer{ acks = 1 }
  assert(c:drop_next_response(leader))
  assert(p:send("t", "x"))
  eq(values(c, "t"), "x,x", "duplicate")
end)

h.finish()
