// A Kafka consumer without a group: the application assigns partitions and moves positions itself
// (assign / seek / seek_to_beginning / seek_to_end / position), and poll() returns records in
// offset order per partition, at most max.poll.records at a time, reading below the high watermark.
//
// Position of an assigned partition:
//   unset --(auto.offset.reset: earliest|latest)--> offset      unset --(none)--> error on poll
//   offset --seek(n)--> n        seek_to_beginning/end: resolved lazily at the next poll/position,
//   as Kafka does. A position outside [log start, log end] is reset by auto.offset.reset, or is
//   an OFFSET_OUT_OF_RANGE error under "none".
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/config.hpp"
#include "cluster/cluster.hpp"

namespace klab {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
  std::string to_string() const { return topic + "-" + std::to_string(partition); }
};

struct ConsumerRecord {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  TimeMs timestamp = 0;
  TimestampType timestamp_type = TimestampType::CreateTime;
  // Views into the log (valid until its segment is deleted) or, for a compressed batch, into the
  // consumer's decompressed copy (valid until the next poll).
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  HeadersView headers;
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> create(Cluster& cluster, const ConfigEntries& config);

  // Replaces the assignment. UNKNOWN_TOPIC_OR_PARTITION if a partition does not exist.
  Status assign(const std::vector<TopicPartition>& partitions);
  const std::vector<TopicPartition>& assignment() const { return assigned_order_; }
  void seek(const TopicPartition& partition, int64_t offset);  // UsageError when not assigned or negative
  void seek_to_beginning(const std::vector<TopicPartition>& partitions = {});  // empty: all assigned
  void seek_to_end(const std::vector<TopicPartition>& partitions = {});
  Result<int64_t> position(const TopicPartition& partition);

  // Fills `out` (cleared first) and returns its size. Runs the simulation up to timeout_ms when
  // nothing is available yet.
  Result<std::size_t> poll(int64_t timeout_ms, std::vector<ConsumerRecord>& out);

  const std::string& client_id() const { return client_id_; }
  const ConfigSet& config() const { return config_; }

 private:
  enum class Reset { None, Earliest, Latest };
  struct Assigned {
    TopicPartition partition;
    std::optional<int64_t> position;
    Reset pending_reset = Reset::None;
  };
  Consumer(Cluster& cluster, ConfigSet config);
  Assigned& assigned(const TopicPartition& partition);
  const Partition* find_partition(const TopicPartition& partition) const;
  Status resolve_position(Assigned& state);
  bool has_data() const;
  Status collect(std::vector<ConsumerRecord>& out);

  Cluster& cluster_;
  ConfigSet config_;
  std::string client_id_;
  int64_t max_poll_records_;
  std::vector<TopicPartition> assigned_order_;
  std::vector<Assigned> states_;
  std::size_t next_start_ = 0;  // rotates the partition a poll starts with, so none starves
  DecompressedBatches decompressed_;  // what this poll's records of compressed batches point into
};

}  // namespace klab
