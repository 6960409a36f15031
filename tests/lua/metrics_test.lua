-- The Lua surface of metrics: c:metrics() (flat, unchanged), c:metrics{...} (every sample),
-- c:metrics_text() (Prometheus, parsed here line by line), p:metrics(), and bad input.
package.path = arg[0]:match("(.*/)") .. "?.lua;" .. package.path
local h = require("harness")
local test, eq, raises = h.test, h.eq, h.raises

local function workload()
  local c = klab.cluster{ brokers = 3 }
  assert(c:create_topic("t", { partitions = 2, replication_factor = 3 }))
  local p = c:producer{ ["client.id"] = "p1", ["linger.ms"] = 5 }
  for i = 1, 40 do assert(p:send("t", { partition = i % 2, value = string.rep("x", 50) }, function() end)) end
  p:flush()
  local k = c:consumer{ ["client.id"] = "k1", ["auto.offset.reset"] = "earliest", ["max.poll.records"] = 15 }
  k:assign{ { topic = "t", partition = 0 }, { topic = "t", partition = 1 } }
  k:poll(0)  -- 15 records of partition 0 (max.poll.records)
  k:poll(0)  -- the next pass starts at partition 1: 15 of its records
  return c, p, k
end

-- Prometheus text exposition: "# HELP name text", "# TYPE name counter|gauge", then
-- name{label="value",...} number. Returns { [name] = { type=, samples = { {labels=, value=} } } }.
local function parse_prometheus(text)
  local families, current = {}, nil
  for line in text:gmatch("([^\n]*)\n") do
    local kind, name, rest = line:match("^# (%u+) ([%a_:][%w_:]*) (.*)$")
    if kind == "HELP" then
      assert(not families[name], "a second HELP for " .. name)
      families[name] = { samples = {} }
      current = name
    elseif kind == "TYPE" then
      assert(name == current, "TYPE without its HELP: " .. line)
      assert(rest == "counter" or rest == "gauge", "bad type: " .. line)
      families[name].type = rest
    elseif not line:match("^#") then
      local sample_name, labels_text, value = line:match("^([%a_:][%w_:]*){(.*)} (%S+)$")
      if not sample_name then sample_name, value = line:match("^([%a_:][%w_:]*) (%S+)$") end
      assert(sample_name == current, "a sample outside its family: " .. line)
      local labels = {}
      for label, quoted in (labels_text or ""):gmatch('([%a_][%w_]*)="(.-[^\\]?)"') do labels[label] = quoted end
      local number = value == "NaN" and 0 / 0 or tonumber(value)
      assert(number, "not a number: " .. line)
      table.insert(families[current].samples, { labels = labels, value = number })
    end
  end
  return families
end

local function value_of(family, labels)
  for _, sample in ipairs(family.samples) do
    local match = true
    for k, v in pairs(labels) do if sample.labels[k] ~= v then match = false end end
    if match then return sample.value end
  end
end

test("the flat c:metrics() keeps its names and counts", function()
  local c, p, k = workload()  -- the clients publish while they live: keep them
  local m = c:metrics()
  eq(m.ActiveControllerCount, 1, "one controller")
  eq(m.UnderReplicatedPartitions, 0, "fully replicated")
  eq(math.type(m.IsrShrinksPerSec), "integer", "a count")
end)

