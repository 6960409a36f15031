// ListOffsets, versions 1-5 (v0's old_style_offsets list is not served).
//   v1: one offset and its timestamp per partition.  v2: isolation_level, throttle_time_ms.
//   v3: the same as v2.  v4: current_leader_epoch in, leader_epoch out.  v5: the same as v4.
// timestamp -2 (earliest): the log start offset; -1 (latest): the high watermark (= the last
// stable offset: no transactions, so both isolation levels agree); any other timestamp: the first
// offset below the high watermark whose record's timestamp is >= it, with that timestamp, or
// offset -1 when no record is that late. Earliest and latest answer timestamp -1.
// The leader epoch is the partition's for latest, and the one that wrote the offset otherwise.
#include "broker/handlers.hpp"
#include "log/compressed_batch.hpp"

namespace klab::broker {
namespace {

constexpr int64_t kLatest = -1, kEarliest = -2;

int32_t epoch_at(const Replica& replica, int64_t offset) {
  int32_t epoch = -1;
  for (const EpochEntry& entry : replica.epochs)
    if (entry.start_offset <= offset) epoch = entry.epoch;
  return epoch;
}

struct Found {
  int64_t offset = -1;
  int64_t timestamp = -1;
  int32_t leader_epoch = -1;
};

Found by_timestamp(const Replica& replica, int64_t wanted) {
  Found found;
  DecompressedBatches decompressed;
  const PartitionLog& log = replica.log;
  (void)log.read(log.log_start_offset(), replica.high_watermark, decompressed, [&](const RecordView& record) {
    if (record.timestamp < wanted) return true;
    found.offset = record.offset;
    found.timestamp = record.timestamp;
    return false;
  });
  if (found.offset >= 0) found.leader_epoch = epoch_at(replica, found.offset);
  return found;
}

void answer_partition(Request& request, const std::string& topic_name, const auto& wanted, auto& out) {
  out.partition_index = wanted.partition_index;
  out.timestamp = -1;
  out.offset = -1;
  out.leader_epoch = -1;
  Cluster& cluster = request.cluster();
  Topic* topic = cluster.find_topic(topic_name);
  if (!topic || wanted.partition_index < 0 || wanted.partition_index >= topic->partition_count()) {
    out.error_code = static_cast<int16_t>(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION);
    return;
  }
  const Partition& partition = *topic->partitions[static_cast<std::size_t>(wanted.partition_index)];
  if (partition.leader != request.broker()) {
    out.error_code = static_cast<int16_t>(ErrorCode::NOT_LEADER_OR_FOLLOWER);
    return;
  }
  const Replica& replica = *partition.replica_on(request.broker());
  if (wanted.timestamp == kLatest) {
    out.offset = replica.high_watermark;
    out.leader_epoch = partition.leader_epoch;
  } else if (wanted.timestamp == kEarliest) {
    out.offset = replica.log.log_start_offset();
    out.leader_epoch = epoch_at(replica, out.offset);
  } else {
    const Found found = by_timestamp(replica, wanted.timestamp);
    out.offset = found.offset;
    out.timestamp = found.timestamp;
    out.leader_epoch = found.leader_epoch;
  }
}

}  // namespace

void handle(const RequestPtr& request, const protocol::ListOffsetsRequest& body) {
  protocol::ListOffsetsResponse response;
  for (const auto& topic : body.topics) {
    auto& topic_out = response.topics.emplace_back();
    topic_out.name = topic.name;
    for (const auto& wanted : topic.partitions)
      answer_partition(*request, topic.name, wanted, topic_out.partitions.emplace_back());
  }
  request->respond(response);
}

}  // namespace klab::broker
