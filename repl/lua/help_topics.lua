-- Concept pages for help("<topic>"). Config keys and methods are documented where they are
-- declared (kernel config catalogs, binding method tables); these pages explain ideas.
return {
index = [[
klab — a simulated Kafka cluster you drive from Lua.

  help("tour")        a five-minute walk through the REPL
  help("cluster")     the cluster: topics, time      help("topics")      topics and partitions
  help("producer")    sending records                help("consumer")    reading records
  help("keys")        keys and the default partitioner
  help("partitioner") every partitioner klab knows   help("batching")    batch.size and linger.ms
  help("offsets")     offsets, commits, resets       help("time")        the simulated clock
  help("groups")      consumer groups, describe      help("rebalance")   eager, cooperative, static
  help("replication") leaders, ISR, high watermark   help("failures")    stopping brokers, elections
  help("acks")        durability of a write          help("idempotence") retries without duplicates
  help("errors")      Kafka errors as Lua values     help("labs")        guided labs and grading
  help("retention")   how old data goes away         help("compaction")  latest value per key
  help("throughput")  batching, compression, costs   help("compression") codecs, ratio, disk
  help("metrics")     Kafka's metrics, Prometheus
  help("serdes")      serializers, Avro, wire format help("schemas")     registry, compatibility
  help("configs")     every config key by scope      help("linger.ms")   one config key
  help("inspect")     SQL on a recorded run: lag, under-replicated partitions, events, plots
  help("connect")     Kafka Connect: connectors      help("interceptors") client interceptors
  help("streams")     Kafka Streams: DSL, state, joins, restore
  help(cluster)       the methods of an object       help(klab)          klab.* functions
]],

inspect = [[
The inspector records a cluster into an SQLite database as it runs, for the questions monitoring
answers on a real cluster: which group lags and since when, which partitions were
under-replicated and for how long, when leaders moved.
  db = inspect.open(cluster)                       -- in memory; inspect.open(cluster, "run.sqlite")
  inspect.sql("SELECT * FROM latest_lag")          -- rows, printed as a table (read-only SQL)
  inspect.sql("SELECT time_ms, topic, partition, isr FROM under_replicated")
  inspect.lag("dash")  inspect.timeline("LeaderElected")  inspect.schema()
  inspect.plot("SELECT time_ms, group_id, lag FROM group_lag", "lag.svg")
A sample (brokers, topics, partitions, replicas, groups, group_offsets, metrics) is taken each
time the simulated clock passes a multiple of inspect.sample.ms (help("inspect.sample.ms"));
events are written as they happen. Shell: klab inspect run.sqlite ["SELECT ..."] [--csv|--json].
]],

serdes = [=[
Serializers turn keys and values into bytes; Kafka only stores bytes. Producer configs
key.serializer / value.serializer, consumer configs key.deserializer / value.deserializer:
  StringSerializer  IntegerSerializer (4 bytes, big-endian)  LongSerializer (8)
  DoubleSerializer (8, IEEE 754)  ByteArraySerializer   (also with org.apache.kafka.common.serialization.)
  avro  (Confluent's io.confluent.kafka.serializers.KafkaAvroSerializer / KafkaAvroDeserializer)
  a Lua function(topic, value) --> bytes  (deserializer: function(topic, bytes) --> value)
Unset, klab sends Lua strings as they are. Avro:
  p = cluster:producer{ ["value.serializer"] = "avro", ["value.schema"] = [[ {"type":"record", ...} ]] }
  p:send("news", { key = "k1", value = { title = "Kafka 3.7", views = 10 } })
  k = cluster:consumer{ ["value.deserializer"] = "avro", ["specific.reader.schema"] = [[ ... ]] }
Wire format of an Avro value: magic byte 0, the schema id (4 bytes, big-endian), the Avro binary:
field values only, no field names, so it is much smaller than JSON. cluster:schema_registry():
explain(bytes) takes one apart. A value that does not fit the schema, or a schema the registry
refuses, makes send return nil, err (SerializationException). A consumer that cannot decode a
record stops at it (RecordDeserializationException); seek past it to go on. See help("schemas").
]=],

schemas = [[
The schema registry (c:schema_registry(), Confluent Schema Registry's API): each topic's value
schemas live under the subject "<topic>-value" (keys: "<topic>-key"), as versions 1, 2, ...;
every distinct schema has a global id, the one written in each record. State: the compacted
topic _schemas; sr:restart() rebuilds everything from it.
  sr = cluster:schema_registry()
  sr:register("news-value", schema)   sr:versions("news-value")   sr:get(id)   sr:subjects()
  sr:test("news-value", schema)       sr:compatibility("news-value", "FULL")
Compatibility (per subject, or global with a nil subject; BACKWARD by default):
  BACKWARD  the new schema can read data written with the latest one: delete fields, add fields
            WITH a default. Upgrade consumers first.     *_TRANSITIVE: against every version.
  FORWARD   the latest schema can read data written with the new one: add fields, delete fields
            that had a default. Upgrade producers first.
  FULL      both.   NONE   no check.
Reading with another schema (Avro schema resolution): fields the reader added take their
default, fields it lacks are skipped, int widens to long/float/double, a field renamed keeps
the old name in "aliases", an enum symbol the reader lacks becomes its enum "default".
Lab 17 runs the whole evolution.
]],

streams = [[
Kafka Streams in klab: a topology built with the DSL runs as a consumer group named by
application.id, on the simulated cluster (or without one, in a test driver).

  b = klab.streams_builder()
  counts = b:stream("lines")
    :filter_not(function(k, v) return v:find("filter") end)
    :flat_map_values(function(k, v) local w = {} for x in v:gmatch("%S+") do w[#w+1] = x end return w end)
    :group_by(function(k, word) return word end)      -- a new key: repartition topic
    :count("counts")                                    -- a KTable, store "counts"
  counts:to_stream():to("word-counts")
  b:stream("word"):join(counts, function(v, count) return "(" .. count .. ", " .. v .. ")" end):to("joined")
  print(b:describe())                                   -- Kafka's Topology#describe() layout
  app = c:streams(b, { ["application.id"] = "wordcount" })
  app:start()  c:advance(5000)  app:store("counts")  app:close()

Operations (Kafka's, in snake_case): stream, table, global_table; filter, filter_not, map,
map_values, flat_map, flat_map_values, select_key, peek, foreach, merge, to, split():branch()
:default_branch(); group_by_key, group_by -> count, reduce, aggregate (-> KTable);
windowed_by{ size_ms =, advance_ms =, grace_ms = } (tumbling / hopping; keys "[key@start/end]");
joins: stream-table join/left_join, table-table join/left_join/outer_join, stream-global join with
a key selector; to_stream. Keys and values are strings or nil, but for counts: Kafka's Long serde
(8 bytes, big-endian) on topics and in stores, so a consumer with value.deserializer =
"LongDeserializer" reads them; functions get a count as its decimal text, store() and
read_output() as an integer.
Functions are Lua functions (key, value); an error in one puts the application in ERROR with the
Lua traceback (app:error()); the cluster goes on.

What happens, as in Kafka 3.7:
  - start() fails on a missing source topic (MissingSourceTopicException), on joined topics with
    different partition counts (Topics not co-partitioned), on a sub-topology writing to its own
    input (a klab check: records would loop forever), on exactly_once_v2 (not simulated).
  - Internal topics: <application.id>-<store>-changelog (compacted) and
    <application.id>-<name>-repartition, created at start with one partition per task.
  - Tasks: one per sub-topology and input partition ("0_1"); instances with the same
    application.id split them (range assignment keeps co-partitioned partitions together).
  - The stream thread runs every poll.ms of simulated time: poll, process, send; every
    commit.interval.ms (30000) it commits what was processed once all it sent is acknowledged
    (at_least_once). Simulated time must run: c:advance(ms), a poll, a flush.
  - No record cache: every KTable update is forwarded at once, as with
    statestore.cache.max.bytes = 0 (Kafka's default, 10 MiB, would hold some back).
  - Stores live in memory; a new instance (or one given a task after a rebalance) restores them
    from the changelog and logs "Finished restoring changelog ... with a total number of N records".
    A task an instance keeps through a rebalance keeps its store: nothing is restored.
  - A topology that writes to a topic it reads (directly or through another sub-topology) is
    refused by app:start() and klab.topology_test_driver(b): "a cycle: ...". Write to another topic.
  - Windows: start = a multiple of advance (aligned to the epoch); a record is dropped when its
    window's end <= stream time - grace (app:metrics()["dropped-records-total"]).

Without a cluster: d = klab.topology_test_driver(b); d:pipe_input(topic, key, value [, ts]);
d:read_output(topic); d:store(name). Methods: help(b), help(app), help(d).
]],

throughput = [[
Producer throughput: every produce request costs a round trip (klab.cluster{ latency_ms = }) plus
its bytes over the link (klab.cluster{ bandwidth_mbps = }, 0 = unlimited). flush() after every
record pays that per record; linger.ms (wait for more records) and batch.size (bytes per batch)
let one request carry many. buffer.memory bounds what waits; send() blocks up to max.block.ms
when it is full. p:metrics() shows Kafka's producer-metrics: batch-size-avg,
records-per-request-avg, record-queue-time-avg, request-rate, outgoing-byte-rate (help("metrics")).
  klab.compare_producers{ records = 1000, cluster = { latency_ms = 2, bandwidth_mbps = 100 },
    runs = { { name = "flush each", flush_every = 1 }, { name = "linger", config = { ["linger.ms"] = 20 } } } }
See help("compression"), help("batching"), lab 16.
]],

compression = [[
compression.type (producer): none, gzip, snappy, lz4, zstd - whole batches are compressed, so fuller
batches compress better. Brokers keep batches as sent when the topic's compression.type is
"producer" (default); another codec there makes the leader recompress (CPU on the broker).
Consumers decompress. c:describe_topic(t).size_bytes is what the leaders store and what retention
counts. compression-rate-avg in p:metrics() is compressed/plain. Costs: producer and consumer CPU
(klab.compare_producers measures it for real) and, with linger.ms, latency.
]],

metrics = [[
Kafka's metrics, with Kafka's names, tags and arithmetic, on the simulated clock.
  c:metrics()                    the controller's summary: UnderReplicatedPartitions, ... (counts)
  c:metrics{ all = true }        every sample: { {group=, name=, tags={...}, value=}, ... }
  c:metrics{ name = "records-lag" }   c:metrics{ group = "producer-metrics" }   (a filter)
  print(c:metrics_text())        Prometheus text      klab metrics FILE.lua   (the same, from a shell)
  p:metrics()   k:metrics()      this producer's producer-metrics, this consumer's fetch metrics
Brokers (tag broker; a stopped broker publishes nothing, a restarted one starts from zero):
  kafka.server:type=BrokerTopicMetrics   BytesInPerSec BytesOutPerSec MessagesInPerSec (also per topic)
  kafka.server:type=ReplicaManager       UnderReplicatedPartitions PartitionCount LeaderCount
                                         IsrShrinksPerSec IsrExpandsPerSec (the leader's AlterPartition)
  kafka.controller:type=KafkaController  ActiveControllerCount OfflinePartitionsCount
  kafka.controller:type=ControllerStats  LeaderElectionRateAndTimeMs UncleanLeaderElectionsPerSec
  kafka.network:type=RequestMetrics      RequestsPerSec{request,version} TotalTimeMs{request=Produce}
  A *PerSec metric is a Yammer meter: its name holds the Count; name.MeanRate (since the broker
  started), name.OneMinuteRate, .FiveMinuteRate, .FifteenMinuteRate (moving averages, ticked every
  5 s). TotalTimeMs: its Count, .Min .Max .Mean .50thPercentile ... .999thPercentile (ms).
Clients (tag client-id; a client publishes while it lives):
  producer-metrics        record-send-rate record-retry-rate record-error-rate request-rate
                          request-latency-avg outgoing-byte-rate batch-size-avg compression-rate-avg ...
  producer-topic-metrics  (topic) record-send-rate byte-rate compression-rate record-retry-rate
  consumer-fetch-manager-metrics  records-consumed-rate bytes-consumed-rate fetch-rate
                          records-lag-max; (topic) records/bytes-consumed-rate;
                          (topic, partition) records-lag records-lag-avg records-lag-max
  Windowed as Kafka's clients: metrics.num.samples (2) windows of metrics.sample.window.ms (30 s);
  a rate divides by at least one whole window, so 1000 records in a producer's first 5 s read
  1000 / 35 s = 28.6 records/s, as on a real client. records-lag = high watermark - position.
Prometheus names are the JMX exporter's (Kafka's example rules): a meter's Count becomes
kafka_server_brokertopicmetrics_bytesin_total{broker="1",topic="t"}, a gauge
kafka_server_replicamanager_underreplicatedpartitions{broker="1"}, a client metric
kafka_producer_producer_metrics_record_send_rate{client_id="p"}; use rate() for per-second rates.
]],

tour = [[
A five-minute tour (a ready cluster is in the global `cluster`):

  cluster:create_topic("orders", { partitions = 3 })
  cluster:describe_topic("orders")           -- prints like kafka-topics.sh --describe
  p = cluster:producer{ ["linger.ms"] = 5 }
  p:send("orders", { key = "truck-1", value = "lat=1" })   --> orders-?@0
  klab.partition_for("truck-1", 3)           -- the same partition, computed
  k = cluster:consumer{ ["auto.offset.reset"] = "earliest" }
  k:assign(k:partitions_for("orders"))
  k:poll(100)                                -- the records, as a table
  cluster:now()                              -- simulated milliseconds that passed
]],

topics = [[
A topic is a named stream of records, split into partitions. Each partition is an ordered,
append-only log; a record's position in it is its offset (0, 1, 2, ... per partition).
Order is kept only inside one partition. Partitions are spread over brokers: each has a leader
(which takes reads and writes) and replicas (replication_factor copies in all).

Names: 1-249 characters from a-z A-Z 0-9 . _ -, not "." or "..". Names that differ only by '.'
versus '_' collide (Kafka refuses the second one), and kafka-topics.sh warns when a name has either.

  cluster:create_topic(name, { partitions = 3, replication_factor = 1, config = {...} })
  cluster:create_partitions(name, 6)   -- only grows; keys can move to other partitions!
  cluster:topics()  cluster:describe_topic(name)  cluster:delete_topic(name)
Topic configs: help("topic configs").
]],

keys = [[
Keys decide partitions. Kafka's default partitioner sends a keyed record to
    toPositive(murmur2(key bytes)) % number_of_partitions
so every record with the same key lands in the same partition, in order. toPositive masks the
sign bit (x & 0x7fffffff); it is not abs(). An empty key "" is a key and is hashed; only a
missing key (nil) counts as no key.
  klab.partition_for("my key", 5)  --> 3      klab.murmur2("my key") --> -462743395
When to use a key: when records about the same thing (a user, a truck, an order) must stay in
order. The risk: a few hot keys make hot partitions (skew), and adding partitions moves keys.
Without a key, see help("partitioner").
]],

partitioner = [[
How a producer picks a partition (Kafka 3.7 Java client), in order:
  1. record.partition, if the record names one;
  2. partitioner.class, if set: RoundRobinPartitioner, or a Lua function(topic, key, value, n);
     Kafka 3.7 asks it again when a record starts a new batch (KAFKA-16283), so round robin
     skips partitions with one-record batches — klab does the same;
  3. a key (unless partitioner.ignore.keys): toPositive(murmur2(key)) % partitions;
  4. no key: the built-in "uniform sticky" partitioner (KIP-794): stay on one partition until
     batch.size bytes went there (and its batch is full, or twice batch.size), then pick another,
     at random — weighted towards shorter queues with partitioner.adaptive.partitioning.enable.
So ten small keyless records sent together all land on ONE partition.
librdkafka (kcat, confluent-kafka-python) differs: its default "consistent_random" hashes keys with
CRC32, so the same key may land elsewhere. Try the producer config partitioner = "consistent_random".
]],

batching = [[
A producer groups records per partition into batches of up to batch.size bytes (default 16384).
A batch is sent when it is full, when it has waited linger.ms (default 0 in Kafka 3.7), or on flush().
Synchronous p:send(...) waits for its own batch: with linger.ms = 5 each one costs 5 ms more.
Asynchronous p:send(topic, record, callback) only queues: records sent in the same simulated instant
share batches. Sizes are Kafka's v2 record-batch bytes (61-byte header plus each record).
]],

offsets = [[
An offset is a record's position in its partition. Each partition has:
  log_start_offset  the first offset still stored
  high_watermark    consumers read below it (with one replica: the log end offset)
  log_end_offset    the offset the next record will get
A consumer's position is the offset of the next record it will read. Without a group:
  k:assign{ {topic="t", partition=0} }   k:seek({topic="t", partition=0}, 15)
  k:seek_to_beginning()   k:seek_to_end()   k:position({topic="t", partition=0})
In a group (group.id), positions are saved as committed offsets, records of the internal topic
__consumer_offsets kept by the group's coordinator. A committed offset is the next record to
read, per group and partition; a member that gets a partition starts from it. To read them as
kafka-console-consumer --formatter OffsetsMessageFormatter does: assign a consumer the partitions of
__consumer_offsets and print klab.format_offsets_record(r.key, r.value) for each record.
  k:commit()                 commitSync: the positions of every assigned partition, waits
  k:commit{ {topic="t", partition=0, offset=42} }        chosen offsets
  k:commit_async(function(err, offsets) end)   sends and returns; the callback runs in a later poll
  k:committed({topic="t", partition=0})        --> {offset=, metadata=} or nil
  enable.auto.commit (true by default): poll() commits the positions every
    auto.commit.interval.ms (5000), and close() commits too. What was polled but not processed
    when a consumer crashes is read again by the next owner (at-least-once).
With nothing committed (or a committed offset no longer in the log), auto.offset.reset decides:
earliest (log start), latest (log end, the default: only new records), none (an error in poll).
Moving a group's offsets from outside, as kafka-consumer-groups.sh --reset-offsets does:
  cluster:reset_offsets{ group = "g", topic = "t", to_earliest = true }     a dry run: the plan
  ... to_latest | to_current | to_offset = n | shift_by = -10 | to_datetime = "2024-01-01T00:00:00.000"
      | by_duration = "PT10M";  partitions = {0, 2} or all_topics = true;  execute = true applies it
Resets are refused (NON_EMPTY_GROUP) while the group has active members: stop them first. An
offset beyond the log is clamped to it, with a warning. See help("groups").
]],

groups = [[
A consumer group is the consumers sharing one group.id. The group divides the partitions of the
topics they subscribe to: each partition belongs to one member at a time, so a group reads in
parallel up to one member per partition; extra members stay idle (hot standbys). Every group
keeps its own committed offsets, so two groups read the same records independently.
  k = cluster:consumer{ ["group.id"] = "app", ["auto.offset.reset"] = "earliest" }
  k:subscribe("orders")          -- or { "orders", "payments" }, with listeners: help("rebalance")
  k:poll(1000)                   -- joins the group, gets partitions, reads
  k:assignment()   k:member()    -- {member_id, generation, state, protocol}
  k:close()                      -- commits (auto-commit), leaves at once: its partitions move
  k:crash()                      -- dies silently: noticed after session.timeout.ms
The coordinator is the broker leading the group's partition of __consumer_offsets (50
partitions; the group id's Java hashCode picks one); it fails over with that partition. It runs
the rebalances: members send JoinGroup, the first one becomes the leader and computes the
assignment with the chosen assignor (partition.assignment.strategy), everyone receives its
share in SyncGroup, and the group enters a new generation. States: Empty, PreparingRebalance,
CompletingRebalance, Stable, Dead. A new group waits group.initial.rebalance.delay.ms (3 s) for
more members. Members heartbeat every heartbeat.interval.ms (3 s) in the background.
The admin calls of kafka-consumer-groups.sh:
  cluster:groups()                   --list
  cluster:describe_group("app")      --describe: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET
                                     LAG CONSUMER-ID HOST CLIENT-ID; as a table: state,
                                     assignment_strategy, generation, members, partitions
  cluster:reset_offsets{...}         --reset-offsets (help("offsets"))
  cluster:delete_group("app")        --delete (only without active members)
LAG = log end offset - committed offset. cluster:events() shows every join, assignment,
revocation, commit and timeout with its simulated time. Labs 06 and 07.
]],

rebalance = [[
A rebalance moves partitions between the members of a group: on a join, a leave (close), a
member timing out, a subscription change or new partitions. While a partition is between two
owners, nobody processes it.
Eager protocol (range, roundrobin, sticky): every member revokes all its partitions, rejoins,
and gets a new assignment. Cooperative protocol (cooperative-sticky, KIP-429): members keep what
stays theirs and revoke only what moves; the moved partitions reach their new owner in a second
rebalance. A consumer follows the cooperative protocol only when every assignor in its list
supports it: Kafka 3.7's default [RangeAssignor, CooperativeStickyAssignor] picks range and stays
eager (the list eases a rolling upgrade to cooperative-sticky alone).
  ["partition.assignment.strategy"] = "cooperative-sticky"    (or Java class names, a list)
Listeners, in the consumer config or in subscribe, run inside poll (and close):
  k:subscribe("t", { on_assigned = function(parts) end,   -- partitions this member starts on
                     on_revoked = function(parts) end,    -- stopping: commit what you processed
                     on_lost = function(parts) end })     -- lost without a clean revoke
Timeouts: a member that sends no heartbeat for session.timeout.ms (45 s) is removed (a crash);
one that does not call poll for max.poll.interval.ms (300 s) leaves the group by itself (slow
processing), and its partitions move.
Static membership (group.instance.id, KIP-345): the member sends no LeaveGroup on close, and
the coordinator keeps its partitions for session.timeout.ms. Coming back with the same instance
id in time, it gets them again without a rebalance; too late, it has been removed (one
rebalance) and its return causes another. A dynamic member's restart always costs two. Lab 07.
]],

time = [[
Time is simulated milliseconds (cluster:now()). Nothing waits for the wall clock: a synchronous send,
a flush or a poll runs the simulation until its answer arrives; cluster:advance(ms) lets time pass.
Every random choice comes from the cluster's seed: the same seed and script give the same output.
]],

serve = [[
klab serve serves the simulated cluster to real Kafka clients (kcat, kafka-console-producer.sh, a
Java or librdkafka application) on this machine, while the REPL keeps working on the same `cluster`:

  klab serve [--brokers 3] [--port 9092] [--listen HOST] [--advertise HOST] [--seed 42]
             [--partitions N] [--no-repl] [FILE.lua]

Broker i listens on port 9092+i-1 on 127.0.0.1 and ::1 (--listen HOST instead; --port 0 picks free
ports and prints them). FILE.lua runs first (create topics, start producers), then the REPL.

Time follows the wall clock here: one simulated millisecond per real one, from the start of serving.
cluster:advance(5000) waits five real seconds (clients are served meanwhile); so do a synchronous send
and a consumer poll. cluster:pause() freezes the clock (then advance(ms) steps it at once, as in a
plain session); cluster:resume() lets it follow the wall again. Outside serve they are errors.

Faults reach the clients: c:stop_broker(2) closes broker 2's port and its connections (clients see
"connection refused" until c:start_broker(2)); c:isolate(2) keeps the sockets open but holds broker 2's
answers until c:heal(). c:connections() lists the connected clients: broker, address, client_id, the
software name and version the client announced, and how many requests of each API it sent.

Kafka APIs served (the versions Kafka 3.7 serves; ApiVersions lists them): Produce, Fetch, ListOffsets,
Metadata, OffsetCommit, OffsetFetch, FindCoordinator, JoinGroup, Heartbeat, LeaveGroup, SyncGroup,
DescribeGroups, ListGroups, ApiVersions, CreateTopics, DeleteTopics, DeleteRecords, InitProducerId,
DescribeConfigs, AlterConfigs, CreatePartitions, DeleteGroups. A topic a client names that does not
exist is created as with Kafka's auto.create.topics.enable=true (num.partitions, or --partitions N).
Not served yet: transactions (a transactional.id gets COORDINATOR_NOT_AVAILABLE). Listeners are
PLAINTEXT only: no TLS, no SASL (SaslHandshake is not in ApiVersions, so a SASL client stops there).

  kcat -b 127.0.0.1:9092 -L                  -- the brokers and topics, as on any Kafka cluster

Requests follow Kafka's rules: one at a time per connection (the next is read once the answer was
written), at most socket.request.max.bytes (104857600) each. Ctrl-D, Ctrl-C at the prompt, SIGINT or
SIGTERM stop serving. --no-repl serves without a prompt until SIGINT or SIGTERM.
c:serving() is true for the served cluster. Lab 18 (help("labs")) is checked on it by lab.check().
]],

errors = [[
What a Kafka client would see as an error comes back as `nil, err`:
  local md, err = p:send("missing", "x")
  err.name --> "UNKNOWN_TOPIC_OR_PARTITION"   err.code --> 3   err.retriable --> true
  tostring(err) --> "UNKNOWN_TOPIC_OR_PARTITION: ..."
Misuse (wrong argument types, unknown client config keys) raises a Lua error instead.
]],

configs = [[
Config keys are Kafka's own names, given as strings: p = cluster:producer{ ["linger.ms"] = 5 }.
Lists: help("broker configs"), help("topic configs"), help("producer configs"),
help("consumer configs"), and klab's own help("inspector configs"). One key: help("acks").
Unknown keys are refused with a suggestion.
]],

replication = [[
Each partition has replication_factor copies (replicas) on different brokers. One is the leader:
producers write to it and consumers read from it. The followers fetch from the leader and append
what they get. The in-sync replicas (ISR) are the leader and the followers that have caught up with
it within replica.lag.time.max.ms (30 s). The high watermark is the offset every ISR member has
reached: consumers only see records below it. In Kafka 3.7 it only advances while the ISR has at
least min(min.insync.replicas, replication factor) members.
  cluster:create_topic("t", { partitions = 2, replication_factor = 3 })
  cluster:describe_topic("t")      -- Leader, Replicas, Isr per partition
  cluster:metrics().UnderReplicatedPartitions
  cluster:set_latency(2, 3, 100)   -- slow the link from broker 2 to broker 3
See also help("failures"), help("acks").
]],

failures = [[
  cluster:stop_broker(2)   cluster:start_broker(2)   cluster:brokers()   cluster:controller()
A stopped broker leaves every ISR at once (as in a controlled shutdown). Each partition it led elects
a new leader: the first replica, in assignment order, that is alive and in the ISR. If none is alive the
partition is offline ("Leader: none") until one comes back, unless unclean.leader.election.enable lets
an out-of-sync replica lead, losing the records it never got. A returning broker truncates whatever the
leader does not have (by leader epoch), fetches, and rejoins the ISR once caught up.
  cluster:elect_leaders("t")   -- preferred replicas lead again now; the controller does it by itself
                               -- 300 s after a failover (auto.leader.rebalance.enable, default true)
  cluster:events()             -- the timeline: stops, elections, ISR changes, truncations
  cluster:metrics()            -- OfflinePartitionsCount, UnderReplicatedPartitions, ...
  cluster:drop_next_request(b)   cluster:drop_next_response(b)   -- lose one produce request/answer

Network partitions: cluster:isolate(2) cuts broker 2 off from the other brokers and the controller
(clients still reach it); cluster:heal() reconnects it. What follows, as in Kafka 3.7 (KRaft):
  at once   followers stop fetching across the cut; an isolated leader cannot change its ISR, so its
            high watermark freezes: acks=all writes wait, acks=1 writes succeed.
  +9000 ms  broker.session.timeout.ms without heartbeats: the controller fences broker 2. It leaves
            every ISR and its partitions get new leaders. Broker 2 does not know: as a zombie leader it
            keeps appending acks=1 writes from producers whose metadata still names it (until
            metadata.max.age.ms, 5 minutes, or an error makes them refresh). acks=all writes to it
            time out after request.timeout.ms and are retried on the new leader.
  heal      the zombie learns the new leader and truncates what it took meanwhile: those acks=1
            writes were acknowledged and are gone. cluster:events() shows BrokerIsolated,
            BrokerFenced, LeaderElected, NetworkHealed, Truncation.
]],

acks = [[
acks=0: the producer does not wait (offset -1); a write can vanish without anyone knowing.
acks=1: the leader has written it; if the leader dies before a follower copied it, it is gone
        even though it was acknowledged (the new leader never had it).
acks=all (default since Kafka 3.0): every in-sync replica has it. With min.insync.replicas=2 a write
        needs two in-sync copies; with fewer the leader answers NOT_ENOUGH_REPLICAS (retriable: the
        producer retries until delivery.timeout.ms, 120 s, then fails).
Each level costs simulated time: compare cluster:now() around p:send with acks = 0, 1 and "all".
]],

idempotence = [[
A produce request whose answer is lost is retried, and without idempotence the retry writes the
records a second time. The idempotent producer (enable.idempotence=true, the default since Kafka 3.0)
numbers each partition's batches; the leader answers a retried batch it already has with its original
offsets and refuses batches out of order, so retries neither duplicate nor reorder. A batch refused
behind a lost request waits until it is the first of its partition still in flight, then goes again
(nothing else goes to that broker meanwhile), as Kafka 3.7's producer does. It needs acks=all,
retries > 0 and max.in.flight.requests.per.connection <= 5: asking for it explicitly with a conflicting
setting is an error; left at the default it is quietly turned off (c:producer{ acks = 1 } is not idempotent).
It does not help when the application itself sends the same record twice (for example after a crash).
  cluster:drop_next_response(leader)   p:send("t", "once")   -- one copy, or two without idempotence
]],

labs = [[
Guided labs mirror real Kafka course exercises.
  lab.list()        the labs                 lab.start(1)   begin lab 1 on a fresh cluster
  lab.status()      steps done so far        lab.check()    check your work
  lab.hint()        a hint for the current step
  lab.step(2)       show (and move to) step 2   lab.show(1)    the whole text of lab 1
  lab.answer("q1", value)   report an answer a step asks for
From the shell: klab lab list | klab lab show 1 | klab lab check 1 my_solution.lua
Course staff: klab grade --lab 1 FILE.lua [--format text|json|gradescope|junit] [--variants 3] grades in a
sandbox against several variants; a graded script reads a variant's parameters from lab.params.
Lab 18 is done with real Kafka clients: lab.start(18) at the prompt of `klab serve --partitions 3`
checks the served cluster. Graders run the student's client instead of a Lua file:
  klab lab check 18 --run "python3 producer.py" --run "python3 consumer.py" [--timeout 60] [--format json]
serves the lab's cluster on free 127.0.0.1 ports, runs each command with /bin/sh in turn with
KAFKA_BOOTSTRAP_SERVERS set (past --timeout: SIGINT, a Ctrl-C, then SIGKILL 5 s later), then grades
what the cluster holds. The commands' output goes to standard error, the report to standard output.
]],

retention = [[
A topic is not a queue: reading a record does not remove it. Records stay until retention
removes them, and retention removes whole segments, never single records.
  cleanup.policy = "delete" (the default)
  retention.ms   (604800000 = 7 days; -1 forever)  a closed segment goes once its NEWEST record
                 is older than this - so data lives up to retention.ms + the segment's span
  retention.bytes (-1 = no limit) per PARTITION: the oldest segments go while the partition is
                 larger than this by at least their size
  segment.bytes / segment.ms   when the active segment rolls; small segments = finer retention
  log.retention.check.interval.ms (300000)   brokers look this often (klab: at multiples of it)
Retention never deletes past the high watermark. When every segment has expired, Kafka rolls the
active segment first and deletes it too. The log start offset moves up; a consumer whose position
is below it gets OFFSET_OUT_OF_RANGE and auto.offset.reset decides (earliest: the new log start).
  cluster:run_retention()            one check on every broker now
  cluster:delete_records(t, p, off)  kafka-delete-records.sh: move the log start offset up by hand
  cluster:describe_topic(t).partitions[1].log_start_offset
  cluster:dump_log(t, p)             the segments and records, like kafka-dump-log.sh
See help("retention.ms"), help("compaction").
]],

compaction = [[
cleanup.policy = "compact": the topic keeps at least the LATEST record of every key - an evolving
table. A new consumer reading from the start rebuilds the current state (that is how
__consumer_offsets and Kafka Streams state stores work). Records must have a key (a keyless one
fails with INVALID_RECORD); a null value is a TOMBSTONE: "this key is deleted".
Each broker's log cleaner wakes every log.cleaner.backoff.ms (15000) and cleans a partition when
  dirty bytes / (clean + dirty bytes) > min.cleanable.dirty.ratio (0.5)
where "dirty" = closed segments written since the last cleaning. It never touches the active
segment or anything at or above the high watermark. Offsets never change: gaps appear.
  min.compaction.lag.ms (0)   a record stays uncompacted at least this long
  max.compaction.lag.ms (Long.MAX)   ... and at most this long (cleans even below the ratio)
  delete.retention.ms (86400000)   a tombstone survives this long after the first cleaning that
                 saw it (it gets a "delete horizon"); a later cleaning removes it for good
"compact,delete" does both: compaction and time/size retention.
  cluster:run_cleaner()       wake every broker's cleaner now (same rules)
  cluster:dump_log(t, p)      before/after, offset by offset
]],

connect = [[
Kafka Connect, standalone, inside the cluster. w = cluster:connect() starts the cluster's worker in the
current directory (cluster:connect{ dir = "...", ["offset.flush.interval.ms"] = 60000 }); graded labs
start it in a fresh temporary directory. Connectors only touch files inside that directory.
  w:create("connect-file-sink.properties")     a Kafka .properties file, read as java.util.Properties
  w:create{ name = "s", ["connector.class"] = "FileStreamSink", file = "out.txt", topics = "news" }
  w:status("s")   REST status JSON: RUNNING / PAUSED / FAILED (with trace) / UNASSIGNED
  w:pause(n) w:resume(n) w:restart(n [, {include_tasks=true, only_failed=true}]) w:restart_task(n, id)
  w:delete(n) w:list() w:config(n) w:log() w:read_file(f) w:write_file(f, text [, append])
  w:sql("db.sqlite", "SELECT ...")   read what the JDBC sink wrote (read-only)
Connectors: FileStreamSink (file, topics), FileStreamSource (file, topic; remembers its position in
offset.storage.file.filename), io.confluent.connect.jdbc.JdbcSinkConnector for SQLite
(connection.url=jdbc:sqlite:db.sqlite, auto.create, insert.mode, pk.mode, pk.fields, delete.enabled), and
Lua: ["connector.class"] = { put = function(records, task_id) end } (sink) or
{ poll = function(task_id) return { {key=, value=} } end } with topic= (source).
Converters: key.converter / value.converter = StringConverter, ByteArrayConverter, JsonConverter (default,
with value.converter.schemas.enable=true: the {"schema":..,"payload":..} envelope).
Errors: errors.tolerance=none (default) fails the task on a record that cannot be converted or
transformed; all skips it (errors.log.enable logs it; a sink's errors.deadletterqueue.topic.name gets its
bytes, with __connect.errors.* headers when errors.deadletterqueue.context.headers.enable=true).
Sink tasks consume as group connect-<name>, committing every offset.flush.interval.ms (60 s).
Transforms: transforms=a,b  transforms.a.type=org.apache.kafka.connect.transforms.InsertField$Value ...
(InsertField, ReplaceField, MaskField, ValueToKey). Timing: a sink task polls every 100 simulated ms
(1 ms after a poll that brought records);
FileStreamSource rereads its file every second. A running connector keeps these timers; without one the
cluster is idle. help("errors.tolerance") and the other keys document each setting.
]],

interceptors = [[
Interceptors see what a client does without changing its code. List Lua tables in interceptor.classes:
  local counting = { sent = 0, acknowledged = 0 }
  function counting.on_send(record) counting.sent = counting.sent + 1 end
  function counting.on_acknowledgement(metadata, err) counting.acknowledged = counting.acknowledged + 1 end
  p = cluster:producer{ ["interceptor.classes"] = { counting } }
  ... p:send(...) ... p:flush()
  print(string.format("Total sent: %d, Total acknowledged: %d", counting.sent, counting.acknowledged))
Producer: on_send(record) runs inside send(), before partitioning; on_acknowledgement(metadata, err) once
per record when the broker answered (or the send failed), before the send's callback.
Consumer: on_consume(records) just before poll() returns them; on_commit(offsets) after each successful
commit ({ {topic=, partition=, offset=}, ... }). An error in an interceptor is printed and ignored, as
Kafka logs and ignores it. klab's interceptors observe: on_send cannot replace the record. Lab 15.
]],
}
