// A Kafka consumer. Two ways to get partitions, as in Kafka (they exclude each other):
//  - assign(): the application picks partitions and moves positions itself (seek, position); no
//    group is needed, though with a group.id it may still commit.
//  - subscribe(): the consumer joins the group named by group.id and the group hands it partitions
//    (consumer_group.cpp; the broker side is kernel/group). poll() drives the membership: it joins
//    and syncs when a rebalance asks for it, calls the rebalance listener, fetches committed
//    offsets for new partitions, and auto-commits every auto.commit.interval.ms. Heartbeats run in
//    the background on the simulated clock, as Kafka's heartbeat thread does, whether or not the
//    application polls; a consumer that does not poll for max.poll.interval.ms leaves the group.
//
// poll() returns records in offset order per partition, at most max.poll.records at a time,
// reading below the high watermark.
//
// Position of an assigned partition:
//   unset --(committed offset of the group)--> offset   (subscribe: fetched when assigned)
//   unset --(auto.offset.reset: earliest|latest)--> offset      unset --(none)--> error on poll
//   offset --seek(n)--> n        seek_to_beginning/end: resolved lazily at the next poll/position,
//   as Kafka does. A position outside [log start, log end] is reset by auto.offset.reset, or is
//   an OFFSET_OUT_OF_RANGE error under "none".
//
// Group membership as the member sees it (Kafka's AbstractCoordinator.MemberState):
//   UNJOINED --JoinGroup--> PREPARING_REBALANCE --join answer, SyncGroup--> COMPLETING_REBALANCE
//   --assignment--> STABLE; a rebalance (heartbeat REBALANCE_IN_PROGRESS, subscription or metadata
//   change, a cooperative revocation) sends it back to PREPARING_REBALANCE at the next poll.
#pragma once
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/config.hpp"
#include "client/consumer_metrics.hpp"
#include "cluster/cluster.hpp"
#include "group/assignment.hpp"
#include "group/classic_group.hpp"

namespace klab {

class GroupChannel;

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

// ConsumerRebalanceListener. Each is optional. on_lost, when unset, calls on_revoked (as Java's
// default onPartitionsLost does). Called from inside poll() (and close()), never in between.
struct RebalanceListener {
  std::function<void(const std::vector<TopicPartition>&)> on_assigned;
  std::function<void(const std::vector<TopicPartition>&)> on_revoked;
  std::function<void(const std::vector<TopicPartition>&)> on_lost;
};

struct OffsetAndMetadata {
  int64_t offset = 0;
  std::string metadata;
  int32_t leader_epoch = -1;  // of the last record consumed; -1: unknown (Optional.empty)
};

// commit_async's callback: the offsets it tried, and null or the error.
using CommitCallback = std::function<void(const std::map<TopicPartition, OffsetAndMetadata>&, const Error*)>;

enum class MemberState { Unjoined, PreparingRebalance, CompletingRebalance, Stable };
std::string_view member_state_name(MemberState state);

// A ConsumerInterceptor (interceptor.classes): on_consume sees the records poll() is about to return,
// on_commit the offsets of each successful commit (sync, async or automatic). They observe; either may be empty.
struct ConsumerInterceptor {
  std::function<void(const std::vector<ConsumerRecord>& records)> on_consume;
  std::function<void(const std::map<TopicPartition, OffsetAndMetadata>& offsets)> on_commit;
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> create(Cluster& cluster, const ConfigEntries& config,
                                                  RebalanceListener listener = {});
  ~Consumer();

  // Replaces the assignment. UNKNOWN_TOPIC_OR_PARTITION if a partition does not exist.
  Status assign(const std::vector<TopicPartition>& partitions);
  const std::vector<TopicPartition>& assignment() const { return assigned_order_; }
  void seek(const TopicPartition& partition, int64_t offset);  // UsageError when not assigned or negative
  void seek_to_beginning(const std::vector<TopicPartition>& partitions = {});  // empty: all assigned
  void seek_to_end(const std::vector<TopicPartition>& partitions = {});
  Result<int64_t> position(const TopicPartition& partition);

  // Joins the group (group.id) for these topics; an empty list unsubscribes. INVALID_GROUP_ID
  // without group.id; INVALID_TOPIC_EXCEPTION for an illegal topic name. A listener given here
  // replaces the one from create().
  Status subscribe(const std::vector<std::string>& topics, std::optional<RebalanceListener> listener = std::nullopt);
  const std::set<std::string>& subscription() const { return subscription_; }
  void unsubscribe();

