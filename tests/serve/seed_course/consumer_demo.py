#!/usr/bin/python3
"""The Kafka beginners course's ConsumerDemo, as a plain kafka-python script: group my-fourth-application
reads first_topic from the earliest offset and logs each record, until Ctrl-C; closing the consumer
commits its offsets and leaves the group (as the course's ConsumerDemoWithShutdown does)."""
import os

from kafka import KafkaConsumer

bootstrap_servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
consumer = KafkaConsumer(bootstrap_servers=bootstrap_servers,
                         group_id="my-fourth-application",
                         auto_offset_reset="earliest",
                         key_deserializer=bytes.decode, value_deserializer=bytes.decode)
consumer.subscribe(["first_topic"])

try:
    while True:
        records = consumer.poll(timeout_ms=100)
        for partition_records in records.values():
            for record in partition_records:
                print("Key: %s, Value: %s" % (record.key, record.value))
                print("Partition: %d, Offset: %d" % (record.partition, record.offset), flush=True)
except KeyboardInterrupt:
    print("Ctrl-C: shutting down the consumer")
finally:
    consumer.close()  # commits the offsets
