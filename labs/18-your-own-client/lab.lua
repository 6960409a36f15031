-- Lab 18: your own client against the class cluster. The course's ProducerDemoKeys and ConsumerDemo
-- (conduktor/kafka-beginners-course), as Java, kafka-python (tests/serve/seed_course/) or kcat, run
-- against `klab serve`: real clients over TCP instead of klab's Lua ones. A serve lab (`serve` below):
-- it is checked on the served cluster, by lab.check() in the serve REPL or by
-- `klab lab check 18 --run CMD` (repl/serve/lab_check_command.cpp), never from a Lua script.
-- The checks read only the cluster's state: which records first_topic holds and on which partition,
-- and the offsets my-fourth-application committed. What a client printed proves nothing.
local TOPIC, GROUP, PARTITIONS = "first_topic", "my-fourth-application", 3
local KEYS = {}
for i = 0, 9 do KEYS[#KEYS + 1] = "id_" .. i end

return {
  id = 18,
  slug = "your-own-client",
  title = "Your own client against the class cluster",
  mirrors = "conduktor/kafka-beginners-course ProducerDemoKeys and ConsumerDemo (group my-fourth-application), "
         .. "run unchanged against klab serve; kcat -P -K: and kcat -G",
  cluster = { brokers = 3, seed = 42 },
  -- Options of the cluster `klab lab check 18 --run CMD` serves: topics a client names are created
  -- with 3 partitions, as `klab serve --partitions 3` does.
  serve = { partitions = PARTITIONS },
  intro = [[
Until now klab's own Lua clients did the work. Here real Kafka clients do: the course's
ProducerDemoKeys and ConsumerDemo (Java, or the kafka-python versions in tests/serve/seed_course/),
or kcat, talk Kafka's wire protocol to `klab serve` as to any cluster. Start it in a terminal:
  klab serve --partitions 3          (scripts/klab serve --partitions 3 from a checkout)
and begin the lab at its prompt, on the served cluster:
  lab.start(18)
In another terminal the brokers are 127.0.0.1:9092, 9093 and 9094:
  export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
The checks read the cluster, not your client's printout: which records first_topic holds and on
which partition, and which offsets the group committed. Meanwhile the REPL still works on it:
print(cluster:connections()) lists your clients, cluster:stop_broker(2) is a real outage for them.]],
  steps = {
    {
      id = "topic",
      title = "first_topic with 3 partitions",
      points = 2,
      text = [[
Create first_topic with 3 partitions, in the REPL or with Kafka's own tool:
  cluster:create_topic("first_topic", { partitions = 3, replication_factor = 3 })
  kafka-topics.sh --bootstrap-server 127.0.0.1:9092 --create --topic first_topic --partitions 3 --replication-factor 3
Or let the producer create it: a topic a client names that does not exist is auto-created with
num.partitions partitions, 3 under `klab serve --partitions 3` (1 without it), and
default.replication.factor (1) replicas, so stopping its leader's broker takes a partition offline.
  print(cluster:describe_topic("first_topic"))]],
      hints = {
        "An auto-created topic with 1 partition cannot hold this lab: cluster:delete_topic(\"first_topic\") and create it again.",
      },
      check = function(ctx)
        local count = #ctx.topic(TOPIC).partitions
        if count ~= PARTITIONS then
          return false, string.format("first_topic has %d partition%s, not 3: start klab serve --partitions 3 or create it first",
                                      count, count == 1 and "" or "s")
        end
        return true
      end,
    },
    {
      id = "keys",
      title = "ProducerDemoKeys: keys id_0 .. id_9 where Kafka puts them",
      points = 4,
      text = [[
Run the course's ProducerDemoKeys: ten records, keys id_0 .. id_9, values "hello world N":
  python3 producer_demo_keys.py
or with kcat, one key:value per line:
  for i in 0 1 2 3 4 5 6 7 8 9; do echo "id_$i:hello world $i"; done |
    kcat -b $KAFKA_BOOTSTRAP_SERVERS -P -t first_topic -K: -X topic.partitioner=murmur2_random
Kafka's default partitioner hashes the key with murmur2, so each key has one partition whatever
client sends it: klab.partition_for("id_0", 3) says which. See where they went:
  print(cluster:describe_topic("first_topic"))]],
      hints = {
        "kcat (librdkafka) hashes keys with CRC32 by default (consistent_random): -X topic.partitioner=murmur2_random makes it agree with Java's clients.",
        "A record sent without a key is spread over the partitions: kcat needs -K: to split key and value.",
      },
      check = function(ctx)
        local partitions = #ctx.topic(TOPIC).partitions
        local where, unkeyed = {}, 0
        for _, record in ipairs(ctx.records(TOPIC)) do
          if record.key == nil then unkeyed = unkeyed + 1
          else where[record.key] = where[record.key] or {}; where[record.key][record.partition] = true end
        end
        for _, key in ipairs(KEYS) do
          local expected = klab.partition_for(key, partitions)
          if not where[key] then
            return false, string.format("no record with key %s in first_topic%s", key,
                                        unkeyed > 0 and string.format(" (%d records have no key)", unkeyed) or "")
          end
          for partition in pairs(where[key]) do
            if partition ~= expected then
              return false, string.format("key %s is on partition %d; Kafka's default partitioner (murmur2) puts it on %d",
                                          key, partition, expected)
            end
          end
        end
        return true
      end,
    },
    {
      id = "group",
      title = "ConsumerDemo: my-fourth-application committed every partition's end",
      points = 4,
      text = [[
Run the course's ConsumerDemo: group my-fourth-application, auto.offset.reset=earliest. Once it
printed the ten records, stop it with Ctrl-C: closing the consumer commits its offsets.
  python3 consumer_demo.py
or with kcat, a balanced consumer of the group that stops at the end (-e) and commits as it leaves:
  kcat -b $KAFKA_BOOTSTRAP_SERVERS -G my-fourth-application -X auto.offset.reset=earliest -e first_topic
Then look at the group as kafka-consumer-groups.sh --describe shows it: LAG 0 on every partition.
  print(cluster:describe_group("my-fourth-application"))]],
      hints = {
        "CURRENT-OFFSET is the committed offset: a consumer killed before it commits (kill -9) leaves it behind.",
        "Every partition counts: a consumer that stopped before the group formed read nothing.",
      },
      check = function(ctx)
        local committed = {}
        for _, row in ipairs(ctx.cluster:describe_group(GROUP).partitions or {}) do
          if row.topic == TOPIC and row.current_offset then committed[row.partition] = row.current_offset end
        end
        if next(committed) == nil then return false, "my-fourth-application has no committed offset on first_topic" end
        for _, info in ipairs(ctx.topic(TOPIC).partitions) do
          local offset = committed[info.partition] or 0
          if offset ~= info.high_watermark then
            return false, string.format("my-fourth-application committed %s on partition %d, whose end offset is %d",
                                        committed[info.partition] and tostring(offset) or "nothing", info.partition,
                                        info.high_watermark)
          end
        end
        return true
      end,
    },
  },
}
