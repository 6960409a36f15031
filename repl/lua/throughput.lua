-- klab.compare_producers: runs one workload under several producer configs, each on a fresh
-- cluster built from the same options (so runs do not disturb each other and stay reproducible),
-- and prints a comparison table. Simulated figures come from the cluster and p:metrics();
-- cpu_ms is the real CPU time of the run (klab._cpu_ms), which varies from machine to machine.
local M = {}

local function value_for(spec, i)
  if type(spec.value) == "function" then return spec.value(i) end
  return spec.value or string.format('{"id":%d,"status":"CREATED","note":"text-like record"}', i)
end

local function run_one(spec, run)
  local cluster = klab.cluster(spec.cluster or {})
  local topic = spec.topic or "bench"
  assert(cluster:create_topic(topic, { partitions = spec.partitions or 1, config = spec.topic_config }))
  local producer = cluster:producer(run.config or {})
  local records = spec.records or 1000
  local flush_every = run.flush_every
  local started, cpu_started = cluster:now(), klab._cpu_ms()
  for i = 1, records do
    local ok, err = producer:send(topic, { key = spec.keys and ("key-" .. (i % spec.keys)) or nil, value = value_for(spec, i) },
                                  function() end)
    if not ok then error("compare_producers: " .. tostring(err), 2) end
    if flush_every and i % flush_every == 0 then producer:flush() end
  end
  producer:flush()
  local elapsed_ms = cluster:now() - started
  local cpu_ms = klab._cpu_ms() - cpu_started
  local metrics = producer:metrics()
  return {
    name = run.name,
    records = records,
    elapsed_ms = elapsed_ms,
    records_per_sec = elapsed_ms > 0 and records * 1000 / elapsed_ms or math.huge,
    bytes_sent = math.floor(metrics["outgoing-byte-total"]),
    bytes_stored = cluster:describe_topic(topic).size_bytes,
    batch_size_avg = metrics["batch-size-avg"],
    compression_rate = metrics["compression-rate-avg"],
    requests = math.floor(metrics["request-total"]),
    cpu_ms = cpu_ms,
  }
end

local function format_table(rows)
  local lines = { string.format("%-18s %12s %10s %12s %12s %10s %9s %8s", "config", "records/s", "sim ms",
                                "bytes sent", "bytes stored", "avg batch", "ratio", "cpu ms") }
  for _, row in ipairs(rows) do
    lines[#lines + 1] = string.format("%-18s %12.0f %10d %12d %12d %10.0f %9.3f %8.1f", row.name, row.records_per_sec,
                                      row.elapsed_ms, row.bytes_sent, row.bytes_stored, row.batch_size_avg,
                                      row.compression_rate, row.cpu_ms)
  end
  return table.concat(lines, "\n")
end

-- spec = { cluster = {...klab.cluster options}, topic =, partitions =, topic_config =, records =,
--          value = string | function(i), keys = n, runs = { { name =, config = {...}, flush_every = n }, ... },
--          quiet = true to skip printing }  --> rows, text
function M.compare_producers(spec)
  if type(spec) ~= "table" or type(spec.runs) ~= "table" or #spec.runs == 0 then
    error("klab.compare_producers{ runs = { { name = ..., config = {...} }, ... }, records = n, ... }", 2)
  end
  local rows = {}
  for index, run in ipairs(spec.runs) do
    if type(run) ~= "table" then error("compare_producers: runs[" .. index .. "] must be a table", 2) end
    run.name = run.name or ("run " .. index)
    rows[#rows + 1] = run_one(spec, run)
  end
  local text = format_table(rows)
  if not spec.quiet then print(text) end
  return rows, text
end

return M
