-- Reference solution of lab 11 (klab lab check 11 labs/11-compaction/solution.lua).
assert(cluster:create_topic("addresses", { partitions = 1, replication_factor = 3, config = {
  ["cleanup.policy"] = "compact", ["segment.bytes"] = 300, ["min.cleanable.dirty.ratio"] = 0.01 } }))
local p = cluster:producer{}
for i = 1, 4 do
  for _, who in ipairs { "alice", "bob", "carol" } do assert(p:send("addresses", { key = who, value = who .. "-street-" .. i })) end
end
assert(p:send("addresses", { key = "bob", value = nil }))
assert(p:send("addresses", { key = "dave", value = "dave-street-1" }))
local before = cluster:dump_log("addresses", 0)
cluster:run_cleaner()
local after = cluster:dump_log("addresses", 0)
print(after)
lab.answer("before", #before.records)
lab.answer("after", #after.records)
local offsets = {}
for _, r in ipairs(after.records) do offsets[#offsets + 1] = r.offset end
lab.answer("offsets_after", offsets)

local k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
k:assign{ { topic = "addresses", partition = 0 } }
local state = {}
for _, r in ipairs(k:poll(0)) do state[r.key] = r.value end  -- a nil value removes the key
lab.answer("state", state)
