-- Lab 10: retention. "A topic is not a queue": records stay until retention deletes whole segments.
-- Time- and size-based retention on a topic with small segments, and what a lagging consumer sees
-- when its data is gone. Checks read the cluster's logs and the student's answers.
local CLUSTER = { brokers = 1, seed = 42 }
local TOPIC = "clicks"

local function log_start(ctx) return ctx.partition(TOPIC, 0).log_start_offset end

return {
  id = 10,
  slug = "retention",
  title = "Retention: how old data goes away",
  mirrors = "Kafka documentation \"Log retention\" (retention.ms, retention.bytes, segment.bytes) and the "
         .. "kafka-beginners-course \"topic is not a queue\" lesson",
  cluster = CLUSTER,
  intro = [[
Reading a record does not remove it. A partition is a list of segments; retention deletes whole
closed segments once their newest record is older than retention.ms (or the partition is bigger
than retention.bytes), checked every log.retention.check.interval.ms (5 minutes). Small segments
make it visible. See help("retention").]],
  steps = {
    {
      id = "time",
      title = "Watch retention.ms delete segments",
      points = 2,
      text = [[
  cluster:create_topic("clicks", { partitions = 1, config = { ["segment.bytes"] = 200, ["retention.ms"] = 60000 } })
  p = cluster:producer{}
  for i = 1, 10 do p:send("clicks", "click-" .. i) end
  cluster:dump_log("clicks", 0)      -- five segments of two records
  cluster:advance(300000)            -- the next retention check (every 300000 ms)
Report the log start offset now (cluster:describe_topic("clicks").partitions[1]):
  lab.answer("log_start", n)]],
      hints = { "Every segment is older than 60 s: Kafka even rolls the active one and deletes it." },
      check = function(ctx)
        local configs = ctx.cluster:describe_configs(TOPIC)
        if not configs then return false, "create the topic clicks" end
        if configs["retention.ms"].value ~= "60000" or configs["retention.ms"].source ~= "topic" then
          return false, "clicks needs retention.ms = 60000 set on the topic"
        end
        if log_start(ctx) == 0 then return false, "nothing was deleted yet: let the clock pass a retention check" end
        if ctx.need("log_start", "number") ~= log_start(ctx) then return false, "log_start is not the log start offset of clicks-0" end
        return true
      end,
    },
    {
      id = "lagging",
      title = "A consumer whose data is gone",
      points = 2,
      text = [[
A consumer that stopped at offset 2 comes back after retention deleted it:
  k = cluster:consumer{ ["auto.offset.reset"] = "none" }
  k:assign{ { topic = "clicks", partition = 0 } }
  k:seek({ topic = "clicks", partition = 0 }, 2)
  records, err = k:poll(0)
  lab.answer("error", err and err.name)
With auto.offset.reset = "earliest" it would jump to the log start instead:
  e = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
  e:assign{ { topic = "clicks", partition = 0 } }
  e:seek({ topic = "clicks", partition = 0 }, 2)
  lab.answer("position", e:position({ topic = "clicks", partition = 0 }))]],
      hints = { "Kafka's error for a fetch position outside [log start, log end]." },
      check = function(ctx)
        if ctx.need("error", "string") ~= "OFFSET_OUT_OF_RANGE" then return false, "error: not what poll returns here" end
        if ctx.need("position", "number") ~= log_start(ctx) then return false, "position: where does earliest reset to?" end
        return true
      end,
    },
    {
      id = "disk",
      title = "The trade-off of longer retention",
      points = 1,
      visibility = "after_due_date",
      text = [[
Longer retention lets slow consumers (and replays) catch up, at the cost of disk: a partition
keeps about (write rate x retention.ms) bytes, bounded by retention.bytes. Which grows the disk
a topic needs?  a) more partitions read by the same consumers  b) a longer retention.ms
c) a consumer group that reads faster
  lab.answer("disk", "?")]],
      check = function(ctx)
        if ctx.choice("disk") ~= "b" then return false, "disk: reading never frees or takes space" end
        return true
      end,
    },
  },
}
