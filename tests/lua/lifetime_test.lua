-- The lifetime of klab objects in Lua: protected metatables, finalizers called by hand (any number
-- of times, on any value), methods on closed objects, and objects closed or collected from inside a
-- callback that klab is running. Each of these corrupted the heap before; now each is a clear error
-- (or harmless), and the suite runs under ASan/UBSan.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises = h.test, h.eq, h.raises

local c = klab.cluster{ brokers = 1, seed = 3 }
assert(c:create_topic("t", { partitions = 2 }))

-- One object of every bound type, made fresh for each test.
local function every_object()
  local cluster = klab.cluster{ brokers = 1, seed = 5 }
  assert(cluster:create_topic("in", { partitions = 1 }))
  local b = klab.streams_builder()
  local s = b:stream("in")
  local objects = {
    cluster = cluster, producer = cluster:producer{}, consumer = cluster:consumer{ ["group.id"] = "g" },
    builder = b, kstream = s, ktable = b:table("tbl"), grouped = s:group_by_key(),
    branched = s:split("x-"), global = b:global_table("glob"), registry = cluster:schema_registry(),
  }
  local other = klab.streams_builder()
  other:stream("in"):to("out")
  objects.driver = klab.topology_test_driver(other)
  objects.app = cluster:streams(other, { ["application.id"] = "life" }, { log = false })
  return objects
end

test("getmetatable on a klab object gives its type name, and setmetatable is refused", function()
  for name, object in pairs(every_object()) do
    eq(type(getmetatable(object)), "string", name .. ": getmetatable")
    raises(function() setmetatable(object, {}) end, "table expected")
  end
end)

test("a finalizer called by hand, twice, leaves a closed object that says so", function()
  for name, object in pairs(every_object()) do
    local gc = debug.getmetatable(object).__gc
    gc(object)
    gc(object)
    local text = tostring(object)  -- never reads freed memory
    assert(type(text) == "string", name)
  end
  local objects = every_object()
  debug.getmetatable(objects.producer).__gc(objects.producer)
  raises(function() objects.producer:send("in", "v") end, "send: this producer is closed")
  debug.getmetatable(objects.consumer).__gc(objects.consumer)
  raises(function() objects.consumer:poll(0) end, "poll: this consumer is closed")
  eq(tostring(objects.consumer), "klab consumer (closed)", "tostring")
  debug.getmetatable(objects.cluster).__gc(objects.cluster)
  raises(function() objects.cluster:topics() end, "topics: this cluster is closed")
  debug.getmetatable(objects.builder).__gc(objects.builder)
  raises(function() objects.builder:stream("x") end, "is closed")
  raises(function() objects.kstream:filter(function() return true end) end, "builder is gone")
  debug.getmetatable(objects.driver).__gc(objects.driver)
  raises(function() objects.driver:pipe_input("in", "k", "v") end, "is closed")
end)

