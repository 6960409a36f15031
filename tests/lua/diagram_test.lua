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
