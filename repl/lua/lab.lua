-- lab.lua: the lab engine, loaded at startup into the global `lab`.
--
-- A lab is a folder labs/NN-slug/ whose lab.lua returns a table:
--   { id = 1, slug = "topics-partitions-offsets", title = "...", mirrors = "the course exercise",
--     cluster = { brokers = 3, seed = 42, config = {...} },   -- options of klab.cluster
--     setup = function(c) end,                                 -- optional: prepares the fresh cluster
--     intro = "text",
--     steps = { { id = "create", title = "...", text = "...", hints = { "...", ... }, points = 2,
--                 check = function(ctx) return ok, feedback end }, ... } }
-- A serve lab (serve = { partitions = 3 }) is done with real Kafka clients against `klab serve`: lab.start
-- there keeps the served cluster instead of making a fresh one, and it is checked by lab.check() in the
-- serve REPL or by `klab lab check N --run CMD` (lab.serve_prepare / lab.grade_served), never from a
-- Lua script or by klab grade.
-- A check receives ctx (see new_context): the cluster the student worked on, the answers reported with
-- lab.answer(name, value), and helpers that read the cluster through the public API.
--
-- Guided mode (REPL): lab.list, lab.show(n), lab.start(n), lab.step([n]), lab.hint, lab.answer, lab.check,
-- lab.status. Shell: lab.cli_list, lab.cli_show(n), lab.cli_check(n, file) return the exit code.
-- For tools: lab.load(n) -> def, lab.grade(def, cluster, answers, params) -> report, and for klab grade
-- lab.grader_prepare(n, variant, seed) -> def, cluster, params, limits, info (see make_variant).
--
-- Invariants:
--  1. Checks read the cluster's state and the reported answers, never printed text.
--  2. A check that raises fails its step (with the error as feedback); grading never raises on a student's
--     data. Errors in a lab's own definition or setup do raise: they are bugs of the lab.
--  3. Output is deterministic: table keys are sorted before printing; no clock, no randomness.

local lab = {}
local state = { def = nil, answers = {}, current = 1, hint_index = {}, report = nil }

-- All output goes through lab._write, so tests can capture it. Flushed: under `klab serve` stdout may
-- be a pipe or a file, and the REPL's prompt comes back long before the process exits.
function lab._write(text) io.stdout:write(text) io.stdout:flush() end
local function say(text) lab._write(text .. "\n") end

-- ---- values as text ------------------------------------------------------------------------------------

