-- The Lua surface of producer throughput: p:metrics(), compression.type, describe_topic size_bytes,
-- the bandwidth_mbps cluster option, klab.compare_producers, and what bad input gets.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises = h.test, h.eq, h.raises

test("p:metrics() has Kafka's producer-metrics names", function()
  local c = klab.cluster{ brokers = 1 }
  assert(c:create_topic("t", { partitions = 1 }))
  local p = c:producer{ ["linger.ms"] = 5 }
  for i = 1, 10 do assert(p:send("t", "v" .. i, function() end)) end
  p:flush()
  local m = p:metrics()
  eq(m["records-per-request-avg"], 10.0, "one request of ten")
  eq(m["compression-rate-avg"], 1.0, "uncompressed")
  eq(m["request-total"], 1.0, "requests")
  assert(m["batch-size-avg"] > 61 and m["outgoing-byte-rate"] > 0)
end)

test("a compressed topic stores fewer bytes, read back unchanged", function()
  local c = klab.cluster{ brokers = 1 }
  for _, codec in ipairs({ "none", "zstd" }) do
    assert(c:create_topic(codec, { partitions = 1 }))
    local p = c:producer{ ["compression.type"] = codec, ["linger.ms"] = 10 }
    for i = 1, 200 do assert(p:send(codec, { key = "k", value = string.rep("abc", 20) .. i }, function() end)) end
    p:flush()
  end
  assert(c:describe_topic("zstd").size_bytes * 4 < c:describe_topic("none").size_bytes)
  local k = c:consumer{ ["auto.offset.reset"] = "earliest" }
  k:assign{ { topic = "zstd", partition = 0 } }
  local records = k:poll(0)
  eq(#records, 200, "every record")
  eq(records[200].value, string.rep("abc", 20) .. 200, "the last value")
end)

test("compare_producers runs each config on a fresh cluster and reports the figures", function()
  local rows = klab.compare_producers{
    quiet = true, records = 300, cluster = { brokers = 1, latency_ms = 2, bandwidth_mbps = 100 },
    runs = { { name = "each", flush_every = 1 }, { name = "batched", config = { ["linger.ms"] = 20 } } },
  }
  eq(#rows, 2, "two rows")
  eq(rows[1].requests, 300, "one request per record")
  assert(rows[2].records_per_sec > 10 * rows[1].records_per_sec, "batching is faster")
  assert(rows[1].bytes_stored == rows[2].bytes_stored or rows[1].bytes_stored > rows[2].bytes_stored)
end)

test("bad input: unknown codec, negative batch.size, bad bandwidth", function()
  local c = klab.cluster{ brokers = 1 }
  raises(function() c:producer{ ["compression.type"] = "brotli" } end,
         "String must be one of: none, gzip, snappy, lz4, zstd")
  raises(function() c:producer{ ["batch.size"] = -1 } end, "Value must be at least 0")
  raises(function() klab.cluster{ bandwidth_mbps = -5 } end, "bandwidth_mbps")
  raises(function() klab.compare_producers{} end, "runs")
end)

h.finish()
