// The coordinator's front door, at the broker a request reached (the network is BrokerService's):
// routing a request to the broker that coordinates its group, FindCoordinator, and the read-only
// views used by admin tools.
#include "group/group_coordinator.hpp"

#include <fmt/format.h>

#include "group/offsets_topic.hpp"

namespace klab::group {

namespace {
constexpr std::string_view kServiceName = "group-coordinator";
}

GroupCoordinator& GroupCoordinator::of(Cluster& cluster) {
  if (Cluster::Service* found = cluster.find_service(kServiceName)) return static_cast<GroupCoordinator&>(*found);
  auto created = std::make_unique<GroupCoordinator>(cluster);
  return static_cast<GroupCoordinator&>(cluster.add_service(std::string(kServiceName), std::move(created)));
}

const GroupCoordinator* GroupCoordinator::find(const Cluster& cluster) {
  return static_cast<const GroupCoordinator*>(cluster.find_service(kServiceName));
}

GroupCoordinator::GroupCoordinator(Cluster& cluster) : cluster_(cluster) {
  std::weak_ptr<bool> alive = alive_;
  cluster_.add_event_listener([this, alive](const ClusterEvent& event) {
    if (alive.lock()) on_cluster_event(event);
  });
}

GroupCoordinator::~GroupCoordinator() { *alive_ = false; }

int32_t GroupCoordinator::partition_of(const std::string& group_id) const {
  const Topic* topic = cluster_.find_topic(kOffsetsTopic);
  const int32_t count = topic ? topic->partition_count()
                              : static_cast<int32_t>(cluster_.broker_config().get_long("offsets.topic.num.partitions"));
  return partition_for_group(group_id, count);
}

std::optional<ErrorCode> GroupCoordinator::route(BrokerId broker, const std::string& group_id) {
  if (group_id.empty()) return ErrorCode::INVALID_GROUP_ID;
  const Topic* topic = cluster_.find_topic(kOffsetsTopic);
  if (!topic) return ErrorCode::NOT_COORDINATOR;
  const int32_t partition = partition_of(group_id);
  const Partition& leader_state = *topic->partitions[static_cast<std::size_t>(partition)];
  auto it = partitions_.find(partition);
  if (it == partitions_.end() && leader_state.leader >= 0) {
    load_partition(partition, leader_state.leader);  // a partition this coordinator never saw elected
    it = partitions_.find(partition);
  }
  if (it == partitions_.end() || it->second.leader != broker) return ErrorCode::NOT_COORDINATOR;
  if (it->second.loading) return ErrorCode::COORDINATOR_LOAD_IN_PROGRESS;
  return std::nullopt;
}

ClassicGroup* GroupCoordinator::group(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

ClassicGroup& GroupCoordinator::get_or_create(const std::string& group_id) {
  if (ClassicGroup* found = group(group_id)) return *found;
  auto created = std::make_unique<ClassicGroup>(group_id, cluster_.now());
  created->incarnation = next_incarnation_++;
  return *groups_.emplace(group_id, std::move(created)).first->second;
}

void GroupCoordinator::event(const ClassicGroup& group, std::string kind, std::string description) {
  const int32_t partition = partition_of(group.id());
  auto it = partitions_.find(partition);
  cluster_.record_service_event(std::move(kind), std::string(kOffsetsTopic), partition,
                                it == partitions_.end() ? -1 : it->second.leader,
                                fmt::format("group {}: {}", group.id(), description), group.id());
}

void GroupCoordinator::find_coordinator(const std::string& group_id, std::function<void(Result<BrokerId>)> done) {
  if (group_id.empty()) return done(make_error(ErrorCode::INVALID_GROUP_ID, "The configured groupId is invalid."));
  Result<Topic*> topic = ensure_offsets_topic(cluster_);
  if (!topic) return done(topic.error());
  const Partition& partition = *(*topic)->partitions[static_cast<std::size_t>(partition_of(group_id))];
  if (partition.leader < 0)
    return done(make_error(ErrorCode::COORDINATOR_NOT_AVAILABLE, "The coordinator is not available."));
  done(partition.leader);
}

void GroupCoordinator::join_group(BrokerId broker, JoinRequest request, std::function<void(JoinResult)> done) {
  if (std::optional<ErrorCode> error = route(broker, request.group_id)) {
    JoinResult result;
    result.error = *error;
    result.member_id = request.member_id;
    return done(result);
  }
  handle_join(std::move(request), std::move(done));
}

void GroupCoordinator::sync_group(BrokerId broker, SyncRequest request, std::function<void(SyncResult)> done) {
  if (std::optional<ErrorCode> error = route(broker, request.group_id)) {
    // A group lost with its coordinator's state: rejoin rather than look for it (as Kafka).
    const ErrorCode code = *error == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode::REBALANCE_IN_PROGRESS : *error;
    return done(SyncResult{code, {}});
  }
  handle_sync(std::move(request), std::move(done));
}

void GroupCoordinator::heartbeat(BrokerId broker, MemberIdentity member, std::function<void(ErrorCode)> done) {
  if (std::optional<ErrorCode> error = route(broker, member.group_id))
    return done(*error == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode::NONE : *error);
  done(handle_heartbeat(member));
}

void GroupCoordinator::leave_group(BrokerId broker, MemberIdentity member, std::string reason,
                                   std::function<void(ErrorCode)> done) {
  std::optional<ErrorCode> error = route(broker, member.group_id);
  done(error ? *error : handle_leave(member, reason));
}

void GroupCoordinator::commit_offsets(BrokerId broker, MemberIdentity member, std::vector<OffsetToCommit> offsets,
                                      std::function<void(Result<CommitResult>)> done) {
  if (std::optional<ErrorCode> error = route(broker, member.group_id))
    return done(make_error(*error, std::string(error_name(*error))));
  handle_commit(std::move(member), std::move(offsets), std::move(done));
}

void GroupCoordinator::fetch_offsets(BrokerId broker, const std::string& group_id, std::vector<TopicPartition> partitions,
                                     std::function<void(Result<FetchedOffsets>)> done) {
  if (std::optional<ErrorCode> error = route(broker, group_id))
    return done(make_error(*error, std::string(error_name(*error))));
  FetchedOffsets found;
  if (const ClassicGroup* g = group(group_id)) {
    for (const TopicPartition& tp : partitions) {
      auto it = g->offsets.find(tp);
      if (it != g->offsets.end()) found.emplace(tp, it->second);
    }
  }
  done(found);
}

const ClassicGroup* GroupCoordinator::find_group(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

std::vector<GroupOverview> GroupCoordinator::list_groups() const {
  std::vector<GroupOverview> out;
  for (const auto& [id, g] : groups_)
    if (!g->is(GroupState::Dead))
      out.push_back(GroupOverview{id, std::string(group_state_name(g->state())), g->protocol_type().value_or("")});
  return out;
}

BrokerId GroupCoordinator::coordinator_broker(const std::string& group_id) const {
  const Topic* topic = cluster_.find_topic(kOffsetsTopic);
  if (!topic) return -1;
  return topic->partitions[static_cast<std::size_t>(partition_of(group_id))]->leader;
}

}  // namespace klab::group
