// Fetch, versions 4-11, for consumers (a replica id >= 0 is treated as a consumer too: followers
// replicate inside the cluster, not over the wire).
//   v4: isolation_level, last_stable_offset, aborted_transactions.  v5: log_start_offset.
//   v7: fetch sessions (KIP-227): klab keeps none and answers session_id 0 (clients then send full
//   fetches, as librdkafka always does).  v9: current_leader_epoch.  v11: rack_id and
//   preferred_read_replica (always -1: no follower fetching).
// Reads whole stored batches from the batch holding fetch_offset up to the high watermark (the last
// stable offset equals it: there are no transactions, so read_committed reads the same), within
// partition_max_bytes and the request's max_bytes - except that the first batch of the first
// partition with data is returned even if larger (Kafka's rule, so a consumer always progresses).
// Less than min_bytes: the fetch parks until a high watermark of its partitions moves or max_wait_ms
// passes (fetch_park.hpp); a parked fetch whose partition's leader moved away is answered at once
// with NOT_LEADER_OR_FOLLOWER for that partition (Kafka's DelayedFetch). Errors: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER (this broker
// does not lead it; a zombie leader still serves its own log), OFFSET_OUT_OF_RANGE.
#include <limits>

#include "broker/fetch_park.hpp"
#include "broker/handlers.hpp"

namespace klab::broker {
namespace {

struct FetchRead {
  protocol::FetchResponse response;
  int64_t bytes = 0;
  bool error = false;
  std::vector<std::pair<Topic*, int64_t>> bytes_by_topic;  // for BytesOutPerSec
};

const Replica* serving_replica(Cluster& cluster, const Partition& partition, BrokerId broker) {
  if (partition.leader == broker) return partition.replica_on(broker);
  if (cluster.is_zombie_leader(partition, broker)) return partition.replica_on(broker);
  return nullptr;
}

// Whole batches from fetch_offset below the high watermark, within `limit` (the first one always
// when `min_one`).
std::string read_batches(const PartitionLog& log, int64_t from, int64_t upto, int64_t limit, bool min_one) {
  std::string out;
  log.read_batches(from, upto, [&](const RecordBatchView& batch) {
    const auto size = static_cast<int64_t>(batch.size_bytes());
    if (static_cast<int64_t>(out.size()) + size > limit && !(out.empty() && min_one)) return false;
    out.append(batch.bytes());
    return true;
  });
  return out;
}

void read_partition(Request& request, const std::string& topic_name, const auto& wanted, FetchRead& read,
                    int64_t& remaining, auto& out) {
  out.partition_index = wanted.partition;
  out.high_watermark = out.last_stable_offset = out.log_start_offset = -1;
  out.preferred_read_replica = -1;
  out.aborted_transactions.emplace();
  Cluster& cluster = request.cluster();
  Topic* topic = cluster.find_topic(topic_name);
  const auto fail = [&](ErrorCode code) {
    out.error_code = static_cast<int16_t>(code);
    read.error = true;
  };
  if (!topic || wanted.partition < 0 || wanted.partition >= topic->partition_count())
    return fail(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
  const Partition& partition = *topic->partitions[static_cast<std::size_t>(wanted.partition)];
  const Replica* replica = serving_replica(cluster, partition, request.broker());
  if (!replica) return fail(ErrorCode::NOT_LEADER_OR_FOLLOWER);
  out.high_watermark = out.last_stable_offset = replica->high_watermark;
  out.log_start_offset = replica->log.log_start_offset();
  if (!replica->log.check_fetch_offset(wanted.fetch_offset).ok()) return fail(ErrorCode::OFFSET_OUT_OF_RANGE);
  const int64_t limit = std::min<int64_t>(wanted.partition_max_bytes, remaining);
  std::string records = read_batches(replica->log, wanted.fetch_offset, replica->high_watermark, std::max<int64_t>(0, limit),
                                     read.bytes == 0);
  const auto size = static_cast<int64_t>(records.size());
  remaining -= size;
  read.bytes += size;
  if (size > 0) read.bytes_by_topic.emplace_back(topic, size);
  out.records = std::move(records);
}

FetchRead read_fetch(Request& request, const protocol::FetchRequest& body) {
  FetchRead read;
  read.response.session_id = 0;
  int64_t remaining = body.max_bytes > 0 ? body.max_bytes : std::numeric_limits<int32_t>::max();
  for (const auto& topic : body.topics) {
    auto& topic_out = read.response.responses.emplace_back();
    topic_out.topic = topic.topic;
    for (const auto& wanted : topic.partitions)
      read_partition(request, topic.topic, wanted, read, remaining, topic_out.partitions.emplace_back());
  }
  return read;
}

void answer(Request& request, FetchRead& read) {
  Cluster& cluster = request.cluster();
  for (auto& [topic, bytes] : read.bytes_by_topic)
    if (cluster.find_topic(topic->name) == topic) cluster.record_bytes_out(request.broker(), *topic, bytes);
  cluster.record_request(request.broker(), RequestName::FetchConsumer);
  request.respond(read.response);
}

std::set<std::pair<std::string, int32_t>> partitions_of(const protocol::FetchRequest& body) {
  std::set<std::pair<std::string, int32_t>> partitions;
  for (const auto& topic : body.topics)
    for (const auto& wanted : topic.partitions) partitions.emplace(topic.topic, wanted.partition);
  return partitions;
}

}  // namespace

void handle(const RequestPtr& request, const protocol::FetchRequest& body) {
  FetchRead read = read_fetch(*request, body);
  if (read.error || read.bytes >= body.min_bytes || body.max_wait_ms <= 0) {
    answer(*request, read);
    return;
  }
  auto parked_body = std::make_shared<protocol::FetchRequest>(body);
  const TimeMs deadline = request->cluster().now() + body.max_wait_ms;
  request->state().fetches->park(
      request->connection_id(), partitions_of(body), deadline,
      [request, parked_body] {
        if (!request->open()) return true;
        FetchRead again = read_fetch(*request, *parked_body);
        if (!again.error && again.bytes < parked_body->min_bytes) return false;
        answer(*request, again);
        return true;
      },
      [request, parked_body] {
        if (!request->open()) return;
        FetchRead last = read_fetch(*request, *parked_body);
        answer(*request, last);
      });
}

}  // namespace klab::broker
