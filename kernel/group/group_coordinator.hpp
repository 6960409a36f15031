// The group coordinator of a simulated cluster: every broker's GroupCoordinator at once, each
// group served by the broker that leads the group's partition of __consumer_offsets
// (offsets_topic.hpp). It is called by the broker handlers (kernel/broker: JoinGroup, SyncGroup,
// ...) once a request has reached broker B over the one simulated network (BrokerService for
// klab's own clients, the FrontEnd for wire clients), and answers the way Kafka 3.7's classic
// GroupCoordinator answers; group state changes, commits and failovers are cluster events.
//
// At broker B: B does not lead the group's partition -> NOT_COORDINATOR; B still loading it ->
// COORDINATOR_LOAD_IN_PROGRESS; else the group handles it. `done` may run before the call returns
// (an answer known at once) or later (a rebalance, a commit waiting for its replicas).
//
// Timers (scheduler events): a member's session (session.timeout.ms after its last heartbeat, or
// 5 minutes for a member whose first JoinGroup waits), a pending member id (session.timeout.ms),
// the rebalance (group.initial.rebalance.delay.ms for an empty group, re-armed while new members
// keep coming, up to the rebalance timeout; else the rebalance timeout), and the pending sync (a
// member of a new generation that sends no SyncGroup within the rebalance timeout is removed).
//
// Storage: commits and group metadata are appended to the group's partition with acks=all and
// answered once the high watermark covers them (offsets.commit.timeout.ms at most). A partition
// whose leader changes is unloaded on the old leader (pending requests: NOT_COORDINATOR) and loaded
// on the new one by replaying its log, as Kafka's GroupMetadataManager does.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster.hpp"
#include "group/classic_group.hpp"
#include "group/coordinator_records.hpp"

namespace klab::group {

struct JoinRequest {
  std::string group_id;
  std::string member_id;  // "" for a member's first join
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string protocol_type = "consumer";
  std::vector<std::pair<std::string, std::string>> protocols;
  std::string reason;  // why the member (re)joins, for the event timeline
};

struct SyncRequest {
  std::string group_id;
  int32_t generation = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::map<std::string, std::string> assignments;  // leader only: member id -> assignment bytes
};

struct MemberIdentity {
  std::string group_id;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation = -1;
};

struct OffsetToCommit {
  TopicPartition partition;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::string metadata;
};

using CommitResult = std::vector<std::pair<TopicPartition, ErrorCode>>;
using FetchedOffsets = std::map<TopicPartition, CommittedOffset>;

struct GroupOverview {
  std::string group_id;
  std::string state;
  std::string protocol_type;  // "consumer", or "" for a group that only stores offsets
};

class GroupCoordinator : public Cluster::Service {
 public:
  // The cluster's coordinator, created (and hooked to its events) on first use.
  static GroupCoordinator& of(Cluster& cluster);
  // The cluster's coordinator if one was created, without creating it (for observers such as the
  // inspector, which must not change the cluster).
  static const GroupCoordinator* find(const Cluster& cluster);
  explicit GroupCoordinator(Cluster& cluster);
  ~GroupCoordinator() override;

  // FindCoordinator, at the broker asked. Creates __consumer_offsets on first use.
  void find_coordinator(const std::string& group_id, std::function<void(Result<BrokerId>)> done);
  void join_group(BrokerId broker, JoinRequest request, std::function<void(JoinResult)> done);
  void sync_group(BrokerId broker, SyncRequest request, std::function<void(SyncResult)> done);
  void heartbeat(BrokerId broker, MemberIdentity member, std::function<void(ErrorCode)> done);
  void leave_group(BrokerId broker, MemberIdentity member, std::string reason, std::function<void(ErrorCode)> done);
  // member.generation -1 with an empty member id: a commit outside group management (assign()).
  void commit_offsets(BrokerId broker, MemberIdentity member, std::vector<OffsetToCommit> offsets,
                      std::function<void(Result<CommitResult>)> done);
  void fetch_offsets(BrokerId broker, const std::string& group_id, std::vector<TopicPartition> partitions,
                     std::function<void(Result<FetchedOffsets>)> done);

