#!/usr/bin/python3
"""Reference solution of lab 18: the course's ProducerDemoKeys, then its ConsumerDemo, in kafka-python,
bootstrap from KAFKA_BOOTSTRAP_SERVERS. Unlike the course's consumer it stops by itself once it has read
every partition to its end offset, so a grader need not press Ctrl-C; close() commits, as there.
  klab lab check 18 --run "python3 labs/18-your-own-client/solution.py" """
import os
import time

from kafka import KafkaConsumer, KafkaProducer

bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
topic = "first_topic"

producer = KafkaProducer(bootstrap_servers=bootstrap_servers, key_serializer=str.encode, value_serializer=str.encode)
for i in range(10):
    metadata = producer.send(topic, key="id_" + str(i), value="hello world " + str(i)).get(timeout=30)
    print("Key: id_%d | Partition: %d | Offset: %d" % (i, metadata.partition, metadata.offset))
producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers, group_id="my-fourth-application",
                         auto_offset_reset="earliest", key_deserializer=bytes.decode, value_deserializer=bytes.decode)
consumer.subscribe([topic])
deadline = time.monotonic() + 40
while time.monotonic() < deadline:
    for partition_records in consumer.poll(timeout_ms=200).values():
        for record in partition_records:
            print("Key: %s, Value: %s, Partition: %d, Offset: %d" % (record.key, record.value, record.partition, record.offset))
    assigned = consumer.assignment()
    if assigned and all(consumer.position(tp) >= end for tp, end in consumer.end_offsets(list(assigned)).items()):
        break
consumer.close()  # commits the offsets
