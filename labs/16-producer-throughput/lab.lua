-- Lab 16: producer throughput and disk. The two classic course exercises: "the app is slow and the
-- CPU idles" (flush() after every record; batching with linger.ms and batch.size) and "the disks fill
-- up" (compression, and retention as the other lever). The cluster's link has a latency and a
-- bandwidth, so every request costs simulated time; checks read the topics' stored bytes and
-- record counts, and compare the student's measurements with the cluster's own.
local CLUSTER = { brokers = 1, seed = 42, latency_ms = 2, bandwidth_mbps = 100 }
local RECORDS = 1000

local function stored(ctx, topic)
  local description = ctx.describe(topic)
  return description and description.size_bytes
end

local function record_count(ctx, topic)
  local description = ctx.describe(topic)
  if not description then return 0 end
  local total = 0
  for _, p in ipairs(description.partitions) do total = total + p.high_watermark - p.log_start_offset end
  return total
end

return {
  id = 16,
  slug = "producer-throughput",
  title = "Producer throughput and disk: batching, linger, compression",
  mirrors = "Course exercise \"Producer\" Q1 (the app is slow: flush() and batching) and Q2 (the disk is full: "
         .. "compression and retention); Kafka documentation of batch.size, linger.ms and compression.type",
  cluster = CLUSTER,
  intro = [[
Every produce request costs a round trip (2 ms each way here) plus its bytes over a 100 Mbit/s link.
A producer that calls flush() after every record pays that per record; one that lets batches fill
pays it per batch. Then compression shrinks what crosses the link and what the broker stores.
See help("throughput") and klab.compare_producers.]],
  steps = {
    {
      id = "slow",
      title = "The slow producer, and the fix",
      points = 3,
      text = [[
  cluster:create_topic("slow", { partitions = 1 })
  cluster:create_topic("fast", { partitions = 1 })
  value = function(i) return string.format('{"order_id":%d,"customer":"c-%d","status":"CREATED"}', i, i % 40) end
  p = cluster:producer{}
  t0 = cluster:now()
  for i = 1, 1000 do p:send("slow", value(i), function() end); p:flush() end
  lab.answer("slow_ms", cluster:now() - t0)
Now the same 1000 records into "fast" with a producer that batches: linger.ms and batch.size,
one flush() at the end. Report its simulated time and p:metrics()["records-per-request-avg"]:
  lab.answer("fast_ms", ...)   lab.answer("records_per_request", ...)]],
      hints = { "linger.ms = 20 and batch.size = 65536 let a request carry hundreds of records.",
                "Without a callback, p:send waits for its own acknowledgement: that is a flush per record too." },
      check = function(ctx)
        if record_count(ctx, "slow") < RECORDS or record_count(ctx, "fast") < RECORDS then
          return false, "both slow and fast need the 1000 records"
        end
        local slow, fast = ctx.need("slow_ms", "number"), ctx.need("fast_ms", "number")
        -- Per record: 4 ms of round trip + at least 1 ms on the wire.
        if slow < RECORDS * 5 then return false, "slow_ms: a flush per record costs at least 5 ms per record here" end
        if fast * 20 > slow then return false, "fast_ms: batching should be at least 20 times faster; batch more" end
        if ctx.need("records_per_request", "number") < 100 then
          return false, "records_per_request: fewer than 100 records per request; raise linger.ms and batch.size"
        end
        return true
      end,
    },
    {
      id = "codecs",
      title = "Compress text-like records with each codec",
      points = 3,
      text = [[
Create one topic per codec and send the same 1000 records with the batching producer and
["compression.type"] = "gzip", "snappy", "lz4", "zstd":
  cluster:create_topic("orders-gzip", { partitions = 1 })   -- and orders-snappy, orders-lz4, orders-zstd
Compare cluster:describe_topic(t).size_bytes with "fast" (uncompressed). Report the smallest:
  lab.answer("smallest", "zstd")     -- the codec whose topic takes the fewest bytes
klab.compare_producers{...} prints the same comparison with the CPU time each run took (measured
for real, so it varies between machines).]],
      hints = { "Fuller batches compress better: keep linger.ms and batch.size from step 1." },
      check = function(ctx)
        local plain = stored(ctx, "fast")
        if not plain then return false, "step 1's topic fast is missing" end
        local smallest, smallest_bytes
        for _, codec in ipairs({ "gzip", "snappy", "lz4", "zstd" }) do
          local topic = "orders-" .. codec
          if record_count(ctx, topic) < RECORDS then return false, topic .. " needs the 1000 records" end
          -- Bytes per stored record, so that step 4's retention on orders-zstd does not change the answer.
          local bytes = stored(ctx, topic) / record_count(ctx, topic)
          if bytes * 2 > plain / record_count(ctx, "fast") then
            return false, topic .. " is not compressed: set compression.type on its producer"
          end
          if not smallest_bytes or bytes < smallest_bytes then smallest, smallest_bytes = codec, bytes end
        end
        if ctx.need("smallest", "string") ~= smallest then return false, "smallest: compare the topics' size_bytes again" end
        return true
      end,
    },
    {
      id = "costs",
      title = "What compression and batching cost",
      points = 2,
      visibility = "after_due_date",
      text = [[
Which are real downsides? Answer with the letters, e.g. "ac".
  a) the producer spends CPU compressing and consumers spend CPU decompressing
  b) the broker must decompress every batch to store it, whatever compression.type says
  c) a record waits up to linger.ms before it is sent, so each record's latency grows
  d) compressed records can be read by consumers only in the order of their keys
  lab.answer("downsides", "?")]],
      check = function(ctx)
        local answer = ctx.answer("downsides")
        if type(answer) ~= "string" then return false, "answer downsides" end
        local letters = answer:lower():gsub("[^a-d]", "")
        local set = {}
        for letter in letters:gmatch(".") do set[letter] = true end
        if not (set.a and set.c) or set.b or set.d then
          return false, "downsides: with compression.type=producer the broker stores batches as sent; keys do not matter"
        end
        return true
      end,
    },
    {
      id = "retention",
      title = "Retention, the other lever on disk",
      points = 2,
      text = [[
Compression shrinks each record; retention bounds how long records stay. Cap orders-zstd:
  cluster:alter_topic_config("orders-zstd", { ["segment.bytes"] = 4000, ["retention.bytes"] = 8000 })
send 5000 more records to it (same producer, a flush() every 500 so segments fill one by one), let
a retention check run (cluster:advance(300000)), and report the topic's size_bytes:
  lab.answer("retained_bytes", n)]],
      hints = { "retention.bytes is per partition and deletes whole closed segments only." },
      check = function(ctx)
        local configs = ctx.cluster:describe_configs("orders-zstd")
        if not configs or configs["retention.bytes"].value ~= "8000" or configs["segment.bytes"].value ~= "4000" then
          return false, "orders-zstd needs segment.bytes = 4000 and retention.bytes = 8000"
        end
        if record_count(ctx, "orders-zstd") + ctx.partition("orders-zstd", 0).log_start_offset < 6000 then
          return false, "send the 5000 more records to orders-zstd"
        end
        local bytes = stored(ctx, "orders-zstd")
        if ctx.partition("orders-zstd", 0).log_start_offset == 0 or bytes > 8000 + 4000 then
          return false, "orders-zstd still holds " .. bytes .. " bytes: let a retention check run"
        end
        if ctx.need("retained_bytes", "number") ~= bytes then return false, "retained_bytes is not the topic's size_bytes" end
        return true
      end,
    },
  },
}