  // Fills `out` (cleared first) and returns its size. Runs the simulation up to timeout_ms when
  // nothing is available yet.
  Result<std::size_t> poll(int64_t timeout_ms, std::vector<ConsumerRecord>& out);
  void set_interceptors(std::vector<ConsumerInterceptor> interceptors) { interceptors_ = std::move(interceptors); }

  // Commits the current positions of every assigned partition (or `offsets`), waiting for the answer.
  Status commit_sync();
  Status commit_sync(const std::map<TopicPartition, OffsetAndMetadata>& offsets);
  // Sends the commit and returns; `callback` runs at a later poll / commit_sync / close.
  void commit_async(CommitCallback callback = nullptr);
  void commit_async(const std::map<TopicPartition, OffsetAndMetadata>& offsets, CommitCallback callback);
  // The group's committed offset for `partition` (nullopt: none), asked of the coordinator.
  Result<std::optional<OffsetAndMetadata>> committed(const TopicPartition& partition);

  // Commits (with enable.auto.commit), calls on_revoked, leaves the group (dynamic members), closes.
  Status close();
  // Stops dead: no commit, no LeaveGroup, no more heartbeats. The group notices after
  // session.timeout.ms. The consumer is closed afterwards.
  void crash();
  bool closed() const { return closed_; }

  const std::string& client_id() const { return client_id_; }
  const ConfigSet& config() const { return config_; }
  // Membership as this consumer knows it ("" / -1 before it joined).
  const std::string& member_id() const { return member_id_; }
  int32_t generation() const { return generation_; }
  MemberState member_state() const { return member_state_; }
  const std::optional<std::string>& group_protocol() const { return protocol_; }
  // consumer-fetch-manager-metrics (consumer_metrics.hpp), also published in the cluster's
  // MetricsRegistry while the consumer lives.
  void publish_metrics(TimeMs now, std::vector<MetricSample>& out) const { metrics_.publish(now, client_id_, out); }
  // The client-level ones by name: fetch-rate, records-lag-max, records-consumed-rate, ...
  std::vector<std::pair<std::string, double>> metrics() const { return metrics_.snapshot(cluster_.now()); }

 private:
  enum class Reset { None, Earliest, Latest };
  struct Assigned {
    TopicPartition partition;
    std::optional<int64_t> position;
    Reset pending_reset = Reset::None;
    bool awaiting_committed = false;  // assigned by the group; its committed offset is being fetched
    int32_t position_epoch = -1;      // leader epoch of the record before the position (-1: unknown)
  };

  Consumer(Cluster& cluster, ConfigSet config, RebalanceListener listener);
  Result<std::size_t> poll_records(int64_t timeout_ms, std::vector<ConsumerRecord>& out);
  Assigned& assigned(const TopicPartition& partition);
  const Partition* find_partition(const TopicPartition& partition) const;
  Status resolve_position(Assigned& state);
  bool has_data() const;
  Status collect(std::vector<ConsumerRecord>& out);
  // Fetch metrics for one partition read by collect(): records, bytes and lag; the broker's side.
  void record_partition_fetch(const Assigned& state, const Partition& partition, Topic& topic, int64_t from,
                              int64_t records, std::vector<BrokerId>& leaders);
  void forget_unassigned_metrics();
  void stop_publishing_metrics();
  void set_assignment(const std::vector<TopicPartition>& partitions, bool from_group);
  void ensure_open() const;

