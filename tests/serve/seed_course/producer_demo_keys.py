#!/usr/bin/python3
"""The Kafka beginners course's ProducerDemoKeys, as a plain kafka-python script: ten records with keys
id_0 .. id_9 to first_topic (3 partitions), each send blocking on its metadata (.get(), as the course's
v1 does, to show where each key went; not what a production producer does)."""
import os

from kafka import KafkaProducer

bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
producer = KafkaProducer(bootstrap_servers=bootstrap_servers,
                         key_serializer=str.encode, value_serializer=str.encode)

topic = "first_topic"
for i in range(10):
    key = "id_" + str(i)
    value = "hello world " + str(i)
    metadata = producer.send(topic, key=key, value=value).get(timeout=30)
    print("Key: %s | Partition: %d | Offset: %d" % (key, metadata.partition, metadata.offset))

producer.flush()
producer.close()
