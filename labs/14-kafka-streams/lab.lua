-- Lab 14: Kafka Streams. A word count (filter, flat_map_values, group_by, count) whose KTable is
-- joined with a stream read from the topic `word`; then the application is restarted and restores
-- its counts from the changelog topic.
local INPUT = "streams-input"
local STORE = "word-counts"
local APP = "wordcount"

-- The lines the setup wrote, read back from the topic (so variants need no shared state).
local function input_lines(ctx)
  local lines = {}
  local described = ctx.cluster:describe_topic(INPUT)
  for p = 0, #described.partitions - 1 do
    for _, r in ipairs(ctx.cluster:dump_log(INPUT, p).records) do lines[#lines + 1] = r.value end
  end
  return lines
end

-- What a correct word count holds: words of the lines that do not contain "filter".
local function expected_counts(ctx)
  local counts = {}
  for _, line in ipairs(input_lines(ctx)) do
    if not line:find("filter", 1, true) then
      for word in line:gmatch("%S+") do counts[word] = (counts[word] or 0) + 1 end
    end
  end
  return counts
end

-- A count as a Java consumer's LongDeserializer reads it: 8 bytes, big-endian (nil otherwise).
local function as_long(bytes)
  if type(bytes) ~= "string" or #bytes ~= 8 then return nil end
  return (string.unpack(">i8", bytes))
end

-- The latest value per key of a topic (all partitions): what a compacted changelog means.
local function latest_values(ctx, topic)
  local latest = {}
  local described = ctx.cluster:describe_topic(topic)
  if not described then return nil end
  for p = 0, #described.partitions - 1 do
    for _, r in ipairs(ctx.cluster:dump_log(topic, p).records) do latest[r.key] = r.value end
  end
  return latest
end

return {
  id = 14,
  slug = "kafka-streams",
  title = "Kafka Streams: word count, a KTable join, state restored from the changelog",
  mirrors = "Kafka Streams WordCountDemo and the course's streams exercise (filter, count, join with the topic word)",
  cluster = { brokers = 3, seed = 42 },
  variant = function(k) return { params = { lines = 60 + 12 * k } } end,
  setup = function(c, params)
    assert(c:create_topic(INPUT, { partitions = 2, replication_factor = 3 }))
    local p = c:producer{}
    for i = 0, (params.lines or 60) - 1 do
      local line = "value" .. (i % 12)
      if i % 5 == 4 then line = "please filter " .. line end
      p:send(INPUT, { value = line }, function() end)
    end
    p:flush()
  end,
  intro = [[
Kafka Streams turns topics into streams (every record an event) and tables (the latest value per
key). A topology is built with a StreamsBuilder and runs as a consumer group named by
application.id; its state stores are logged to compacted changelog topics, so a restarted
application restores them. See help("streams").

The topic streams-input (2 partitions) holds lines such as "value3" or "please filter value9".]],
  steps = {
    {
      id = "count",
      title = "Count the words, without the lines that contain \"filter\"",
      points = 4,
      text = [[
  b = klab.streams_builder()
  counts = b:stream("streams-input")
    :filter_not(function(k, v) return v:find("filter") end)
    :flat_map_values(function(k, v) local w = {} for x in v:gmatch("%S+") do w[#w+1] = x end return w end)
    :group_by(function(k, word) return word end)
    :count("word-counts")
  counts:to_stream():to("word-count-output")
  print(b:describe())
Keep the builder: the next step adds a join to it before the application starts.
Once it runs (next step), report the store: lab.answer("counts", app:store("word-counts"))]],
      hints = {
        "filter_not drops the records for which the function returns a true value (v:find gives nil or a number).",
        "group_by changes the key: Kafka Streams repartitions through wordcount-word-counts-repartition "
          .. "(describe() shows its nodes word-counts-repartition-filter, -sink and -source).",
        "Counts are Kafka's Long serde (8 bytes, big-endian): app:store() gives integers, a joiner their text.",
      },
      check = function(ctx)
        local expected = expected_counts(ctx)
        local changelog = latest_values(ctx, APP .. "-" .. STORE .. "-changelog")
        if not changelog then return false, "no changelog topic " .. APP .. "-" .. STORE .. "-changelog: run the application with application.id wordcount and a count named word-counts" end
        for word, n in pairs(expected) do
          if as_long(changelog[word]) ~= n then return false, "the count of " .. word .. " in the changelog is not " .. n end
        end
        for word in pairs(changelog) do
          if not expected[word] then return false, "'" .. word .. "' was counted: lines with \"filter\" must be left out" end
        end
        local reported = ctx.need("counts", "table")
        for word, n in pairs(expected) do
          if tostring(reported[word]) ~= tostring(n) then return false, "counts." .. word .. " is not what the store holds" end
        end
        return true
      end,
    },
    {
      id = "join",
      title = "Join the counts with the stream of the topic word",
      points = 3,
      text = [[
Create the topic word with as many partitions as streams-input (a join needs co-partitioned
topics), join a stream of it with the counts table, and start the application:
  cluster:create_topic("word", { partitions = 2, replication_factor = 3 })
  cluster:create_topic("word-joined", { partitions = 2, replication_factor = 3 })
  b:stream("word")
    :join(counts, function(value, count) return "(" .. count .. ", " .. value .. ")" end)
    :peek(function(k, v) print(k, v) end)
    :to("word-joined")
  app = cluster:streams(b, { ["application.id"] = "wordcount" })
  assert(app:start())
  cluster:advance(5000)
  p = cluster:producer{}
  p:send("word", { key = "value10", value = "active" })
  cluster:advance(5000)         --> value10  (6, active)   (the count depends on the input)
Report the joined value: lab.answer("joined", "(6, active)")]],
      hints = {
        "The stream's key (value10) is looked up in the table; the joiner gets (stream value, table value).",
        "Nothing happens until simulated time runs: cluster:advance(ms).",
      },
      check = function(ctx)
        local expected = expected_counts(ctx)
        local joined = latest_values(ctx, "word-joined")
        if not joined then return false, "no topic word-joined: write the joined stream to it with :to(\"word-joined\")" end
        local want = "(" .. (expected.value10 or 0) .. ", active)"
        if joined.value10 ~= want then return false, "word-joined should hold value10 = " .. want .. " after sending value10 = active to word" end
        if ctx.need("joined", "string") ~= want then return false, "joined: report the value the join produced" end
        return true
      end,
    },
    {
      id = "restore",
      title = "Stop, restart, and watch the counts come back from the changelog",
      points = 3,
      text = [[
  app:close()
  app2 = cluster:streams(b, { ["application.id"] = "wordcount" })
  assert(app2:start())
  cluster:advance(5000)     -- prints: Finished restoring changelog ... with a total number of N records
Add up N over the restore lines of app2:log() and report it, with the restored count of value10:
  lab.answer("restored", total)
  lab.answer("value10", app2:store("word-counts")["value10"])]],
      hints = {
        "Each task restores its own changelog partition: there is one line per partition.",
        "line:match(\"total number of (%d+) records\") finds N in a line.",
      },
      check = function(ctx)
        local changelog = APP .. "-" .. STORE .. "-changelog"
        local described = ctx.cluster:describe_topic(changelog)
        if not described then return false, "no changelog topic: run the application first" end
        local total = 0
        for _, partition in ipairs(described.partitions) do total = total + partition.high_watermark end
        if ctx.need("restored", "number") ~= total then
          return false, "restored: the restore lines of the restarted application add up to the changelog's records"
        end
        if tostring(ctx.need("value10")) ~= tostring(expected_counts(ctx).value10) then
          return false, "value10: the restarted application's store should hold the same count as before"
        end
        return true
      end,
    },
  },
}
