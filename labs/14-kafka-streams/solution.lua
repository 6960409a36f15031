-- Reference solution of lab 14 (klab lab check 14 labs/14-kafka-streams/solution.lua).
local b = klab.streams_builder()
local counts = b:stream("streams-input")
  :filter_not(function(_, v) return v:find("filter", 1, true) end)
  :flat_map_values(function(_, v)
    local words = {}
    for word in v:gmatch("%S+") do words[#words + 1] = word end
    return words
  end)
  :group_by(function(_, word) return word end)
  :count("word-counts")
counts:to_stream():to("word-count-output")
print(b:describe())

assert(cluster:create_topic("word", { partitions = 2, replication_factor = 3 }))
assert(cluster:create_topic("word-count-output", { partitions = 2, replication_factor = 3 }))
assert(cluster:create_topic("word-joined", { partitions = 2, replication_factor = 3 }))
b:stream("word")
  :join(counts, function(value, count) return "(" .. count .. ", " .. value .. ")" end)
  :peek(function(k, v) print(k, v) end)
  :to("word-joined")

local app = cluster:streams(b, { ["application.id"] = "wordcount" })
assert(app:start())
cluster:advance(5000)
lab.answer("counts", app:store("word-counts"))

local p = cluster:producer{}
assert(p:send("word", { key = "value10", value = "active" }))
cluster:advance(5000)
local k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign{ { topic = "word-joined", partition = 0 }, { topic = "word-joined", partition = 1 } }
for _, r in ipairs(k:poll(1000)) do
  if r.key == "value10" then lab.answer("joined", r.value) end
end

app:close()
local app2 = cluster:streams(b, { ["application.id"] = "wordcount" })
assert(app2:start())
cluster:advance(5000)
local total = 0
for _, line in ipairs(app2:log()) do
  local n = line:match("total number of (%d+) records")
  if n and line:find("restoring changelog", 1, true) then total = total + tonumber(n) end
end
lab.answer("restored", total)
lab.answer("value10", app2:store("word-counts")["value10"])
