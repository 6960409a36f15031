#!/usr/bin/python3
"""Failover against `klab serve` with real clients: a kafka-python group consumer and a confluent-kafka
producer (acks=all) run on an RF-3 topic while the partition leader's broker is stopped from the
serve REPL (`cluster:stop_broker(id)`, written to the REPL's input). Checks that the leader moves,
that no acknowledged record is lost (the consumer reads every acked record) and that both clients
carry on against the new leader (records produced after the stop are acked and read).

usage: failover.py BOOTSTRAP REPL_FIFO   (failover_test.sh starts the server with its REPL on the FIFO)
Bounded: RECORDS records, a 45 s deadline on the whole run."""
import sys
import threading
import time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from kafka import KafkaConsumer

bootstrap, repl_fifo = sys.argv[1], sys.argv[2]
topic, group = "failover", "failover-group"
RECORDS, STOP_AFTER = 300, 100
deadline = time.time() + 45


def ok(what):
    print("ok   " + what, flush=True)


def repl(line):
    with open(repl_fifo, "w") as fifo:
        fifo.write(line + "\n")


def leader_of(admin):
    return admin.list_topics(topic, timeout=10).topics[topic].partitions[0].leader


def consume(consumed, assigned, stop):
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                             enable_auto_commit=True, auto_commit_interval_ms=500, request_timeout_ms=20000,
                             session_timeout_ms=10000, heartbeat_interval_ms=1000, retry_backoff_ms=100,
                             reconnect_backoff_max_ms=500, metadata_max_age_ms=2000)
    while not stop.is_set() and time.time() < deadline:
        for records in consumer.poll(timeout_ms=200).values():
            consumed.update(r.value for r in records)
        if consumer.assignment():
            assigned.set()
    consumer.close()


admin = AdminClient({"bootstrap.servers": bootstrap})
admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=3)])[topic].result(timeout=15)
old_leader = leader_of(admin)
ok("RF-3 topic %s created, leader broker %d" % (topic, old_leader))

consumed, assigned, stop = set(), threading.Event(), threading.Event()
reader = threading.Thread(target=consume, args=(consumed, assigned, stop))
reader.start()
assert assigned.wait(15), "the consumer got no assignment within 15 s"
ok("kafka-python consumer joined group %s" % group)

acked, failed = [], []


def delivered(err, msg):
    (acked if err is None else failed).append(msg.value())


producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, "message.timeout.ms": 15000,
                     "retry.backoff.ms": 100, "reconnect.backoff.max.ms": 500, "topic.metadata.refresh.interval.ms": 2000})
stopped_at = None
for i in range(RECORDS):
    producer.produce(topic, value=b"r%03d" % i, on_delivery=delivered)
    producer.poll(0.01)
    if stopped_at is None and len(acked) >= STOP_AFTER and consumed:  # mid-stream, both clients running
        stopped_at = i
        repl("print('COORDINATOR', cluster:describe_group('%s').coordinator) assert(cluster:stop_broker(%d)) "
             "print('STOPPED', %d)" % (group, old_leader, old_leader))
assert stopped_at is not None, "only %d records were acked before the stop" % len(acked)
remaining = producer.flush(max(1, deadline - time.time() - 15))
assert remaining == 0, "%d records neither acked nor failed" % remaining
after = [v for v in acked if int(v[1:]) > stopped_at]
ok("producer: %d of %d records acked (%d failed), %d of them produced after broker %d stopped at record %d"
   % (len(acked), RECORDS, len(failed), len(after), old_leader, stopped_at))
# The producer carries on: every record produced after the stop is acked by the new leader.
assert len(after) == RECORDS - 1 - stopped_at, "acked after the stop: %d of %d" % (len(after), RECORDS - 1 - stopped_at)

new_leader = leader_of(admin)
assert new_leader not in (old_leader, -1), "leader after the stop: %d" % new_leader
ok("leader moved from broker %d to broker %d" % (old_leader, new_leader))

while time.time() < deadline and not set(acked) <= consumed:
    time.sleep(0.1)
stop.set()
reader.join(timeout=15)
lost = sorted(set(acked) - consumed)
assert not lost, "acked records the consumer never read: %d, first %s" % (len(lost), lost[:5])
ok("consumer (group %s) read every acked record, %d after the failover" % (group, len(after)))
