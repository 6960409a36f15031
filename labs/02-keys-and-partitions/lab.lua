-- Lab 02: keys and partitions. The Kafka UI part of polomarcus/tp (tp-docker-kafka): mytopic with 5
-- partitions, 10 records without a key, 10 with the key "my key", then two what-ifs (more partitions, a
-- skewed key) and the course's questions. Reported answers are compared with what the log holds.
local TOPIC, SKEW_TOPIC, KEY = "mytopic", "clicks", "my key"

-- partition -> number of records, for the records of `topic` whose key is `key` (nil: without a key).
local function partitions_holding(ctx, topic, key)
  local counts = {}
  for _, record in ipairs(ctx.records(topic)) do
    if record.key == key then counts[record.partition] = (counts[record.partition] or 0) + 1 end
  end
  return counts
end

local function sorted_copy(list)
  local copy = {}
  for i, value in ipairs(list) do copy[i] = value end
  table.sort(copy, function(a, b) return tostring(a) < tostring(b) end)
  return copy
end

local function same_items(a, b)
  a, b = sorted_copy(a), sorted_copy(b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

return {
  id = 2,
  slug = "keys-and-partitions",
  title = "Keys and partitions",
  mirrors = "polomarcus/tp, data-engineering/tp-docker-kafka (Kafka UI part): mytopic with 5 partitions, "
         .. "10 messages without a key, 10 with key \"my key\", when to use keys and the risks",
  cluster = { brokers = 3, seed = 42 },
  intro = [[
A producer decides which partition each record goes to. With a key, Kafka's default partitioner
hashes it: toPositive(murmur2(key)) % number_of_partitions, so one key always lands in one
partition and its records stay in order. Without a key, the producer sends records in batches
and sticks to one partition until about batch.size (16384) bytes went there, then picks another:
few large requests instead of many small ones.

You will see both, then change the partition count and skew the keys to find the risks.]],
  steps = {
    {
      id = "create",
      title = "Create mytopic with 5 partitions and look at its ISR",
      points = 1,
      text = [[
Create mytopic with 5 partitions, each copied on all 3 brokers:
  cluster:create_topic("mytopic", { partitions = 5, replication_factor = 3 })
  print(cluster:describe_topic("mytopic"))
Replicas lists the brokers holding a copy of a partition; Isr (in-sync replicas) the ones that are
up to date with the leader. Report the ISR of partition 0 as a list of broker ids:
  lab.answer("isr_p0", { ... })]],
      hints = { 'cluster:describe_topic("mytopic").partitions[1].isr is the ISR of partition 0.' },
      check = function(ctx)
        local description = ctx.topic(TOPIC)
        local count = description.partition_count
        if description.replication_factor ~= 3 then
          return false, string.format("mytopic has replication factor %d, not 3", description.replication_factor)
        end
        -- 6 is fine after the grow step, if mytopic had 5 partitions when "my key" was sent.
        local grown = count == 6 and partitions_holding(ctx, TOPIC, KEY)[klab.partition_for(KEY, 5)]
        if count == 6 and not grown then
          return false, "mytopic has 6 partitions, but no \"my key\" records from when it had 5 (step 3)"
        elseif count ~= 5 and not grown then
          return false, string.format("mytopic has %d partition(s), not 5", count)
        end
        local isr = ctx.need("isr_p0", "table")
        if not same_items(isr, ctx.partition(TOPIC, 0).isr) then
          return false, "isr_p0 = " .. ctx.show(isr) .. " is not the ISR of partition 0"
        end
        return true
      end,
    },
    {
      id = "unkeyed",
      title = "10 messages without a key: where did they go?",
      points = 2,
      text = [[
Send 10 messages without a key from one producer, and note the partition of each:
  p = cluster:producer{}
  for i = 1, 10 do print(p:send("mytopic", "message " .. i).partition) end
Report the 10 partitions, in the order you sent the records:
  lab.answer("unkeyed_partitions", { ... })
Then answer why they landed there, with a letter:
  a) the partitioner hashes the value instead of the key
  b) without a key the producer sticks to one partition until about batch.size bytes went there
  c) round robin: each record goes to the next partition
  d) the broker that is least busy takes them
  lab.answer("unkeyed_why", "?")]],
      hints = {
        "md.partition of each send is where the record went; collect them in a list.",
        "10 small records are far fewer than 16384 bytes: the sticky partitioner has no reason to switch.",
      },
      check = function(ctx)
        local log_partitions = {}
        for _, record in ipairs(ctx.records(TOPIC)) do
          if record.key == nil then log_partitions[#log_partitions + 1] = record.partition end
        end
        if #log_partitions < 10 then
          return false, string.format("mytopic holds %d record(s) without a key, not 10", #log_partitions)
        end
        local reported = ctx.need("unkeyed_partitions", "table")
        if not same_items(reported, log_partitions) then
          return false, "your list does not match the partitions the log holds these records in"
        end
        local distinct = 0
        for _ in pairs(partitions_holding(ctx, TOPIC, nil)) do distinct = distinct + 1 end
        if distinct > 1 then
          return false, "the records went to several partitions: send them from one producer, without "
                     .. "partition= or a partitioner.class, and without pauses"
        end
        if ctx.choice("unkeyed_why") ~= "b" then return false, "unkeyed_why: not that one (see the second hint)" end
        return true
      end,
    },
    {
      id = "keyed",
      title = "10 messages with the key \"my key\"",
      points = 2,
      text = [[
Now send 10 messages with the same key:
  for i = 1, 10 do print(p:send("mytopic", { key = "my key", value = "message " .. i }).partition) end
All 10 go to one partition, with offsets in the order you sent them: that is what a key is for.
Which partition? Report it, and compare with the partitioner's arithmetic, klab.partition_for("my key", 5):
  lab.answer("my_key_partition", n)]],
      hints = { "Every send returns the same md.partition; a real cluster would give the same number." },
      check = function(ctx)
        local expected = klab.partition_for(KEY, 5)
        local counts = partitions_holding(ctx, TOPIC, KEY)
        if (counts[expected] or 0) < 10 then
          return false, string.format("partition %d holds %d record(s) with the key \"my key\", not 10 (did the "
                                      .. "key go into the value?)", expected, counts[expected] or 0)
        end
        local reported = ctx.need("my_key_partition", "number")
        if reported ~= expected then return false, "the records with \"my key\" are not in partition " .. ctx.show(reported) end
        return true
      end,
    },
    {
      id = "grow",
      title = "What if: 6 partitions — where does \"my key\" go now?",
      points = 2,
      text = [[
Traffic grows and you add a partition (kafka-topics --alter --partitions 6):
  cluster:create_partitions("mytopic", 6)
Send "my key" once more and report its partition now:
  lab.answer("my_key_partition_after", p:send("mytopic", { key = "my key", value = "after" }).partition)
The hash did not change, but "% 6" is not "% 5": the key moved. Its old records stay where they
were, so a consumer can now read new records of "my key" before old ones. That is why
kafka-topics warns that adding partitions changes the partitioning of keyed data.]],
      hints = { 'klab.partition_for("my key", 6) predicts the answer; your send should agree.' },
      check = function(ctx)
        local description = ctx.topic(TOPIC)
        if description.partition_count ~= 6 then
          return false, string.format("mytopic has %d partitions, not 6", description.partition_count)
        end
        local moved_to = klab.partition_for(KEY, 6)
        if not partitions_holding(ctx, TOPIC, KEY)[moved_to] then
          return false, "no record with \"my key\" was sent after the topic grew"
        end
        local reported = ctx.need("my_key_partition_after", "number")
        if reported ~= moved_to then return false, "\"my key\" does not go to partition " .. ctx.show(reported) .. " now" end
        return true
      end,
    },
    {
      id = "skew",
      title = "What if: one key sends most of the traffic",
      points = 2,
      text = [[
Create clicks with 5 partitions. Send 100 records: 80 with the key "user-1" (a very active
user) and one each with the keys "user-2" .. "user-21". Count the records per partition
(read them back, or use describe_topic's log_end_offset) and report:
  lab.answer("clicks_counts", { p0 = ..., p1 = ..., p2 = ..., p3 = ..., p4 = ... })
One partition gets most of the data, and so does the one consumer that reads it: adding
partitions or consumers does not help, because one key never splits.]],
      hints = {
        'for i = 1, 80 do p:send("clicks", { key = "user-1", value = "click" }) end',
        'for i = 2, 21 do p:send("clicks", { key = "user-" .. i, value = "click" }) end',
      },
      check = function(ctx)
        local description = ctx.topic(SKEW_TOPIC)
        if description.partition_count ~= 5 then return false, "clicks should have 5 partitions" end
        local hot = partitions_holding(ctx, SKEW_TOPIC, "user-1")[klab.partition_for("user-1", 5)] or 0
        if #ctx.records(SKEW_TOPIC) ~= 100 or hot ~= 80 then
          return false, string.format("clicks holds %d records, %d of them with key user-1 (want 100 and 80)",
                                      #ctx.records(SKEW_TOPIC), hot)
        end
        local reported, counts = ctx.need("clicks_counts", "table"), ctx.counts(SKEW_TOPIC)
        for name, count in pairs(counts) do
          if reported[name] ~= count then
            return false, "clicks_counts." .. name .. " = " .. ctx.show(reported[name]) .. " does not match the log"
          end
        end
        return true
      end,
    },
    {
      id = "questions",
      title = "When to use a key, and the risk",
      points = 1,
      visibility = "after_due_date",
      text = [[
When should you give records a key?
  a) always: keyed records are sent faster
  b) when records about the same thing (one customer, one device) must stay in order, or be together
  c) never on a topic with more than one partition
  d) when you want records spread evenly over the partitions
  lab.answer("use_key_when", "?")
What is the risk of keys?
  a) keyed records are lost when a broker fails
  b) a key makes a record bigger than batch.size
  c) a hot key or skewed keys overload one partition (and its consumer), and adding partitions moves keys
  d) consumers cannot read keyed records from the beginning
  lab.answer("key_risk", "?")]],
      hints = { "Think back on the two what-ifs you just ran." },
      check = function(ctx)
        local wrong = {}
        if ctx.choice("use_key_when") ~= "b" then wrong[#wrong + 1] = "use_key_when" end
        if ctx.choice("key_risk") ~= "c" then wrong[#wrong + 1] = "key_risk" end
        if #wrong > 0 then return false, "not yet right: " .. table.concat(wrong, ", ") end
        return true
      end,
    },
  },
}
