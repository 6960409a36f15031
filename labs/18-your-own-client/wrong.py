#!/usr/bin/python3
"""A plausible wrong attempt at lab 18: the producer sends the values without their keys (so Kafka's
partitioner has nothing to hash and spreads them), and the consumer turns auto-commit off and never
commits, so the group keeps no offsets however much it read.
  klab lab check 18 --run "python3 labs/18-your-own-client/wrong.py" """
import os

from kafka import KafkaConsumer, KafkaProducer

bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
producer = KafkaProducer(bootstrap_servers=bootstrap_servers, value_serializer=str.encode)
for i in range(10):
    producer.send("first_topic", value="id_%d hello world %d" % (i, i)).get(timeout=30)
producer.close()

consumer = KafkaConsumer("first_topic", bootstrap_servers=bootstrap_servers, group_id="my-fourth-application",
                         auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=8000)
for record in consumer:
    print(record.partition, record.offset, record.value)
consumer.close(autocommit=False)