local function show(value, depth)
  depth = depth or 0
  if type(value) == "string" then return string.format("%q", value) end
  if type(value) ~= "table" then return tostring(value) end
  if depth > 3 then return "{...}" end
  local parts, count = {}, #value
  for i = 1, count do parts[#parts + 1] = show(value[i], depth + 1) end
  local keys = {}
  for key in pairs(value) do
    if not (math.type(key) == "integer" and key >= 1 and key <= count) then keys[#keys + 1] = key end
  end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
    return type(a) < type(b)
  end)
  for _, key in ipairs(keys) do
    local name = (type(key) == "string" and key:match("^[%a_][%w_]*$")) and key or "[" .. show(key) .. "]"
    parts[#parts + 1] = name .. " = " .. show(value[key], depth + 1)
  end
  return "{ " .. table.concat(parts, ", ") .. (#parts > 0 and " }" or "}")
end

-- Answers are copied when recorded, so changing a table afterwards does not change the answer.
local function copy(value, seen)
  if type(value) ~= "table" then return value end
  seen = seen or {}
  if seen[value] then return seen[value] end
  local result = {}
  seen[value] = result
  for key, item in pairs(value) do result[copy(key, seen)] = copy(item, seen) end
  return result
end

-- Prefixes every non-blank line (lab texts are written pre-wrapped in [[...]] strings).
local function indent(text, prefix)
  local lines = {}
  for line in (tostring(text or ""):gsub("%s+$", "") .. "\n"):gmatch("(.-)\n") do
    lines[#lines + 1] = line == "" and "" or prefix .. line
  end
  return table.concat(lines, "\n")
end

local function error_text(err)
  if type(err) == "string" then return err end
  local mt = getmetatable(err)
  if type(mt) == "table" and mt.__tostring then return tostring(err) end
  return "(an error value of type " .. type(err) .. ")"
end

-- ---- finding and loading labs --------------------------------------------------------------------------

local function lab_folders()
  local ok, names = pcall(klab._lab_dirs, klab.labs_dir)
  return ok and names or {}
end

-- id: 1, "1", "01", a folder name ("01-topics-partitions-offsets") or a slug ("topics-partitions-offsets").
local function find_folder(id)
  local wanted = tostring(id)
  local number = wanted:match("^%d+$") and tonumber(wanted)
  for _, name in ipairs(lab_folders()) do
    local prefix, slug = name:match("^(%d+)%-(.*)$")
    if (number and tonumber(prefix) == number) or name == wanted or slug == wanted then return name end
  end
  return nil
end

-- Gradescope's visibility values: when a student sees a check's result.
local VISIBILITIES = { visible = true, hidden = true, after_due_date = true, after_published = true }

local function validate(def)
  if type(def) ~= "table" then return "lab.lua must return a table" end
  for _, field in ipairs { "title", "intro" } do
    if type(def[field]) ~= "string" then return "'" .. field .. "' must be a string" end
  end
  if math.type(def.id) ~= "integer" then return "'id' must be a whole number" end
  if type(def.steps) ~= "table" or #def.steps == 0 then return "'steps' must be a non-empty list" end
  for i, step in ipairs(def.steps) do
    local where = "step " .. i .. ": "
    for _, field in ipairs { "id", "title", "text" } do
      if type(step[field]) ~= "string" then return where .. "'" .. field .. "' must be a string" end
    end
    if math.type(step.points) ~= "integer" or step.points < 1 then return where .. "'points' must be a positive whole number" end
    if type(step.check) ~= "function" then return where .. "'check' must be a function" end
    if step.hints ~= nil and type(step.hints) ~= "table" then return where .. "'hints' must be a list of strings" end
    if step.visibility ~= nil and not VISIBILITIES[step.visibility] then
      return where .. "'visibility' must be visible, hidden, after_due_date or after_published"
    end
  end
  if def.variant ~= nil and type(def.variant) ~= "function" then return "'variant' must be a function" end
  if def.limits ~= nil and type(def.limits) ~= "table" then return "'limits' must be a table" end
  if def.serve ~= nil and type(def.serve) ~= "table" then return "'serve' must be a table" end
  return nil
end

-- Returns the lab's definition table (with `folder` added), or nil and a message.
function lab.load(id)
  local folder = find_folder(id)
  if not folder then
    return nil, string.format("no lab %s in %s (klab lab list shows the labs)", tostring(id), tostring(klab.labs_dir))
  end
  local path = klab.labs_dir .. "/" .. folder .. "/lab.lua"
  local chunk, load_error = loadfile(path, "t")
  if not chunk then return nil, load_error end
  local ok, def = pcall(chunk)
  if not ok then return nil, error_text(def) end
  local problem = validate(def)
  if problem then return nil, path .. ": " .. problem end
  def.folder = folder
  return def
end

local function total_points(def)
  local total = 0
  for _, step in ipairs(def.steps) do total = total + step.points end
  return total
end

local function heading(def) return string.format("Lab %02d — %s", def.id, def.title) end

local function fresh_cluster(def, variant)
  local options = copy(def.cluster or {})
  options.brokers = options.brokers or 3
  options.seed = options.seed or 42  -- a lab always replays the same way
  if variant and variant.seed then options.seed = variant.seed end
  local c = klab.cluster(options)
  if def.setup then def.setup(c, variant and variant.params or {}) end
  return c
end

-- Variant k of a lab for the grader: k = 0 is the lab as students practise it; k >= 1 changes the
-- seed (base seed + k), and a lab's variant(k, seed) may return { params = {...}, seed = n } to vary
-- topic names, partition counts or keys too. A script that hard-codes what it saw in practice then
-- fails the other variants. Params reach the script as lab.params and the checks as ctx.params.
local function make_variant(def, k, base_seed)
  local seed = (base_seed or (def.cluster and def.cluster.seed) or 42) + k
  local variant = { index = k, seed = seed, params = {} }
  if def.variant then
    local chosen = def.variant(k, seed) or {}
    variant.params = chosen.params or {}
    variant.seed = chosen.seed or seed
  end
  return variant
end

-- For klab grade: the definition, a fresh cluster for variant k, the variant's params and the lab's
-- limits. Raises when the lab itself is broken (an infrastructure error, not the student's).
function lab.grader_prepare(id, k, base_seed)
  local def, problem = lab.load(id)
  if not def then error(problem, 0) end
  if def.serve then error(string.format("lab %d needs real Kafka clients: klab lab check %d --run CMD grades it", def.id, def.id), 0) end
  local variant = make_variant(def, k, base_seed)
  local c = fresh_cluster(def, variant)
  local steps = {}
  for _, step in ipairs(def.steps) do
    steps[#steps + 1] = { id = step.id, title = step.title, points = step.points, visibility = step.visibility or "visible" }
  end
  return def, c, variant.params, def.limits or {}, { seed = variant.seed, title = def.title, id = def.id, steps = steps }
end

-- ---- what checks see -----------------------------------------------------------------------------------

-- Raised by ctx.need: a plain message for the student, not an internal error.
local Feedback = {}

local function new_context(c, answers, params)
  local ctx = { cluster = c, answers = answers, show = show, params = params or {} }
  local cache = {}

  function ctx.answer(name) return answers[name] end
  -- Ends the check as failed with this feedback (for the student, not an internal error).
  function ctx.fail(text) error(setmetatable({ text = text }, Feedback)) end
  -- The answer, or a failure that tells the student how to report it.
  function ctx.need(name, expected_type)
    local value = answers[name]
    if value == nil then ctx.fail(string.format('no answer yet: lab.answer("%s", ...)', name)) end
    if expected_type and type(value) ~= expected_type then
      ctx.fail(string.format("answer %s should be a %s, got %s", name, expected_type, show(value)))
    end
    return value
  end
  -- A multiple-choice answer as a lower-case letter ("B " -> "b"), or nil.
  function ctx.choice(name)
    local value = answers[name]
    return type(value) == "string" and value:lower():match("^%s*(%a)%s*$") or nil
  end
  function ctx.describe(topic) return c:describe_topic(topic) end
  -- The description of one partition of a topic, or nil.
  function ctx.partition(topic, number)
    local description = c:describe_topic(topic)
    for _, info in ipairs(description and description.partitions or {}) do
      if info.partition == number then return info end
    end
    return nil
  end
  -- The description of a topic; fails the check when the topic does not exist.
  function ctx.topic(topic)
    return c:describe_topic(topic) or ctx.fail("there is no topic " .. topic)
  end
  -- Every committed record of a topic (log start to high watermark), partition by partition in offset
  -- order, read with a fresh consumer.
  function ctx.records(topic)
    if cache[topic] then return cache[topic] end
    local description = ctx.topic(topic)
    local records = {}
    for _, info in ipairs(description.partitions) do
      local consumer = c:consumer { ["auto.offset.reset"] = "earliest" }
      local tp = { topic = topic, partition = info.partition }
      consumer:assign(tp)
      consumer:seek(tp, info.log_start_offset)
      local idle = 0
      -- poll(0) returns what is ready without moving the clock; wait a little only when nothing is.
      while idle < 3 and (consumer:position(tp) or info.high_watermark) < info.high_watermark do
        local batch = consumer:poll(idle == 0 and 0 or 50)
        if not batch then break end
        idle = #batch == 0 and idle + 1 or 0
        for _, record in ipairs(batch) do records[#records + 1] = record end
      end
      consumer:close()
    end
    cache[topic] = records
    return records
  end
  -- Records per partition: { p0 = n, p1 = n, ... } for every partition (the shape labs ask answers in).
  function ctx.counts(topic)
    local description = ctx.topic(topic)
    local counts = {}
    for _, info in ipairs(description.partitions) do counts["p" .. info.partition] = 0 end
    for _, record in ipairs(ctx.records(topic)) do
      counts["p" .. record.partition] = counts["p" .. record.partition] + 1
    end
    return counts
  end
  return ctx
end

-- ---- grading -------------------------------------------------------------------------------------------

-- Runs every check; returns { def, earned, total, steps = { {step, passed, earned, feedback}, ... } }.
function lab.grade(def, c, answers, params)
  local ctx = new_context(c, answers or {}, params)
  local report = { def = def, earned = 0, total = 0, steps = {} }
  for _, step in ipairs(def.steps) do
    local ran, passed, feedback = pcall(step.check, ctx)
    if not ran then
      local err = passed
      passed = false
      feedback = getmetatable(err) == Feedback and err.text or "the check stopped with an error: " .. error_text(err)
    end
    passed = passed == true
    local earned = passed and step.points or 0
    report.steps[#report.steps + 1] = { step = step, passed = passed, earned = earned,
                                        feedback = feedback ~= nil and tostring(feedback) or nil }
    report.earned, report.total = report.earned + earned, report.total + step.points
  end
  return report
end

local function print_report(report)
  for _, result in ipairs(report.steps) do
    local feedback = (not result.passed and result.feedback) and " — " .. result.feedback or ""
    say(string.format("%s  [%d/%d] %s%s", result.passed and "PASS" or "FAIL", result.earned, result.step.points,
                      result.step.title, feedback))
  end
  say(string.format("Score: %d/%d", report.earned, report.total))
end

-- ---- guided mode ---------------------------------------------------------------------------------------

local function print_step(def, index)
  local step = def.steps[index]
  say(string.format("Step %d/%d — %s (%d point%s)", index, #def.steps, step.title, step.points,
                    step.points == 1 and "" or "s"))
  say(indent(step.text, "  "))
end

local function need_lab()
  if state.def then return true end
  say("No lab started: lab.list() shows the labs, lab.start(1) begins the first one.")
  return false
end

function lab.list()
  for _, folder in ipairs(lab_folders()) do
    local def, problem = lab.load(folder)
    if def then
      say(string.format("%02d  %s  (%d steps, %d points)", def.id, def.title, #def.steps, total_points(def)))
      if def.mirrors then say("    mirrors: " .. def.mirrors) end
    else
      say(folder .. "  (cannot be loaded: " .. problem .. ")")
    end
  end
end

function lab.summary()
  local parts = {}
  for _, folder in ipairs(lab_folders()) do
    local def = lab.load(folder)
    if def then parts[#parts + 1] = string.format("%02d %s", def.id, def.title) end
  end
  if #parts == 0 then return "" end
  return "labs: " .. table.concat(parts, " · ") .. " — lab.start(1)\n"
end

function lab.show(id)
  local def, problem = lab.load(id)
  if not def then say(problem) return false end
  say(heading(def))
  if def.mirrors then say("Mirrors: " .. def.mirrors) end
  local options = def.cluster or {}
  say(string.format("Cluster: %d brokers, seed %d", options.brokers or 3, options.seed or 42))
  say("")
  say(indent(def.intro, ""))
  for index in ipairs(def.steps) do
    say("")
    print_step(def, index)
  end
  say("")
  if def.serve then
    say(string.format('Total: %d points.  klab serve REPL: lab.start(%d)   Shell: klab lab check %d --run "CMD" [--run "CMD"]',
                      total_points(def), def.id, def.id))
  else
    say(string.format("Total: %d points.  REPL: lab.start(%d)   Shell: klab lab check %d my_solution.lua",
                      total_points(def), def.id, def.id))
  end
  return true
end

-- A serve lab's clients are connected to the served cluster: starting it there must not replace it.
local function served(c) return type(c) == "userdata" and c:serving() end

function lab.start(id)
  local def, problem = lab.load(id or 1)
  if not def then say(problem) return end
  local variant = make_variant(def, 0)
  if def.serve and not served(cluster) then
    say(heading(def) .. " uses real Kafka clients: start `klab serve --partitions 3` in a terminal and")
    say(string.format("type lab.start(%d) at its prompt (klab lab show %d prints the whole lab).", def.id, def.id))
    return
  end
  if not def.serve then cluster = fresh_cluster(def, variant) end  -- the global the student works on
  lab.params = variant.params
  state = { def = def, answers = {}, current = 1, hint_index = {}, report = nil, params = variant.params,
            cluster = def.serve and cluster or nil }
  say(heading(def))
  say(indent(def.intro, ""))
  say("")
  if def.serve then
    say(string.format("Checked on the served cluster (%d brokers), whatever `cluster` names later.", #cluster:brokers()))
  else
    say(string.format("A fresh cluster is in `cluster` (%d brokers, seed %d).", #cluster:brokers(),
                      cluster:seed()))
  end
  say("")
  print_step(def, 1)
  say("")
  say("lab.hint() gives a hint, lab.check() checks your work, lab.status() shows your progress.")
end

-- Prints the current step, or moves to step n and prints it.
function lab.step(n)
  if not need_lab() then return end
  if n ~= nil then
    if math.type(n) ~= "integer" or not state.def.steps[n] then
      say(string.format("There is no step %s: steps go from 1 to %d.", tostring(n), #state.def.steps))
      return
    end
    state.current = n
  end
  print_step(state.def, state.current)
end

function lab.hint()
  if not need_lab() then return end
  local step = state.def.steps[state.current]
  local hints = step.hints or {}
  if #hints == 0 then say("No hints for step " .. state.current .. ".") return end
  local index = state.hint_index[state.current] or 1
  state.hint_index[state.current] = index % #hints + 1  -- cycles
  say(string.format("Hint %d/%d for step %d (%s):", index, #hints, state.current, step.title))
  say(indent(hints[index], "  "))
end

function lab.answer(name, value)
  if type(name) ~= "string" then error("lab.answer(name, value): name must be a string", 2) end
  state.answers[name] = copy(value)
  say("recorded " .. name .. " = " .. show(value))
end

function lab.check()
  if not need_lab() then return end
  local checked = state.cluster or cluster
  if type(checked) ~= "userdata" then
    say("The global `cluster` is not a cluster any more: lab.start(" .. state.def.id .. ") makes a fresh one.")
    return
  end
  local report = lab.grade(state.def, checked, state.answers, state.params)
  state.report = report
  print_report(report)
  local previous = state.current
  state.current = #state.def.steps
  for index, result in ipairs(report.steps) do
    if not result.passed then state.current = index break end
  end
  if report.earned == report.total then
    say("Every step passes — well done. lab.list() shows the other labs.")
  elseif state.current ~= previous then
    say("")
    say("Next:")
    print_step(state.def, state.current)
  else
    say("Still on step " .. state.current .. ": lab.hint() can help.")
  end
end

function lab.status()
  if not need_lab() then return end
  local def, report = state.def, state.report
  say(heading(def) .. (report and string.format("   score %d/%d at the last lab.check()", report.earned, report.total)
                                or "   (lab.check() has not run yet)"))
  for index, step in ipairs(def.steps) do
    local done = report and report.steps[index].passed
    say(string.format("%s [%s] %d. %s (%d)", index == state.current and ">" or " ", done and "done" or "todo", index,
                      step.title, step.points))
  end
  local names = {}
  for name in pairs(state.answers) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do say("  answer " .. name .. " = " .. show(state.answers[name])) end
end

-- ---- the shell: klab lab list | show N | check N FILE --------------------------------------------------

function lab.cli_list()
  lab.list()
  return 0
end

function lab.cli_show(id) return lab.show(id) and 0 or 2 end

-- Runs FILE against a fresh cluster prepared by the lab, then grades. 0 only at full marks.
function lab.cli_check(id, path)
  local def, problem = lab.load(id)
  if not def then
    io.stderr:write("klab lab check: ", problem, "\n")
    return 2
  end
  if def.serve then
    io.stderr:write(string.format('klab lab check: lab %d is done with real Kafka clients, not a Lua script: '
                                  .. 'klab lab check %d --run "python3 producer.py" [--run ...]\n', def.id, def.id))
    return 2
  end
  local variant = make_variant(def, 0)
  cluster = fresh_cluster(def, variant)
  lab.params = variant.params
  local graded_cluster = cluster  -- a script that replaces the global is still graded on this one
  state = { def = def, answers = {}, current = 1, hint_index = {}, report = nil, params = variant.params }
  local chunk, load_error = loadfile(path, "t")
  local run_error = load_error
  if chunk then
    local ok, err = xpcall(chunk, error_text)
    if not ok then run_error = err end
  end
  say("")
  say(heading(def) .. ": checking " .. path)
  if run_error then say("Your script stopped with an error (the checks ran on the state it left):\n  " .. run_error) end
  local report = lab.grade(def, graded_cluster, state.answers, state.params)
  state.report = report
  print_report(report)
  return report.earned == report.total and 0 or 1
end

-- ---- klab lab check N --run CMD (repl/serve/lab_check_command.cpp) -----------------------------------

-- The serve lab's fresh cluster, made the global `cluster` and the lab's state, and its serve options
-- ({ partitions = n }). Raises for an unknown lab or one that is not a serve lab.
function lab.serve_prepare(id)
  local def, problem = lab.load(id)
  if not def then error(problem, 0) end
  if not def.serve then
    error(string.format("lab %d is done with a Lua script: klab lab check %d FILE.lua", def.id, def.id), 0)
  end
  local variant = make_variant(def, 0)
  cluster = fresh_cluster(def, variant)
  lab.params = variant.params
  state = { def = def, answers = {}, current = 1, hint_index = {}, report = nil, params = variant.params,
            cluster = cluster }
  return cluster, copy(def.serve)
end

-- Grades the prepared lab on its cluster. Prints the report as klab lab check does when `print_text`;
-- returns it plainly for the C++ side: { id, title, earned, total, steps = { {id, title, points,
-- visibility, passed, feedback}, ... } }.
function lab.grade_served(print_text)
  local def = state.def
  local report = lab.grade(def, state.cluster, state.answers, state.params)
  state.report = report
  if print_text then
    say(heading(def) .. ": checking the cluster")
    print_report(report)
  end
  local plain = { id = def.id, title = def.title, earned = report.earned, total = report.total, steps = {} }
  for _, result in ipairs(report.steps) do
    plain.steps[#plain.steps + 1] = { id = result.step.id, title = result.step.title, points = result.step.points,
                                      visibility = result.step.visibility or "visible", passed = result.passed,
                                      feedback = result.feedback or "" }
  end
  return plain
end

return lab