  // Reads for the admin tools and tests: the group as its coordinator holds it now.
  const ClassicGroup* find_group(const std::string& group_id) const;
  std::vector<GroupOverview> list_groups() const;
  // The broker coordinating `group_id` now (-1: none alive or the offsets topic does not exist).
  BrokerId coordinator_broker(const std::string& group_id) const;
  // Writes offsets for an inactive group directly (admin reset); NON_EMPTY_GROUP-like checks are
  // the caller's. Answers once stored.
  void store_admin_offsets(const std::string& group_id, std::vector<OffsetToCommit> offsets,
                           std::function<void(Status)> done);
  // DeleteGroups: GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, or the group and its offsets tombstoned.
  void delete_group(const std::string& group_id, std::function<void(Status)> done);

  Cluster& cluster() { return cluster_; }

 private:
  struct PartitionState {
    BrokerId leader = -1;  // the broker that loaded it; -1 unloaded
    bool loading = false;
  };

  // Routing (group_coordinator.cpp).
  std::optional<ErrorCode> route(BrokerId broker, const std::string& group_id);
  int32_t partition_of(const std::string& group_id) const;
  ClassicGroup* group(const std::string& group_id);
  ClassicGroup& get_or_create(const std::string& group_id);
  void event(const ClassicGroup& group, std::string kind, std::string description);

  // Membership (group_membership.cpp).
  void handle_join(JoinRequest request, std::function<void(JoinResult)> done);
  void join_unknown_member(ClassicGroup& group, JoinRequest request, std::function<void(JoinResult)> done);
  void join_known_member(ClassicGroup& group, JoinRequest request, std::function<void(JoinResult)> done);
  void add_member_and_rebalance(ClassicGroup& group, JoinRequest request, std::string member_id,
                                std::function<void(JoinResult)> done);
  void update_member_and_rebalance(ClassicGroup& group, Member& member, JoinRequest request,
                                   std::function<void(JoinResult)> done);
  void handle_sync(SyncRequest request, std::function<void(SyncResult)> done);
  ErrorCode handle_heartbeat(const MemberIdentity& member);
  ErrorCode handle_leave(const MemberIdentity& member, const std::string& reason);
  void maybe_prepare_rebalance(ClassicGroup& group, const std::string& reason);
  void prepare_rebalance(ClassicGroup& group, const std::string& reason);
  void arm_initial_delay(const std::string& group_id, int64_t delay_ms, int64_t remaining_ms);
  void try_complete_join(ClassicGroup& group);
  void complete_join(const std::string& group_id);
  void remove_member_and_update_group(ClassicGroup& group, const std::string& member_id, const std::string& reason);
  void schedule_session_expiry(ClassicGroup& group, Member& member, int64_t timeout_ms);
  void schedule_pending_sync_expiry(ClassicGroup& group);
  void cancel_timers(ClassicGroup& group);
  void propagate_assignment(ClassicGroup& group, ErrorCode error);
  std::string generate_member_id(const JoinRequest& request);
  void on_session_expired(const std::string& group_id, uint64_t incarnation, const std::string& member_id);

  // Storage and failover (group_storage.cpp).
  void store_group(ClassicGroup& group, std::function<void(Status)> done);
  void store_offsets(ClassicGroup& group, std::vector<OffsetToCommit> offsets, std::function<void(Result<CommitResult>)> done);
  void append_records(int32_t partition, std::vector<std::pair<std::string, std::optional<std::string>>> records,
                      std::function<void(Status)> done);
  void on_cluster_event(const ClusterEvent& event);
  void on_partition_leader_change(int32_t partition);
  void unload_partition(int32_t partition);
  void load_partition(int32_t partition, BrokerId leader);
  void handle_commit(MemberIdentity member, std::vector<OffsetToCommit> offsets,
                     std::function<void(Result<CommitResult>)> done);

  Cluster& cluster_;
  std::map<std::string, std::unique_ptr<ClassicGroup>, std::less<>> groups_;
  std::map<int32_t, PartitionState> partitions_;
  uint64_t next_incarnation_ = 1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // scheduled work checks it
};

}  // namespace klab::group
