-- A plausible wrong attempt at lab 14: it forgets to leave out the lines with "filter" (so
-- "please" and "filter" are counted and value counts are too high) and reports the joined value
-- it expected rather than the one produced.
local b = klab.streams_builder()
local counts = b:stream("streams-input")
  :flat_map_values(function(_, v)
    local words = {}
    for word in v:gmatch("%S+") do words[#words + 1] = word end
    return words
  end)
  :group_by(function(_, word) return word end)
  :count("word-counts")
assert(cluster:create_topic("word", { partitions = 2, replication_factor = 3 }))
b:stream("word"):join(counts, function(value, count) return "(" .. count .. ", " .. value .. ")" end):to("word-joined")
local app = cluster:streams(b, { ["application.id"] = "wordcount" })
assert(app:start())
cluster:advance(5000)
lab.answer("counts", app:store("word-counts"))
cluster:producer{}:send("word", { key = "value10", value = "active" })
cluster:advance(5000)
lab.answer("joined", "(6, active)")
app:close()
lab.answer("restored", 0)
lab.answer("value10", "6")