  // Group membership (consumer_group.cpp).
  bool group_managed() const { return !subscription_.empty() || member_state_ != MemberState::Unjoined; }
  Status require_group_id() const;
  Status poll_group();
  bool group_needs_attention() const;
  void ensure_coordinator_lookup();
  void with_coordinator(std::function<void(const Error*)> then);
  void wake_at(TimeMs when);
  void fail_fatally(ErrorCode code, std::string message);
  void on_leave_prepare();
  void on_join_prepare();
  void send_join_group();
  void handle_join_answer(group::JoinResult answer);
  void send_sync_group(std::map<std::string, std::string> assignments);
  void handle_sync_answer(group::SyncResult answer);
  std::map<std::string, std::string> run_assignor(const std::string& protocol, const group::JoinResult& answer);
  void on_join_complete(std::vector<TopicPartition> assigned);
  void start_heartbeats();
  void send_heartbeat(uint64_t heartbeat_epoch);
  void check_poll_timeout();
  void reset_generation(bool reset_member_id, const std::string& reason);
  void mark_coordinator_unknown();
  void request_rejoin(const std::string& reason);
  // Sends LeaveGroup when the member has a place to leave; the flag turns true with the answer
  // (at once when nothing was sent).
  std::shared_ptr<bool> maybe_leave_group(const std::string& reason);
  void fetch_committed_positions();
  void refresh_metadata_if_due();
  void invoke(const std::function<void(const std::vector<TopicPartition>&)>& callback,
              const std::vector<TopicPartition>& partitions, const char* event_kind);
  void record_event(std::string kind, std::string description);
  bool cooperative() const;

  // Offsets (consumer_commit.cpp).
  std::map<TopicPartition, OffsetAndMetadata> all_consumed() const;
  Status commit_offsets_sync(const std::map<TopicPartition, OffsetAndMetadata>& offsets, TimeMs deadline);
  void send_commit(const std::map<TopicPartition, OffsetAndMetadata>& offsets,
                   std::function<void(const Error*)> done);
  Status commit_error(ErrorCode code, const TopicPartition* partition);
  void maybe_auto_commit_async();
  void run_completed_commit_callbacks();
  bool wait_for(TimeMs deadline, const std::function<bool()>& done);

  Cluster& cluster_;
  ConfigSet config_;
  std::string client_id_;
  int64_t max_poll_records_;
  std::vector<TopicPartition> assigned_order_;
  std::vector<Assigned> states_;
  std::size_t next_start_ = 0;  // rotates the partition a poll starts with, so none starves
  bool closed_ = false;
  bool user_assigned_ = false;  // assign() was used: subscribe() is refused until unassigned
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // scheduled work checks it

  // Group state.
  std::unique_ptr<GroupChannel> group_channel_;  // group requests to the brokers (group_channel.hpp)
  RebalanceListener listener_;
  std::set<std::string> subscription_;
  std::set<std::string> joined_subscription_;
  std::optional<std::string> group_id_;
  std::optional<std::string> group_instance_id_;
  std::vector<group::AssignorKind> assignors_;
  std::optional<BrokerId> coordinator_;
  bool find_in_flight_ = false;
  TimeMs retry_at_ = 0;
  MemberState member_state_ = MemberState::Unjoined;
  std::string member_id_;
  int32_t generation_ = -1;
  std::optional<std::string> protocol_;
  bool rejoin_needed_ = true;
  std::string rejoin_reason_;  // sent with the next JoinGroup, for the coordinator's event
  bool join_prepared_ = false;
  bool join_in_flight_ = false;
  bool join_prepare_commit_pending_ = false;
  std::optional<group::JoinResult> join_answer_;
  std::optional<group::SyncResult> sync_answer_;
  bool sync_in_flight_ = false;
  bool join_prepare_started_ = false;
  std::set<std::string> group_subscription_;  // leader only: every member's topics
  std::exception_ptr listener_error_;
  std::optional<std::string> fatal_error_message_;
  std::optional<ErrorCode> fatal_error_code_;
  uint64_t heartbeat_epoch_ = 0;  // bumped to stop the heartbeat loop
  bool heartbeat_running_ = false;
  TimeMs last_poll_ms_ = 0;
  bool poll_timeout_armed_ = false;
  std::map<std::string, int32_t> assignment_snapshot_;  // leader only: partition counts it assigned from
  TimeMs next_metadata_refresh_ = 0;
  std::vector<TopicPartition> last_assignment_;  // what an eager sticky member owned, for its user data
  int32_t last_assignment_generation_ = -1;
  bool committed_fetch_in_flight_ = false;
  TimeMs next_auto_commit_ms_ = 0;
  std::vector<std::function<void()>> completed_commit_callbacks_;
  std::vector<ConsumerInterceptor> interceptors_;
  DecompressedBatches decompressed_;  // what this poll's records of compressed batches point into
  ConsumerMetrics metrics_;
  MetricsRegistry::SourceId metrics_source_ = 0;
};

}  // namespace klab
