-- klab.diagram / diagram(): a topic drawn as SVG from the live cluster.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, fails_with = h.test, h.eq, h.fails_with

test("a topic's partitions, roles and broker states are drawn", function()
  local c = klab.cluster{}
  assert(c:create_topic("orders", { partitions = 2, replication_factor = 3 }))
  assert(c:stop_broker(2))
  local svg = assert(klab.diagram(c, "orders"))
  eq(svg:match("^<svg") ~= nil, true, "an SVG document")
  eq(select(2, svg:gsub(">leader", "")) >= 2, true, "a leader per partition")
  eq(svg:find("stopped", 1, true) ~= nil, true, "the stopped broker is marked")
  eq(svg:find("out of sync", 1, true) ~= nil, true, "its replicas are out of sync")
  eq(svg:find("partition 1", 1, true) ~= nil, true, "a row per partition")
end)

test("a leader cut off and fenced is drawn as a zombie leader", function()
  local c = klab.cluster{}
  assert(c:create_topic("t", { replication_factor = 3 }))
  local old = c:describe_topic("t").partitions[1].leader
  assert(c:isolate(old))
  c:advance(9000)
  local svg = assert(klab.diagram(c, "t"))
  eq(svg:find("zombie leader", 1, true) ~= nil, true, "the zombie is shown")
  eq(svg:find("cut off, fenced", 1, true) ~= nil, true, "its broker is marked")
end)

test("a group is drawn member by member, with each partition's committed offset and lag", function()
  local c = klab.cluster{}
  assert(c:create_topic("orders", { partitions = 3 }))
  local p = c:producer{}
  for i = 1, 9 do p:send("orders", { key = "k" .. i, value = "v" }, function() end) end
  p:flush()
  local a = c:consumer{ ["group.id"] = "dash", ["auto.offset.reset"] = "earliest", ["enable.auto.commit"] = false }
  local b = c:consumer{ ["group.id"] = "dash", ["auto.offset.reset"] = "earliest", ["enable.auto.commit"] = false }
  assert(a:subscribe("orders"))
  assert(b:subscribe("orders"))
  for _ = 1, 40 do a:poll(250) b:poll(250) end
  assert(a:commit())
  local svg = assert(klab.diagram(c, { group = "dash" }))
  eq(svg:find("group dash", 1, true) ~= nil, true, "titled by the group")
  local boxes = select(2, svg:gsub(">orders%-%d<", ""))
  eq(boxes, 3, "every partition once")
  eq(svg:find("no commit yet", 1, true) ~= nil, true, "b's partitions have no commit")
  eq(svg:find("committed %d+ · lag 0") ~= nil, true, "a's partitions show their commit")
  fails_with("GROUP_ID_NOT_FOUND", klab.diagram(c, { group = "nobody" }))
  local ok, err = pcall(klab.diagram, c, { nothing = true })
  eq(ok, false, "a table without topic or group is refused")
  eq(tostring(err):find("{group = ", 1, true) ~= nil, true, tostring(err))
end)

test("diagram() writes the file it is given, and refuses a missing topic", function()
  local c = klab.cluster{}
  assert(c:create_topic("t"))
  local path = os.tmpname()
  local svg = assert(diagram(c, "t", path))
  local file = assert(io.open(path, "r"))
  eq(file:read("a"), svg, "the file holds the same SVG")
  file:close()
  os.remove(path)
  fails_with("UNKNOWN_TOPIC_OR_PARTITION", klab.diagram(c, "missing"))
end)

h.finish()
