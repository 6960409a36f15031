#!/bin/sh
# Lab 18 with kcat instead of the course's Python: the ten keyed records (-K: splits key:value; murmur2
# as Kafka's Java clients hash keys, where librdkafka's default would be CRC32), then a balanced
# consumer of my-fourth-application that stops at the end (-e) and commits as it leaves.
#   klab lab check 18 --run "sh labs/18-your-own-client/solution_kcat.sh"
set -e
for i in 0 1 2 3 4 5 6 7 8 9; do echo "id_$i:hello world $i"; done |
  kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -P -t first_topic -K: -X topic.partitioner=murmur2_random
kcat -b "$KAFKA_BOOTSTRAP_SERVERS" -G my-fourth-application -X auto.offset.reset=earliest -e -q -f '%k %p %o\n' first_topic
