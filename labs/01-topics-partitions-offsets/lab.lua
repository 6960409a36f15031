-- Lab 01: topics, partitions and offsets. The first exercises of the Kafka beginners course
-- (ProducerDemo, ProducerDemoKeys, ConsumerDemo, kafka-topics --create/--describe), checked on the
-- cluster's state: every reported answer is compared with what the log holds.
local TOPIC = "first_topic"

local function keyed_ids()
  local keys = {}
  for i = 0, 9 do keys[#keys + 1] = "id_" .. i end
  return keys
end

-- partition -> true, for every partition holding a record with this key.
local function partitions_of_key(records, key)
  local partitions = {}
  for _, record in ipairs(records) do
    if record.key == key then partitions[record.partition] = true end
  end
  return partitions
end

return {
  id = 1,
  slug = "topics-partitions-offsets",
  title = "Topics, partitions and offsets",
  mirrors = "Stéphane Maarek's kafka-beginners-course (simplesteph / conduktor): kafka-topics --create and "
         .. "--describe, ProducerDemo, ProducerDemoKeys, ConsumerDemo",
  cluster = { brokers = 3, seed = 42 },
  intro = [[
A topic is a named stream of records. Kafka splits it into partitions: each partition is an
ordered, append-only log on one broker (its leader). A record's offset is its position in ITS
partition's log: 0, 1, 2, ... counted separately in every partition.

In this lab you create a topic, write to it with and without keys, watch the offsets grow, read
everything back from the beginning and describe the topic, as in the first exercises of the
Kafka beginners course. Some steps ask you to report what you saw with lab.answer(name, value);
lab.check() compares your answers with the cluster itself.]],
  steps = {
    {
      id = "create",
      title = "Create first_topic with 3 partitions",
      points = 2,
      text = [[
The course starts with:
  kafka-topics --bootstrap-server localhost:9092 --create --topic first_topic --partitions 3
In klab the admin calls are methods of the cluster:
  cluster:create_topic("first_topic", { partitions = 3 })
Three partitions mean three independent logs: three brokers can serve the topic in parallel.
(The name warning Kafka prints about '_' and '.' is normal.)]],
      hints = {
        'cluster:create_topic("first_topic", { partitions = 3 }) returns true, or nil and an error.',
        "Created it with the wrong count? cluster:delete_topic(\"first_topic\") and create it again.",
      },
      check = function(ctx)
        local description = ctx.describe(TOPIC)
        if not description then return false, "there is no topic first_topic yet" end
        if description.partition_count ~= 3 then
          return false, string.format("first_topic has %d partition(s), not 3", description.partition_count)
        end
        return true
      end,
    },
    {
      id = "hello",
      title = "Send \"hello world\" without a key (ProducerDemo)",
      points = 1,
      text = [[
ProducerDemo sends one record, the value "hello world", with no key:
  p = cluster:producer{}
  md = p:send("first_topic", "hello world")      -- a plain string is a value without a key
  print(md.topic, md.partition, md.offset)
p:send without a callback waits for the broker's answer and returns the record's metadata: the
partition it went to and the offset it got there.]],
      hints = {
        'p:send("first_topic", { value = "hello world" }) is the same as p:send("first_topic", "hello world").',
      },
      check = function(ctx)
        local records = ctx.records(TOPIC)
        for _, record in ipairs(records) do
          if record.value == "hello world" and record.key == nil then return true end
        end
        for _, record in ipairs(records) do
          if record.value == "hello world" then return false, '"hello world" was sent with a key; send it without one' end
        end
        return false, 'no record with the value "hello world" in first_topic'
      end,
    },
    {
      id = "keys",
      title = "Send keys id_0 .. id_9 (ProducerDemoKeys)",
      points = 2,
      text = [[
ProducerDemoKeys sends ten records with keys id_0 .. id_9. With a key, the producer does not
choose freely: the partition is toPositive(murmur2(key)) % number_of_partitions, so the same key
always lands in the same partition, from any producer, in any run.
  for i = 0, 9 do
    local md = p:send("first_topic", { key = "id_" .. i, value = "hello " .. i })
    print("id_" .. i, "->", md.partition)
  end
Report the partition of each key, as the course's comments do:
  lab.answer("key_partitions", { id_0 = 1, id_1 = ..., ..., id_9 = ... })
klab.partition_for("id_0", 3) computes the same answer without sending anything.]],
      hints = {
        "Collect md.partition in a table as you send: parts[\"id_\" .. i] = md.partition; then lab.answer(\"key_partitions\", parts).",
        "Do not set record.partition: the point is to see where the default partitioner puts each key.",
      },
      check = function(ctx)
        local records = ctx.records(TOPIC)
        local reported = ctx.need("key_partitions", "table")
        local used = {}
        for _, key in ipairs(keyed_ids()) do
          local partitions = partitions_of_key(records, key)
          if next(partitions) == nil then return false, "no record with key " .. key .. " in first_topic" end
          if not partitions[klab.partition_for(key, ctx.topic(TOPIC).partition_count)] then
            return false, key .. " is not where the default partitioner puts it: did you set record.partition?"
          end
          if not partitions[reported[key]] then
            return false, string.format("you reported %s -> %s, but its records are not in that partition", key,
                                        ctx.show(reported[key]))
          end
          for partition in pairs(partitions) do used[partition] = true end
        end
        for partition = 0, 2 do
          if not used[partition] then return false, "partition " .. partition .. " received none of the keys id_0 .. id_9" end
        end
        return true
      end,
    },
    {
      id = "offsets",
      title = "Read the log end offset of every partition",
      points = 2,
      text = [[
Each partition numbers its records from 0 on its own: partition 0 has offsets 0, 1, 2, ...
and so has partition 2. An offset therefore means nothing without its partition, and Kafka only
orders records inside one partition: id_1 (partition 0) and id_2 (partition 2) have no order
between them.
The log end offset of a partition is the offset its next record will get, i.e. how many records
it has received. Find it with cluster:describe_topic("first_topic") (see partitions[i].log_end_offset)
and report all three:
  lab.answer("offsets", { p0 = ..., p1 = ..., p2 = ... })]],
      hints = {
        'd = cluster:describe_topic("first_topic"); for _, p in ipairs(d.partitions) do print(p.partition, p.log_end_offset) end',
        "partitions[1] is partition 0: Lua lists start at 1, Kafka partitions at 0.",
      },
      check = function(ctx)
        local description = ctx.topic(TOPIC)
        local reported = ctx.need("offsets", "table")
        for _, info in ipairs(description.partitions) do
          local name = "p" .. info.partition
          if reported[name] ~= info.log_end_offset then
            return false, string.format("offsets.%s is %s, but partition %d's log end offset is not that",
                                        name, ctx.show(reported[name]), info.partition)
          end
        end
        if description.partitions[1].log_end_offset == 0 then return false, "partition 0 is still empty" end
        return true
      end,
    },
    {
      id = "consume",
      title = "Consume everything from the beginning (ConsumerDemo)",
      points = 2,
      text = [[
A consumer reads a partition from a position (an offset) and moves forward. ConsumerDemo starts
from the earliest offset. Without a consumer group, choose the partitions yourself and seek:
  k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
  k:assign(k:partitions_for("first_topic"))
  k:seek_to_beginning()
  repeat
    local records = k:poll(100)
    for _, r in ipairs(records) do print(r.partition, r.offset, r.key, r.value) end
  until #records == 0
Watch the output: offsets rise inside each partition, but partitions interleave. Count the
records you read and report the count:
  lab.answer("records_read", n)]],
      hints = {
        "One poll returns what is ready; keep polling until a poll returns no records.",
        "n = n + #records inside the loop; report n after it.",
      },
      check = function(ctx)
        local records = ctx.records(TOPIC)
        local read = ctx.need("records_read", "number")
        if #records == 0 then return false, "first_topic is empty" end
        if read ~= #records then
          return false, string.format("you read %s records, but first_topic holds a different number: did you "
                                      .. "seek_to_beginning on every partition and poll until nothing came back?", ctx.show(read))
        end
        return true
      end,
    },
    {
      id = "describe",
      title = "Describe the topic: who leads partition 0?",
      points = 1,
      visibility = "after_due_date",
      text = [[
kafka-topics --describe --topic first_topic prints one line per partition: its Leader (the
broker that takes reads and writes), Replicas (the brokers holding a copy) and Isr (the replicas
in sync with the leader). In klab:
  print(cluster:describe_topic("first_topic"))
Report the broker id that leads partition 0:
  lab.answer("leader_p0", broker_id)]],
      hints = { "The line with Partition: 0 shows Leader: N; describe_topic(...).partitions[1].leader holds the same number." },
      check = function(ctx)
        local info = ctx.partition(TOPIC, 0)
        if not info then return false, "first_topic has no partition 0" end
        local reported = ctx.need("leader_p0", "number")
        if reported ~= info.leader then
          return false, "broker " .. ctx.show(reported) .. " does not lead partition 0 of first_topic"
        end
        return true
      end,
    },
  },
}
