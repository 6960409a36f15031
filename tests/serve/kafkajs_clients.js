// kafkajs 2.2.4 (npm, pinned in scripts/npm) against `klab serve`.
// usage: node kafkajs_clients.js BOOTSTRAP   (kafkajs_test.sh starts the server and sets NODE_PATH)
// Admin createTopics / listTopics / describeGroups / fetchOffsets, a keyed producer (acks=all) and a
// group consumer under consumer.run. Each check prints `ok   ...` or throws; the whole run is bounded.
'use strict';
const { Kafka, logLevel, AssignerProtocol } = require('kafkajs');

const bootstrap = process.argv[2];
const run = Math.random().toString(16).slice(2, 10);
const topic = `js-${run}`;
const groupId = `js-group-${run}`;
const records = 30;
const deadline = setTimeout(() => {
  console.error('FAIL: kafkajs checks did not finish within 60 s');
  process.exit(1);
}, 60000);

function ok(what) { console.log(`ok   ${what}`); }
function check(condition, what) { if (!condition) throw new Error(`check failed: ${what}`); }

async function main() {
  const kafka = new Kafka({ clientId: 'klab-kafkajs-test', brokers: [bootstrap], logLevel: logLevel.ERROR,
                            connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 5 } });
  const admin = kafka.admin();
  await admin.connect();
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }],
                                             waitForLeaders: true });
  check(created === true, `createTopics answered ${created}`);
  console.log('     (an ERROR line for CreateTopics next is the expected TOPIC_ALREADY_EXISTS)');
  const again = await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
  check(again === false, 'createTopics of an existing topic answers false (TOPIC_ALREADY_EXISTS)');
  const topics = await admin.listTopics();
  check(topics.includes(topic), `listTopics: ${topics}`);
  const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
  check(metadata.topics[0].partitions.length === 3, JSON.stringify(metadata));
  ok('kafkajs admin.createTopics / listTopics / fetchTopicMetadata');

  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < records; i++) messages.push({ key: `truck-${i % 3}`, value: `v${i}` });
  const acked = await producer.send({ topic, acks: -1, messages });
  const byPartition = Object.fromEntries(acked.map((r) => [r.partition, r]));
  // Kafka's default partitioner (kafkajs 2's DefaultPartitioner): murmur2("truck-1") % 3 = 0
  const single = await producer.send({ topic, acks: -1, messages: [{ key: 'truck-1', value: 'probe' }] });
  check(single[0].partition === 0 && single[0].errorCode === 0, JSON.stringify(single));
  check(Object.keys(byPartition).length >= 2, JSON.stringify(acked));
  ok(`kafkajs producer.send acks=all: ${records + 1} keyed records acked`);
  await producer.disconnect();

  // A short fetch max wait: disconnect waits for the parked fetch, which the broker holds that long.
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen = [];
  let allSeen;
  const done = new Promise((resolve) => { allSeen = resolve; });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push(`${partition}:${message.key}=${message.value}`);
      if (seen.length === records + 1) allSeen();
    },
  });
  await done;
  check(seen.includes('0:truck-1=probe'), seen.join(' '));
  ok(`kafkajs consumer.run in a group read all ${records + 1} records`);

  const described = await admin.describeGroups([groupId]);
  const group = described.groups[0];
  check(group.groupId === groupId && group.errorCode === 0, JSON.stringify(described));
  check(group.state === 'Stable' && group.protocolType === 'consumer', JSON.stringify(group));
  check(group.members.length === 1 && group.members[0].clientId === 'klab-kafkajs-test', JSON.stringify(group));
  const member = group.members[0];
  check(member.clientHost === '/127.0.0.1', `clientHost ${member.clientHost} (Kafka answers /ADDRESS)`);
  const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
  check(JSON.stringify(assignment.assignment) === JSON.stringify({ [topic]: [0, 1, 2] }), JSON.stringify(assignment));
  const subscription = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
  check(JSON.stringify(subscription.topics) === JSON.stringify([topic]), JSON.stringify(subscription));
  ok(`kafkajs admin.describeGroups: ${group.state}, protocol ${group.protocol}, 1 member owning partitions 0-2`);

  await consumer.disconnect();  // commits what it resolved, then leaves the group
  const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committed = offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
  check(committed === records + 1, JSON.stringify(offsets));
  const empty = (await admin.describeGroups([groupId])).groups[0];
  check(empty.state === 'Empty' && empty.members.length === 0, JSON.stringify(empty));
  ok(`kafkajs committed offsets add up to ${committed}; the group is Empty after disconnect`);
  await admin.disconnect();
}

main().then(() => { clearTimeout(deadline); }, (error) => {
  console.error('FAIL:', error);
  process.exit(1);
});
