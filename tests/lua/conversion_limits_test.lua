-- Lua values that klab copies into C++ (Connect records here; datums and answers in
-- tests/repl/lua_conversion_test.cpp) are bounded: a cycle is named as one, a table that holds the
-- same subtable twice at every level (tiny in Lua, exponential when copied) is refused at once, and
-- the connector's task fails with the reason while the cluster goes on.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq = h.test, h.eq

local c = klab.cluster{ brokers = 1, seed = 11 }
local w = klab._connect_workdir(c, {})

-- Starts a Lua source connector whose first poll returns one record with `value`; returns its task trace.
local function source_returning(name, value)
  local polled = false
  assert(w:create{ name = name, topic = "src", ["connector.class"] = { poll = function()
    if polled then return nil end
    polled = true
    return { { key = "k", value = value } }
  end } })
  c:advance(3000)
  local task = w:status(name).tasks[1]
  eq(task.state, "FAILED", name .. ": task state")
  return task.trace
end

test("a record that contains itself fails the task and says it is a cycle", function()
  local value = { name = "loop" }
  value.self = value
  local trace = source_returning("cycle", value)
  assert(trace:find("a table contains itself (a cycle)", 1, true), trace)
end)

test("a record that shares one subtable at every level is refused before it is copied", function()
  local value = { leaf = true }
  for _ = 1, 40 do value = { left = value, right = value } end  -- 2^40 parts when copied
  local trace = source_returning("shared", value)
  assert(trace:find("too large", 1, true), trace)
end)

test("a record nested deeper than the bound names the bound", function()
  local value = {}
  for _ = 1, 200 do value = { value } end
  local trace = source_returning("deep", value)
  assert(trace:find("nested more than 50 deep", 1, true), trace)
end)

test("the cluster goes on after the refused records", function()
  assert(c:create_topic("after"))
  assert(c:producer{}:send("after", "v"))
end)

h.finish()
