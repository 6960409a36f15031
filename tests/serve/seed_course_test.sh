#!/usr/bin/env bash
# The seed course's Python producer and consumer (seed_course/: ProducerDemoKeys and ConsumerDemo as
# plain kafka-python scripts, bootstrap from KAFKA_BOOTSTRAP_SERVERS) run unchanged against
# `klab serve --partitions 3`. Checked twice: the scripts' printout and the cluster's own state read
# in the serve REPL (each key's partition, the group's committed offsets).
# usage: seed_course_test.sh path/to/klab. Skipped (77) when /usr/bin/python3 lacks kafka-python.
set -euo pipefail
klab=${1:?usage: seed_course_test.sh path/to/klab}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
/usr/bin/python3 -c 'import kafka' 2>/dev/null || { echo "python3-kafka missing: skipped"; exit 77; }
source "$here/serve_start.sh"
fail() {
  echo "FAIL: $*" >&2
  echo "--- consumer:" >&2; cat "$scratch/consumer.out" >&2 2>/dev/null || true
  echo "--- server log:" >&2; cat "$scratch/serve.log" >&2
  exit 1
}
serve_start "$klab" 60 --repl --partitions 3
export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port
# The course's comments in ProducerDemoKeys: where Kafka's default partitioner puts each key of 3 partitions.
expected="id_0 1 id_1 0 id_2 2 id_3 0 id_4 2 id_5 2 id_6 0 id_7 2 id_8 1 id_9 2"

produced=$(timeout 30 /usr/bin/python3 "$here/seed_course/producer_demo_keys.py") || fail "producer_demo_keys.py: $produced"
printed=$(echo "$produced" | awk '/^Key: /{printf "%s %s ", $2, $5}')
[ "$printed" = "$expected " ] || fail "ProducerDemoKeys printed partitions '$printed', the course says '$expected'"

# ConsumerDemo runs until Ctrl-C (SIGINT, which a background job would otherwise ignore). timeout
# --foreground relays the INT to python once; without it timeout also signals its own process group,
# and python's second KeyboardInterrupt lands inside consumer.close() at random.
: >"$scratch/consumer.out"
env --default-signal=INT timeout --foreground 40 /usr/bin/python3 "$here/seed_course/consumer_demo.py" >"$scratch/consumer.out" 2>&1 &
consumer=$!
for _ in $(seq 200); do [ "$(grep -c '^Partition: ' "$scratch/consumer.out")" -ge 10 ] && break; sleep 0.1; done
kill -INT "$consumer"
wait "$consumer" || fail "consumer_demo.py did not stop cleanly on Ctrl-C"
read_back=$(paste -d' ' <(grep '^Key: ' "$scratch/consumer.out" | sed 's/^Key: \([^,]*\),.*/\1/') \
                        <(grep '^Partition: ' "$scratch/consumer.out" | sed 's/^Partition: \([0-9]*\),.*/\1/') |
            sort | tr '\n' ' ')
[ "$read_back" = "$expected " ] || fail "ConsumerDemo read '$read_back', expected every key once: '$expected'"

# The cluster's side: first_topic has 3 partitions holding those keys, and the group committed them all.
repl 'c = cluster; k = c:consumer{ ["auto.offset.reset"] = "earliest" }; k:assign(k:partitions_for("first_topic"))'
repl 'got = {}; stop = c:now() + 10000; repeat for _, r in ipairs(assert(k:poll(200))) do got[#got + 1] = r.key .. " " .. r.partition end until #got >= 10 or c:now() > stop'
repl 'table.sort(got) print("CLUSTER-KEYS " .. #k:partitions_for("first_topic") .. " " .. table.concat(got, " "))'
repl 'print(c:describe_group("my-fourth-application"))'
repl 'print("DONE")'
repl_wait "^DONE" 15 || fail "the serve REPL did not answer"
grep -qx "CLUSTER-KEYS 3 $expected" "$scratch/serve.log" || fail "the cluster holds: $(grep CLUSTER-KEYS "$scratch/serve.log")"
rows=$(grep "^my-fourth-application " "$scratch/serve.log")
[ "$(echo "$rows" | awk '$2 == "first_topic" && $4 == $5 && $6 == 0' | wc -l)" = 3 ] ||
  fail "the group did not commit every partition's log end offset: $rows"
[ "$(echo "$rows" | awk '{s += $4} END {print s}')" = 10 ] || fail "committed offsets do not add up to 10: $rows"
echo "seed course producer and consumer against klab serve: ok"
