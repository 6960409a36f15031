// The consumer's way to its group coordinator: Kafka's group requests (FindCoordinator v2,
// JoinGroup v5, SyncGroup v3, Heartbeat v3, LeaveGroup v3, OffsetCommit v7, OffsetFetch v5) sent
// through BrokerService, the one simulated network, to the broker handlers a wire client reaches
// too. It turns the consumer's group:: values into those requests and the responses back, so the
// consumer code reads as before while the broker side has one implementation.
// Invariants: every `done` runs at most once, from a scheduler event; a lost request or response
// (broker stopped, dropped, connection closed) answers NETWORK_EXCEPTION, which the consumer
// treats as Kafka's client treats a disconnect (find the coordinator again).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker_service.hpp"
#include "group/group_coordinator.hpp"

namespace klab {

class GroupChannel {
 public:
  GroupChannel(Cluster& cluster, std::string client_id);
  ~GroupChannel();
  GroupChannel(const GroupChannel&) = delete;
  GroupChannel& operator=(const GroupChannel&) = delete;

  // Asked of the first live broker (a Kafka client asks its least loaded node).
  void find_coordinator(const std::string& group_id, std::function<void(Result<BrokerId>)> done);
  void join_group(BrokerId coordinator, group::JoinRequest request, std::function<void(group::JoinResult)> done);
  void sync_group(BrokerId coordinator, group::SyncRequest request, std::function<void(group::SyncResult)> done);
  void heartbeat(BrokerId coordinator, group::MemberIdentity member, std::function<void(ErrorCode)> done);
  void leave_group(BrokerId coordinator, group::MemberIdentity member, std::string reason,
                   std::function<void(ErrorCode)> done);
  // One (partition, error) per offset, in the response's order.
  void commit_offsets(BrokerId coordinator, group::MemberIdentity member, std::vector<group::OffsetToCommit> offsets,
                      std::function<void(Result<group::CommitResult>)> done);
  // Only partitions with a committed offset are in the answer.
  void fetch_offsets(BrokerId coordinator, const std::string& group_id, std::vector<group::TopicPartition> partitions,
                     std::function<void(Result<group::FetchedOffsets>)> done);

 private:
  using Reply = std::function<void(Result<broker::TypedReply>)>;
  void send(BrokerId broker, int16_t version, protocol::Request body, Reply done,
            std::optional<std::string> reason = std::nullopt);

  Cluster& cluster_;
  broker::ClientEndpoint endpoint_;
};

}  // namespace klab
