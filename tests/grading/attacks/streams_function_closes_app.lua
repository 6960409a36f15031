-- expect: app:close.. cannot run inside a callback
-- A Streams function that closes its own application while the application runs it (inside
-- cluster:advance) freed the application under its own processing loop. It is refused now: the
-- function's error fails the application, which says why.
cluster:create_topic("streams-in", { partitions = 1 })
cluster:create_topic("streams-out", { partitions = 1 })
local b = klab.streams_builder()
local app
b:stream("streams-in"):map_values(function(_, v) app:close() return v end):to("streams-out")
app = cluster:streams(b, { ["application.id"] = "closes-itself" }, { log = false })
assert(app:start())
assert(cluster:producer{}:send("streams-in", "v"))
cluster:advance(10000)
error(tostring(app:error()))
