-- A plausible wrong attempt at lab 16: it "fixes" the slow producer with a bigger batch.size but
-- keeps flushing after every record (so nothing batches), trusts folklore that gzip is always the
-- smallest, and believes the broker must decompress everything.
local function value(i) return string.format('{"order_id":%d,"customer":"c-%d","status":"CREATED"}', i, i % 40) end
assert(cluster:create_topic("slow", { partitions = 1 }))
assert(cluster:create_topic("fast", { partitions = 1 }))
local p = cluster:producer{}
local t0 = cluster:now()
for i = 1, 1000 do p:send("slow", value(i), function() end); p:flush() end
lab.answer("slow_ms", cluster:now() - t0)
local fast = cluster:producer{ ["batch.size"] = 65536 }
t0 = cluster:now()
for i = 1, 1000 do fast:send("fast", value(i), function() end); fast:flush() end
lab.answer("fast_ms", cluster:now() - t0)
lab.answer("records_per_request", fast:metrics()["records-per-request-avg"])
for _, codec in ipairs({ "gzip", "snappy", "lz4", "zstd" }) do
  assert(cluster:create_topic("orders-" .. codec, { partitions = 1 }))
  local producer = cluster:producer{ ["compression.type"] = codec, ["linger.ms"] = 20 }
  for i = 1, 1000 do producer:send("orders-" .. codec, value(i), function() end) end
  producer:flush()
end
lab.answer("smallest", "gzip")
lab.answer("downsides", "abc")
lab.answer("retained_bytes", 4000)
