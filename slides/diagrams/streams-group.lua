-- Deck 08: the consumer group of the Streams application "trends" once a second instance has
-- joined: each instance reads one partition of posts and the same partition of the repartition
-- topic (its tasks 0_N and 1_N). The same state as the deck's demo, drawn from the group.
-- Rendered by scripts/slides into slides/images/streams-group.svg.
assert(cluster:create_topic("posts", { partitions = 2, replication_factor = 3 }))
assert(cluster:create_topic("tag-totals", { partitions = 2, replication_factor = 3 }))
local b = klab.streams_builder()
b:stream("posts")
  :flat_map_values(function(_, v)
    local tags = {}
    for tag in v:gmatch("#(%w+)") do tags[#tags + 1] = tag end
    return tags
  end)
  :group_by(function(_, tag) return tag end)
  :count("tag-counts")
  :to_stream():to("tag-totals")
local app = cluster:streams(b, { ["application.id"] = "trends" }, { log = false })
assert(app:start())
local p = cluster:producer{}
for i, text in ipairs{ "off to #kafka #summit", "#kafka streams rocks", "#summit day 2", "coffee #kafka" } do
  assert(p:send("posts", { key = "user-" .. i, value = text }))
end
cluster:advance(5000)
local app2 = cluster:streams(b, { ["application.id"] = "trends" }, { log = false })
assert(app2:start())
cluster:advance(40000)   -- past commit.interval.ms (30 s): the group has committed offsets to show
return klab.diagram(cluster, { group = "trends" })