test("c:metrics{ all = true } lists every sample with group, name, tags and value", function()
  local c, p, k = workload()  -- the clients publish while they live: keep them
  local samples = c:metrics{ all = true }
  local seen = {}
  for _, s in ipairs(samples) do
    assert(type(s.group) == "string" and type(s.name) == "string" and type(s.tags) == "table")
    assert(type(s.value) == "number")
    seen[s.group .. " " .. s.name] = true
  end
  for _, key in ipairs({ "kafka.server:type=BrokerTopicMetrics BytesInPerSec",
                         "kafka.server:type=BrokerTopicMetrics MessagesInPerSec.OneMinuteRate",
                         "kafka.server:type=ReplicaManager UnderReplicatedPartitions",
                         "kafka.controller:type=ControllerStats LeaderElectionRateAndTimeMs",
                         "kafka.network:type=RequestMetrics TotalTimeMs.99thPercentile",
                         "producer-metrics record-send-rate", "producer-topic-metrics byte-rate",
                         "consumer-fetch-manager-metrics records-lag-max" }) do
    assert(seen[key], "missing " .. key)
  end
  local lag = c:metrics{ name = "records-lag" }
  eq(#lag, 2, "one records-lag per assigned partition")
  for _, s in ipairs(lag) do
    eq(s.tags["client-id"], "k1", "client-id tag")
    eq(s.value, 5, "20 records, 15 consumed")
    eq(s.value, c:describe_topic("t").partitions[tonumber(s.tags.partition) + 1].high_watermark
                - k:position{ topic = "t", partition = tonumber(s.tags.partition) }, "high watermark - position")
  end
  local sent = c:metrics{ group = "producer-metrics", name = "record-send-total" }
  eq(#sent, 1, "one producer")
  eq(sent[1].value, 40, "records sent")
  assert(tostring(sent[1] and sent):find("record%-send%-total{client%-id=p1} 40"), "printed form")
end)

test("c:metrics_text() parses as Prometheus text with the JMX exporter's names", function()
  local c, p, k = workload()  -- the clients publish while they live: keep them
  local families = parse_prometheus(c:metrics_text())
  local messages = families.kafka_server_brokertopicmetrics_messagesin_total
  eq(messages.type, "counter", "a meter's Count is a counter")
  local total = 0
  for _, s in ipairs(messages.samples) do if s.labels.topic == "t" then total = total + s.value end end
  eq(total, 40, "messages in, over the leaders")
  eq(families.kafka_server_replicamanager_underreplicatedpartitions.type, "gauge", "a gauge")
  eq(value_of(families.kafka_producer_producer_metrics_record_send_total, { client_id = "p1" }), 40, "record-send-total")
  eq(value_of(families.kafka_consumer_consumer_fetch_manager_metrics_records_consumed_total, { client_id = "k1" }), 30,
     "records consumed")
  assert(families.kafka_network_requestmetrics_totaltimems, "TotalTimeMs quantiles")
  eq(value_of(families.kafka_controller_kafkacontroller_activecontrollercount, { broker = "1" }), 1, "controller")
end)

test("p:metrics() is the producer's producer-metrics, windowed", function()
  local c = klab.cluster{ brokers = 1 }
  assert(c:create_topic("t", { partitions = 1 }))
  local p = c:producer{ ["linger.ms"] = 0 }
  for _ = 1, 10 do assert(p:send("t", "v", function() end)) end
  p:flush()
  c:advance(5000 - c:now())
  local m = p:metrics()
  eq(m["record-send-total"], 10, "total")
  -- 10 records in the first 5 s: a rate over 5 s plus one whole 30 s window.
  assert(math.abs(m["record-send-rate"] - 10 / 35) < 1e-9, "record-send-rate " .. m["record-send-rate"])
  eq(m["record-retry-total"], 0, "no retries")
end)

test("k:metrics() is the consumer's fetch metrics; a closed consumer's metrics are removed", function()
  local c, p, k = workload()
  local m = k:metrics()
  eq(m["records-consumed-total"], 30, "records consumed")
  eq(m["records-lag-max"], 5, "20 records per partition, 15 read at each fetch")
  eq(m["fetch-total"], 2, "each poll read one partition: one fetch to its leader")
  k:close()
  eq(#c:metrics{ group = "consumer-fetch-manager-metrics" }, 0, "gone with close()")
  eq(#c:metrics{ group = "producer-metrics" } > 0, true, "the producer still publishes")
end)

test("bad input: wrong option types and unknown options", function()
  local c = klab.cluster{ brokers = 1 }
  raises(function() c:metrics{ everything = true } end, "unknown option 'everything'")
  raises(function() c:metrics{ all = "yes" } end, "'all' must be true or false")
  raises(function() c:metrics{ name = 5 } end, "'name' must be a string")
  raises(function() c:metrics{} end, "all = true")
  raises(function() c:metrics(42) end, "metrics")
  raises(function() c.metrics_text() end, "metrics_text")
  raises(function() c:producer{ ["metrics.num.samples"] = 0 } end, "metrics.num.samples")
  eq(#c:metrics{ name = "no-such-metric" }, 0, "nothing matches")
end)

h.finish()
