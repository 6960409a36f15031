#!/usr/bin/python3
"""kafka-python 2.0.2 and confluent-kafka 1.7.0 (Debian's) against `klab serve`.

usage: python_clients.py BOOTSTRAP   (127.0.0.1:PORT of a running klab serve; python_clients_test.sh starts one)
kafka-python runs with its default version probe (api_version=None). Each check prints `ok   ...`
or raises; every client call is bounded in time."""
import sys
import time
import uuid

bootstrap = sys.argv[1]
run = uuid.uuid4().hex[:8]


def ok(what):
    print("ok   " + what, flush=True)


def kafka_python():
    from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
    from kafka.admin import NewTopic
    topic = "kp-" + run
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
    assert topic in admin.list_topics(), admin.list_topics()
    ok("kafka-python KafkaAdminClient.create_topics")

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", request_timeout_ms=10000)
    keyed = [producer.send(topic, key=b"truck-%d" % (i % 3), value=b"v%d" % i) for i in range(9)]
    unkeyed = [producer.send(topic, value=b"u%d" % i) for i in range(3)]
    producer.flush(timeout=15)
    metas = [f.get(timeout=10) for f in keyed + unkeyed]
    # Kafka's default partitioner: toPositive(murmur2(key)) % 3; truck-1 -> 0 (as klab.partition_for says)
    assert metas[1].partition == 0, metas[1]
    ok("kafka-python KafkaProducer keyed and unkeyed (12 records acked)")
    producer.close(timeout=5)

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id="kp-group-" + run,
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             consumer_timeout_ms=15000, request_timeout_ms=30000)
    seen = []
    deadline = time.time() + 30
    while len(seen) < 12 and time.time() < deadline:
        for records in consumer.poll(timeout_ms=1000).values():
            seen.extend(r.value for r in records)
    assert len(seen) == 12, seen
    consumer.commit()
    ok("kafka-python KafkaConsumer in a group read 12 records and committed")
    described = admin.describe_consumer_groups(["kp-group-" + run])
    assert described[0].group == "kp-group-" + run, described
    ok("kafka-python KafkaAdminClient.describe_consumer_groups")
    consumer.close()
    admin.close()


def confluent():
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.admin import AdminClient, NewTopic
    topic = "ck-" + run
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)], request_timeout=10)
    futures[topic].result(timeout=15)
    assert topic in admin.list_topics(timeout=10).topics
    ok("confluent-kafka AdminClient.create_topics")

    for idempotent in (False, True):
        acked = []
        p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": idempotent, "linger.ms": 5})
        for i in range(10):
            p.produce(topic, key=b"k%d" % i, value=b"c%d" % i,
                      on_delivery=lambda err, msg: acked.append(err))
        assert p.flush(15) == 0
        assert acked == [None] * 10, acked
        ok("confluent-kafka Producer (enable.idempotence=%s) 10 records acked" % idempotent)

    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "ck-group-" + run,
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe([topic])
    seen = []
    deadline = time.time() + 30
    while len(seen) < 20 and time.time() < deadline:
        m = c.poll(1.0)
        if m is not None and m.error() is None:
            seen.append(m.value())
    assert len(seen) == 20, seen
    c.commit(asynchronous=False)
    ok("confluent-kafka Consumer in a group read 20 records and committed")
    c.close()


kafka_python()
confluent()
