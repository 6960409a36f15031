-- Lab 11: compaction. A customer-address topic with updates and deletes; before/after dumps of the
-- same partition; tombstones; how a new consumer rebuilds the latest state from a compacted topic.
local CLUSTER = { brokers = 3, seed = 42 }
local TOPIC = "addresses"

-- The table a consumer reading the whole partition rebuilds: latest value per key, tombstones delete.
local function state_of(ctx)
  local state = {}
  for _, r in ipairs(ctx.cluster:dump_log(TOPIC, 0).records) do
    if r.value == nil then state[r.key] = nil else state[r.key] = r.value end
  end
  return state
end

return {
  id = 11,
  slug = "compaction",
  title = "Compaction: a topic as an evolving table",
  mirrors = "Kafka documentation \"Log compaction\" (cleanup.policy=compact, tombstones, delete.retention.ms)",
  cluster = CLUSTER,
  intro = [[
cleanup.policy = compact keeps at least the latest record of every key: the topic becomes a table
of current values, and a null value (a tombstone) deletes a key. See help("compaction").]],
  steps = {
    {
      id = "before-after",
      title = "The same partition before and after the cleaner",
      points = 3,
      text = [[
  cluster:create_topic("addresses", { partitions = 1, replication_factor = 3, config = {
    ["cleanup.policy"] = "compact", ["segment.bytes"] = 300, ["min.cleanable.dirty.ratio"] = 0.01 } })
  p = cluster:producer{}
  for i = 1, 4 do
    for _, who in ipairs { "alice", "bob", "carol" } do p:send("addresses", { key = who, value = who .. "-street-" .. i }) end
  end
  p:send("addresses", { key = "bob", value = nil })      -- bob moved away: a tombstone
  p:send("addresses", { key = "dave", value = "dave-street-1" })
  before = cluster:dump_log("addresses", 0)
  cluster:run_cleaner()
  after = cluster:dump_log("addresses", 0)
Report how many records each dump holds, and the offsets left after cleaning:
  lab.answer("before", #before.records); lab.answer("after", #after.records)
  lab.answer("offsets_after", { ... })   -- r.offset of each record in after.records]],
      hints = { "Offsets never change: the cleaner leaves gaps.", "The active segment is never cleaned." },
      check = function(ctx)
        local configs = ctx.cluster:describe_configs(TOPIC)
        if not configs or configs["cleanup.policy"].value ~= "compact" then return false, "addresses must be compacted" end
        local dump = ctx.cluster:dump_log(TOPIC, 0)
        if ctx.need("before", "number") ~= dump.log_end_offset then return false, "before: every record sent is there before cleaning" end
        if ctx.need("after", "number") ~= #dump.records then return false, "after: count the records of the dump after cleaning" end
        local offsets = ctx.need("offsets_after", "table")
        for i, r in ipairs(dump.records) do
          if offsets[i] ~= r.offset then return false, "offsets_after: not the offsets the cleaned log holds" end
        end
        if #dump.records >= dump.log_end_offset then return false, "nothing was cleaned: run the cleaner" end
        return true
      end,
    },
    {
      id = "table",
      title = "A new consumer rebuilds the latest state",
      points = 2,
      text = [[
A new consumer reads addresses from the beginning and applies each record: a value sets the key,
a tombstone (value nil) removes it. Report the table it ends with:
  lab.answer("state", { alice = "...", ... })]],
      check = function(ctx)
        local expected, reported = state_of(ctx), ctx.need("state", "table")
        for key, value in pairs(expected) do
          if reported[key] ~= value then return false, "state." .. key .. " is not its latest value" end
        end
        for key in pairs(reported) do
          if expected[key] == nil then return false, "state." .. key .. " was deleted by a tombstone" end
        end
        return true
      end,
    },
  },
}
