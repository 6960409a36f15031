// One consumer group as the coordinator holds it (Kafka's classic group protocol, 3.7): its state,
// generation, members with their supported protocols and assignments, and its committed offsets.
// Behaviour (who may join, when a rebalance ends) lives in the coordinator; this is the state and
// the rules that only look at it.
//
//                       first member joins (after group.initial.rebalance.delay.ms)
//        +-------+  ---------------------------------------------->  +--------------------+
//        | Empty |                                                   | PreparingRebalance |<--+
//        +-------+  <---- every member left or timed out ---------   +--------------------+   |
//            |            (generation + 1)                             | all members joined   |
//   delete   |                                                         v (generation + 1)     |
//            v                       leader's SyncGroup stored  +---------------------+     join, leave,
//        +------+     +--------+  <---------------------------  | CompletingRebalance | --> timeout,
//        | Dead |     | Stable |                                +---------------------+    metadata
//        +------+     +--------+  ------------------------------------------------------------^
//   (also: a group whose coordinator moved away is Dead on the old coordinator)
//
// Invariants:
//  1. transition_to() only takes the edges Kafka allows (GroupState.validPreviousStates); any
//     other is a bug and asserts.
//  2. A static member's group.instance.id maps to exactly one current member id.
//  3. The leader, when set, is a member.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/error.hpp"
#include "base/scheduler.hpp"
#include "group/topic_partition.hpp"

namespace klab::group {

enum class GroupState { Empty, PreparingRebalance, CompletingRebalance, Stable, Dead };
std::string_view group_state_name(GroupState state);

struct JoinedMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string metadata;  // the member's subscription for the chosen protocol
};

struct JoinResult {
  ErrorCode error = ErrorCode::NONE;
  std::string member_id;
  int32_t generation = -1;
  std::optional<std::string> protocol;
  std::string leader_id;
  std::vector<JoinedMember> members;  // only for the leader
  bool skip_assignment = false;       // a static leader rejoining a stable group keeps the assignment
};

struct SyncResult {
  ErrorCode error = ErrorCode::NONE;
  std::string assignment;  // consumer_protocol.hpp bytes
};

struct Member {
  std::string id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::vector<std::pair<std::string, std::string>> protocols;  // (name, metadata), most preferred first
  std::string assignment;
  std::function<void(JoinResult)> awaiting_join;
  std::function<void(SyncResult)> awaiting_sync;
  bool is_new = false;
  TimeMs latest_heartbeat = 0;
  std::optional<Scheduler::EventId> expiry;  // session (or new-member join) deadline

  bool is_static() const { return group_instance_id.has_value(); }
  const std::string* metadata_for(std::string_view protocol) const;
  // Same protocol names and metadata, in the same order (JoinGroup that changes nothing).
  bool matches(const std::vector<std::pair<std::string, std::string>>& other) const { return protocols == other; }
};

struct CommittedOffset {
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::string metadata;
  TimeMs commit_timestamp = 0;
};

class ClassicGroup {
 public:
  ClassicGroup(std::string id, TimeMs now) : id_(std::move(id)), state_timestamp_(now) {}

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  bool is(GroupState state) const { return state_ == state; }
  void transition_to(GroupState target, TimeMs now);
  TimeMs state_timestamp() const { return state_timestamp_; }
  int32_t generation() const { return generation_; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  const std::optional<std::string>& protocol() const { return protocol_; }
  const std::optional<std::string>& leader() const { return leader_; }
  bool is_leader(const std::string& member_id) const { return leader_ && *leader_ == member_id; }

  // Members in join order (the order Kafka's first-joined-leads rule and describe use here).
  const std::vector<std::string>& member_order() const { return member_order_; }
  std::size_t size() const { return members_.size(); }
  bool has(const std::string& member_id) const { return members_.count(member_id) > 0; }
  Member& member(const std::string& member_id) { return members_.at(member_id); }
  const Member& member(const std::string& member_id) const { return members_.at(member_id); }
  void add(Member member);
  void remove(const std::string& member_id);
  // Static membership: the member id now holding `instance_id`, if any.
  std::optional<std::string> static_member(const std::string& instance_id) const;
  // A known instance id presented with another member id: the caller is an old, fenced instance.
  bool is_static_member_fenced(const std::string& member_id, const std::optional<std::string>& instance_id) const;
  // Gives an existing static member a new member id (a restart), keeping its place and assignment.
  void replace_static_member(const std::string& old_id, const std::string& new_id);

  std::set<std::string>& pending_members() { return pending_members_; }

  // Protocols every member supports (Kafka: candidateProtocols), and the one the members' votes pick.
  std::set<std::string> candidate_protocols() const;
  bool supports_protocols(const std::string& protocol_type,
                          const std::vector<std::pair<std::string, std::string>>& protocols) const;
  std::string select_protocol() const;

  bool can_rebalance() const {
    return state_ == GroupState::Stable || state_ == GroupState::CompletingRebalance || state_ == GroupState::Empty;
  }
  // Every member has a JoinGroup waiting and no member id handed out is still unused.
  bool has_all_members_joined() const;
  std::vector<std::string> members_not_yet_rejoined() const;
  // The next generation: generation + 1, the protocol chosen, CompletingRebalance (or Empty).
  void init_next_generation(TimeMs now);
  // Keeps the leader if it rejoined, else the first member that did. False if none did.
  bool elect_joined_leader();
  void set_loaded(int32_t generation, std::optional<std::string> protocol_type, std::optional<std::string> protocol,
                  std::optional<std::string> leader, TimeMs now);

  int32_t rebalance_timeout_ms() const;  // the longest among members

  uint64_t incarnation = 0;       // distinguishes a reloaded group from the one a pending callback saw
  bool new_member_added = false;  // a member joined during the initial delay: wait again
  bool initial_delay = false;     // the rebalance waits for the initial delay, not for members
  std::optional<Scheduler::EventId> join_deadline;
  // Members of the new generation that have not sent SyncGroup yet (KIP-345's pending-sync
  // expiration, Kafka 2.5+): whoever has not synced within the rebalance timeout is removed.
  std::set<std::string> pending_sync;
  std::optional<Scheduler::EventId> sync_deadline;
  std::map<TopicPartition, CommittedOffset> offsets;

 private:
  std::string id_;
  GroupState state_ = GroupState::Empty;
  TimeMs state_timestamp_ = 0;
  int32_t generation_ = 0;
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_;
  std::optional<std::string> leader_;
  std::map<std::string, Member> members_;
  std::vector<std::string> member_order_;
  std::map<std::string, std::string> static_members_;  // group.instance.id -> member id
  std::set<std::string> pending_members_;              // ids handed out with MEMBER_ID_REQUIRED
};

}  // namespace klab::group
