-- A tiny test harness for Lua-level tests run with `klab run`: test(name, fn) runs fn under pcall,
-- prints one line per test and, at the end, "N passed, N failed"; the script fails if any failed.
local harness = { passed = 0, failed = 0 }

function harness.test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    harness.passed = harness.passed + 1
    print("ok    " .. name)
  else
    harness.failed = harness.failed + 1
    print("FAIL  " .. name .. "\n      " .. tostring(err))
  end
end

function harness.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: expected %s, got %s", what or "value", tostring(expected), tostring(actual)), 2)
  end
end

-- Asserts that fn raises an error whose message contains every fragment (plain text).
function harness.raises(fn, ...)
  local ok, err = pcall(fn)
  if ok then error("expected an error, none was raised", 2) end
  local message = tostring(err)
  for _, fragment in ipairs({ ... }) do
    if not message:find(fragment, 1, true) then
      error(string.format("error %q does not mention %q", message, fragment), 2)
    end
  end
  return message
end

-- Asserts a Kafka-level failure: nil, err with err.name == name; returns err.
function harness.fails_with(name, value, err)
  if value ~= nil then error("expected nil, " .. name .. "; got a value: " .. tostring(value), 2) end
  if type(err) ~= "table" or err.name ~= name then
    error(string.format("expected error %s, got %s", name, tostring(err)), 2)
  end
  return err
end

function harness.finish()
  print(string.format("%d passed, %d failed", harness.passed, harness.failed))
  if harness.failed > 0 then os.exit(1) end
end

return harness
