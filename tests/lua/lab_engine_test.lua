-- Tests of the lab engine (repl/lua/lab.lua): klab run tests/lua/lab_engine_test.lua
-- (ctest sets KLAB_LABS_DIR to the source tree's labs/). Tests run in order: the first one needs a
-- session where no lab was started yet.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local test = require("harness").test

-- Runs f(...) with the engine's output and print() captured; returns the text and f's first result.
local function capture(f, ...)
  local out, saved_write, saved_print = {}, lab._write, print
  lab._write = function(text) out[#out + 1] = text end
  print = function() end  -- submissions print too; keep the test log short
  local ok, result = pcall(f, ...)
  lab._write, print = saved_write, saved_print
  assert(ok, result)
  return table.concat(out), result
end

local function contains(text, piece) return text:find(piece, 1, true) ~= nil end

local function write_temp(source)
  local path = os.tmpname()
  local file = assert(io.open(path, "w"))
  file:write(source)
  file:close()
  return path
end


test("guided commands without a started lab say how to start one", function()
  local text = capture(lab.check)
  assert(contains(text, "lab.start(1)"), text)
end)

test("the banner summary names every lab and how to start", function()
  local summary = lab.summary()
  assert(summary:match("^labs: 01 Topics, partitions and offsets · 02 Keys and partitions.* — lab%.start%(1%)\n$"), summary)
end)

test("a lab is found by number, zero-padded number, folder or slug", function()
  for _, id in ipairs { 1, "1", "01", "topics-partitions-offsets", "01-topics-partitions-offsets" } do
    local def = assert(lab.load(id))
    assert(def.id == 1 and def.folder == "01-topics-partitions-offsets", tostring(id))
  end
  local def, problem = lab.load("99")
  assert(def == nil and contains(problem, "no lab 99"), problem)
  assert(lab.load("2").slug == "keys-and-partitions")
end)

test("every lab loads and the shell's show prints every step", function()
  for _, folder in ipairs(klab._lab_dirs(klab.labs_dir)) do
    local def = assert(lab.load(folder))
    local text, code = capture(lab.cli_show, folder)
    assert(code == 0, folder)
    for index, step in ipairs(def.steps) do
      assert(contains(text, string.format("Step %d/%d — %s", index, #def.steps, step.title)), step.title)
    end
  end
  local _, code = capture(lab.cli_show, "no-such-lab")
  assert(code == 2)
end)

-- Serve labs (real clients) are checked by tests/serve/lab18_test.sh instead.
test("every solution scores full marks and every wrong.lua does not", function()
  for _, folder in ipairs(klab._lab_dirs(klab.labs_dir)) do
    local dir = klab.labs_dir .. "/" .. folder
    if not lab.load(folder).serve then
      local text, code = capture(lab.cli_check, folder, dir .. "/solution.lua")
      assert(code == 0 and not contains(text, "FAIL"), text)
      text, code = capture(lab.cli_check, folder, dir .. "/wrong.lua")
      assert(code == 1 and contains(text, "\nFAIL  [0/"), text)
    end
  end
end)

test("the same lab and script give the same report, byte for byte", function()
  local path = klab.labs_dir .. "/02-keys-and-partitions/solution.lua"
  local first = capture(lab.cli_check, "2", path)
  local second = capture(lab.cli_check, "2", path)
  assert(first == second)
  assert(contains(first, "Score: 10/10"), first)
end)

test("a submission that stops with an error is reported and still graded", function()
  local path = write_temp('cluster:create_topic("first_topic", { partitions = 3 })\nerror("stop here")\n')
  local text, code = capture(lab.cli_check, "1", path)
  os.remove(path)
  assert(code == 1)
  assert(contains(text, path .. ":2: stop here"), text)
  assert(contains(text, "PASS  [2/2] Create first_topic with 3 partitions"), text)
  assert(contains(text, "Score: 2/10"), text)
end)

test("a submission that does not compile is reported and scores nothing", function()
  local path = write_temp("this is not lua\n")
  local text, code = capture(lab.cli_check, "1", path)
  os.remove(path)
  assert(code == 1 and contains(text, path .. ":1:") and contains(text, "Score: 0/10"), text)
end)

test("checks that raise, fail or need a missing answer each fail their step alone", function()
  local function step(id, check) return { id = id, title = id, text = "", points = 2, check = check } end
  local def = { id = 9, title = "synthetic", intro = "", steps = {
    step("passes", function() return true, "ignored" end),
    step("raises", function() error("boom") end),
    step("returns false", function() return false, "nope" end),
    step("needs an answer", function(ctx) return ctx.need("missing") end),
    step("wrong type", function(ctx) return ctx.need("offsets", "table") end),
    step("truthy is not true", function() return 1 end),
  } }
  local report = lab.grade(def, klab.cluster { seed = 1 }, { offsets = 3 })
  assert(report.earned == 2 and report.total == 12)
  local feedback = {}
  for _, result in ipairs(report.steps) do feedback[result.step.id] = result.feedback end
  assert(contains(feedback["raises"], "the check stopped with an error:") and contains(feedback["raises"], "boom"))
  assert(feedback["returns false"] == "nope")
  assert(feedback["needs an answer"] == 'no answer yet: lab.answer("missing", ...)')
  assert(feedback["wrong type"] == "answer offsets should be a table, got 3")
end)

test("ctx.records reads every record of a topic, partition by partition, without moving the clock much", function()
  local c = klab.cluster { seed = 7 }
  assert(c:create_topic("t", { partitions = 2 }))
  local p = c:producer {}
  for i = 1, 5 do assert(p:send("t", { value = "v" .. i, partition = i % 2 })) end
  local seen
  local def = { id = 9, title = "records", intro = "", steps = { { id = "r", title = "r", text = "", points = 1,
    check = function(ctx)
      local before = c:now()
      local records, counts = ctx.records("t"), ctx.counts("t")
      seen = { n = #records, first = records[1], last = records[#records], counts = counts, waited = c:now() - before }
      return true
    end } } }
  assert(lab.grade(def, c, {}).earned == 1)
  assert(seen.n == 5 and seen.first.partition == 0 and seen.first.offset == 0 and seen.last.partition == 1)
  assert(seen.counts.p0 == 2 and seen.counts.p1 == 3)
  assert(seen.waited == 0, seen.waited)
  local report = lab.grade({ id = 9, title = "x", intro = "", steps = { { id = "m", title = "m", text = "", points = 1,
    check = function(ctx) return #ctx.records("missing") > 0 end } } }, c, {})
  assert(report.steps[1].feedback == "there is no topic missing")
end)

test("guided mode: start gives a fresh cluster; check moves to the first failing step; answers are copies", function()
  local preloaded = cluster
  local text = capture(lab.start, 1)
  assert(cluster ~= preloaded and #cluster:topics() == 0)
  assert(contains(text, "Lab 01 — Topics, partitions and offsets") and contains(text, "Step 1/6"), text)
  assert(cluster:create_topic("first_topic", { partitions = 3 }))
  local offsets = { p0 = 1 }
  text = capture(lab.answer, "offsets", offsets)
  assert(text == "recorded offsets = { p0 = 1 }\n", text)
  offsets.p0 = 99
  text = capture(lab.check)
  assert(contains(text, "PASS  [2/2] Create first_topic") and contains(text, "Score: 2/10"), text)
  assert(contains(text, "Next:\nStep 2/6"), text)
  text = capture(lab.status)
  assert(contains(text, "  [done] 1.") and contains(text, "> [todo] 2.") and contains(text, "offsets = { p0 = 1 }"), text)
  -- step 2 has one hint: hints cycle
  local first, second = capture(lab.hint), capture(lab.hint)
  assert(first == second and contains(first, "Hint 1/1 for step 2"), first)
  text = capture(lab.step, 7)
  assert(contains(text, "There is no step 7"), text)
end)

test("a serve lab starts only on a served cluster and is not checked from a Lua file or by klab grade", function()
  local text = capture(lab.start, 18)
  assert(contains(text, "klab serve --partitions 3") and contains(text, "lab.start(18) at its prompt"), text)
  local saved = io.stderr
  io.stderr = { write = function() end }  -- cli_check says why on stderr
  local _, code = capture(lab.cli_check, 18, "anything.lua")
  io.stderr = saved
  assert(code == 2)
  local ok, problem = pcall(lab.grader_prepare, 18, 0)
  assert(not ok and contains(problem, "klab lab check 18 --run CMD"), problem)
end)

require("harness").finish()