test("a finalizer given a value of another type leaves it alone", function()
  local gc = debug.getmetatable(c).__gc
  gc(io.stdout)
  gc(5)
  gc(nil)
  gc(c:producer{})
  io.stdout:write("")  -- still open
  eq(#c:topics(), 1, "the cluster still works")
end)

test("close twice is harmless and later calls say the object is closed", function()
  local p = c:producer{}
  p:close()
  p:close()
  raises(function() p:flush() end, "flush: this producer is closed")
  eq(tostring(p), "klab producer (closed)", "tostring")
  local k = c:consumer{}
  assert(k:close())
  k:close()
  raises(function() k:assign{ { topic = "t", partition = 0 } } end, "this consumer is closed")
end)

-- A consumer in group `group` whose listener runs `inside(k)` (under pcall) when partitions are assigned.
local function consumer_calling(group, inside)
  local k
  local outcome = {}
  k = c:consumer{ ["group.id"] = group }
  assert(k:subscribe("t", { on_assigned = function()
    if outcome.done then return end
    outcome.done = true
    outcome.ok, outcome.err = pcall(inside, k)
  end }))
  return k, outcome
end

local groups = 0
test("a rebalance listener cannot close, crash, resubscribe or poll its own consumer", function()
  for what, inside in pairs{
    ["k:close()"] = function(k) return k:close() end,
    ["k:crash()"] = function(k) return k:crash() end,
    ["k:subscribe()"] = function(k) return k:subscribe("t") end,
    ["k:unsubscribe()"] = function(k) return k:unsubscribe() end,
    ["k:poll()"] = function(k) return k:poll(100) end,
  } do
    groups = groups + 1
    local k, outcome = consumer_calling("reentrant-" .. groups, inside)
    k:poll(5000)
    assert(outcome.done, what .. ": the listener ran")
    eq(outcome.ok, false, what .. " refused")
    assert(tostring(outcome.err):find(what .. " cannot run inside a callback", 1, true), tostring(outcome.err))
    eq(#k:assignment(), 2, what .. ": the consumer still owns its partitions")
    assert(k:close())
  end
end)

test("a listener may still commit and read its consumer's state", function()
  local k, outcome = consumer_calling("g-commit", function(k)
    assert(k:commit())
    return k:member().generation
  end)
  k:poll(5000)
  eq(outcome.ok, true, tostring(outcome.err))
  assert(k:close())
end)

test("a listener error that closes the consumer is raised from poll, and the consumer goes on", function()
  local k = c:consumer{ ["group.id"] = "g-raise" }
  assert(k:subscribe("t", { on_assigned = function() k:close() end }))
  raises(function() k:poll(5000) end, "on_assigned listener", "k:close() cannot run inside a callback")
  eq(#k:assignment(), 2, "assignment")
  assert(k:close())
end)

test("a partitioner, serializer or interceptor cannot close its producer", function()
  local p
  p = c:producer{ ["partitioner.class"] = function() p:close() return 0 end }
  local raised, value, err = pcall(p.send, p, "t", { key = "k", value = "v" })
  local message = raised and tostring(err) or tostring(value)  -- nil, err or a raised error
  assert(message:find("p:close() cannot run inside a callback", 1, true), message)
  local q
  q = c:producer{ ["value.serializer"] = function(_, v) q:close() return v end }
  raises(function() q:send("t", "v") end, "p:close() cannot run inside a callback")
  local refused
  local r
  r = c:producer{ ["interceptor.classes"] = { { on_send = function() refused = select(2, pcall(r.close, r)) end } } }
  assert(r:send("t", "v"))
  assert(tostring(refused):find("p:close() cannot run inside a callback", 1, true), tostring(refused))
  assert(r:send("t", "still works"))
end)

test("a send callback cannot close or flush its producer, and may send again", function()
  local p = c:producer{ ["linger.ms"] = 50 }
  local results = {}
  assert(p:send("t", "first", function()
    results.close = select(2, pcall(p.close, p))
    results.flush = select(2, pcall(p.flush, p))
    results.sent = p:send("t", "from the callback", function() end)
  end))
  c:advance(200)
  assert(tostring(results.close):find("p:close() cannot run inside a callback", 1, true), tostring(results.close))
  assert(tostring(results.flush):find("p:flush() cannot run inside a callback", 1, true), tostring(results.flush))
  eq(results.sent, true, "send from a callback")
  p:close()
end)

test("a producer collected inside its own callback is destroyed after the call that ran it", function()
  local ran = false
  local holder = { p = c:producer{ ["linger.ms"] = 50 } }
  assert(holder.p:send("t", "v", function()
    ran = true
    holder.p = nil  -- the last reference: its finalizer runs while its completion code is on the stack
    collectgarbage()
    collectgarbage()
  end))
  c:advance(200)
  collectgarbage()
  assert(ran, "the callback ran")
  assert(c:producer{}:send("t", "the cluster goes on"))
end)

test("clients outlive their cluster's userdata closed by hand", function()
  local cc = klab.cluster{ brokers = 1, seed = 4 }
  assert(cc:create_topic("x"))
  local p = cc:producer{}
  local b = klab.streams_builder()
  local s = b:stream("x")
  debug.getmetatable(cc).__gc(cc)
  debug.getmetatable(b).__gc(b)
  assert(p:send("x", "the producer still has its cluster"))
  s:to("y")  -- the stream still has its builder
  raises(function() cc:topics() end, "this cluster is closed")
end)

test("a finalizer that runs inside a binding cannot close objects in use", function()
  local k = c:consumer{}
  local refused
  collectgarbage("stop")
  do setmetatable({}, { __gc = function()
    local ok, err = pcall(k.close, k)
    if not ok then refused = err end
  end }) end
  local function allocate() for _ = 1, 200 do c:describe_topic("t") end end
  collectgarbage("restart")
  collectgarbage("step", 0)
  allocate()
  collectgarbage()
  -- Either the finalizer ran inside a binding (refused) or at top level (closed): never a crash.
  assert(refused == nil or tostring(refused):find("cannot run inside a callback", 1, true), tostring(refused))
end)

test("Streams functions cannot close their application or feed their own driver", function()
  local b = klab.streams_builder()
  local d
  local refused
  b:stream("in"):map_values(function(_, v)
    refused = select(2, pcall(d.pipe_input, d, "in", "k", "again"))
    return v
  end):to("out")
  d = klab.topology_test_driver(b)
  d:pipe_input("in", "k", "v")
  assert(tostring(refused):find("d:pipe_input() cannot run inside a callback", 1, true), tostring(refused))
  eq(#d:read_output("out"), 1, "one output record")
end)

test("a Lua connector cannot delete itself while its poll runs", function()
  local cc = klab.cluster{ brokers = 1, seed = 9 }
  local w = klab._connect_workdir(cc, {})
  local refused
  assert(w:create{ name = "self", topic = "src", ["connector.class"] = { poll = function()
    if refused == nil then refused = select(2, pcall(w.delete, w, "self")) end
    return nil
  end } })
  cc:advance(5000)
  assert(tostring(refused):find("w:delete() cannot run inside a callback", 1, true), tostring(refused))
  eq(w:status("self").connector.state, "RUNNING", "still running")
end)

test("config and interceptor tables with __index or changed after use never run script code unprotected", function()
  local hostile = setmetatable({}, { __index = function() error("__index ran") end })
  local p = c:producer(hostile)
  assert(p:send("t", "v"))
  local interceptor = setmetatable({ on_send = function() end }, { __index = function() error("__index ran") end })
  local list = { interceptor }
  local q = c:producer{ ["interceptor.classes"] = list }
  assert(q:send("t", "v"))
  list[1] = 5  -- no longer a table
  assert(q:send("t", "v"))
end)

test("the metamethods of klab's result tables take only their own tables", function()
  local _, err = c:describe_topic("no-such-topic")
  local meta = getmetatable(err)
  raises(function() meta.__tostring(5) end, "table expected")
  local metadata = assert(c:producer{}:send("t", "v"))
  raises(function() getmetatable(metadata).__tostring(true) end, "table expected")
  eq(tostring(metadata):match("^t%-%d@%d+$") ~= nil, true, "RecordMetadata still prints")
end)

h.finish()
