-- A plausible wrong attempt at lab 11: it expects renumbered offsets after cleaning and keeps
-- deleted keys in its table (a tombstone read as an empty address).
assert(cluster:create_topic("addresses", { partitions = 1, replication_factor = 3, config = {
  ["cleanup.policy"] = "compact", ["segment.bytes"] = 300, ["min.cleanable.dirty.ratio"] = 0.01 } }))
local p = cluster:producer{}
for i = 1, 4 do
  for _, who in ipairs { "alice", "bob", "carol" } do p:send("addresses", { key = who, value = who .. "-street-" .. i }) end
end
p:send("addresses", { key = "bob", value = nil })
p:send("addresses", { key = "dave", value = "dave-street-1" })
cluster:run_cleaner()
local after = cluster:dump_log("addresses", 0)
lab.answer("before", 14)
lab.answer("after", #after.records)
local offsets = {}
for i = 1, #after.records do offsets[i] = i - 1 end
lab.answer("offsets_after", offsets)
lab.answer("state", { alice = "alice-street-4", bob = "", carol = "carol-street-4", dave = "dave-street-1" })
