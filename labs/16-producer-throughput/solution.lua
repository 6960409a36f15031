-- Reference solution of lab 16 (klab lab check 16 labs/16-producer-throughput/solution.lua).
local function value(i) return string.format('{"order_id":%d,"customer":"c-%d","status":"CREATED"}', i, i % 40) end
local batching = { ["linger.ms"] = 20, ["batch.size"] = 65536 }
local function with(extra)
  local config = {}
  for k, v in pairs(batching) do config[k] = v end
  for k, v in pairs(extra or {}) do config[k] = v end
  return config
end

assert(cluster:create_topic("slow", { partitions = 1 }))
assert(cluster:create_topic("fast", { partitions = 1 }))
local p = cluster:producer{}
local t0 = cluster:now()
for i = 1, 1000 do p:send("slow", value(i), function() end); p:flush() end
lab.answer("slow_ms", cluster:now() - t0)

local fast = cluster:producer(with())
t0 = cluster:now()
for i = 1, 1000 do fast:send("fast", value(i), function() end) end
fast:flush()
lab.answer("fast_ms", cluster:now() - t0)
lab.answer("records_per_request", fast:metrics()["records-per-request-avg"])

local smallest, smallest_bytes
local producers = {}
for _, codec in ipairs({ "gzip", "snappy", "lz4", "zstd" }) do
  local topic = "orders-" .. codec
  assert(cluster:create_topic(topic, { partitions = 1 }))
  producers[codec] = cluster:producer(with{ ["compression.type"] = codec })
  for i = 1, 1000 do producers[codec]:send(topic, value(i), function() end) end
  producers[codec]:flush()
  local bytes = cluster:describe_topic(topic).size_bytes
  print(topic, bytes, "bytes vs", cluster:describe_topic("fast").size_bytes, "uncompressed")
  if not smallest_bytes or bytes < smallest_bytes then smallest, smallest_bytes = codec, bytes end
end
lab.answer("smallest", smallest)
lab.answer("downsides", "ac")

assert(cluster:alter_topic_config("orders-zstd", { ["segment.bytes"] = 4000, ["retention.bytes"] = 8000 }))
for i = 1001, 6000 do
  producers.zstd:send("orders-zstd", value(i), function(_, err) assert(not err, tostring(err)) end)
  if i % 500 == 0 then producers.zstd:flush() end
end
cluster:advance(300000)
print(cluster:describe_topic("orders-zstd"))
lab.answer("retained_bytes", cluster:describe_topic("orders-zstd").size_bytes)
