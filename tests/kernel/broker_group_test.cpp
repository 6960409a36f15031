// The group APIs over the wire onto the cluster's GroupCoordinator: FindCoordinator, a
// join/sync/heartbeat/commit/fetch-offsets cycle, MEMBER_ID_REQUIRED from JoinGroup v4, and
// ListGroups / DescribeGroups / LeaveGroup / DeleteGroups.
#include "broker_support.hpp"

#include "group/group_coordinator.hpp"

using namespace klab;
using namespace klab::test;

namespace {

constexpr int16_t kOffsetCommit = 8, kOffsetFetch = 9, kFindCoordinator = 10, kJoinGroup = 11, kHeartbeat = 12,
                  kLeaveGroup = 13, kSyncGroup = 14, kDescribeGroups = 15, kListGroups = 16, kDeleteGroups = 42;

BrokerId find_coordinator(WireClient& wire, const std::string& group) {
  protocol::FindCoordinatorRequest request;
  request.key = group;
  auto response = wire.call<protocol::FindCoordinatorResponse>(1, kFindCoordinator, 2, request);
  REQUIRE(response.error_code == 0);
  CHECK(response.host == "localhost");
  CHECK(response.port == 9091 + response.node_id);
  return response.node_id;
}

protocol::JoinGroupRequest join_request(const std::string& group, const std::string& member_id) {
  protocol::JoinGroupRequest request;
  request.group_id = group;
  request.member_id = member_id;
  request.session_timeout_ms = 10000;
  request.rebalance_timeout_ms = 30000;
  request.protocol_type = "consumer";
  auto& protocol = request.protocols.emplace_back();
  protocol.name = "range";
  // ConsumerProtocolSubscription v0: version, topics ["orders"], user data null.
  static constexpr char kSubscription[] = "\x00\x00\x00\x00\x00\x01\x00\x06orders\xff\xff\xff\xff";
  protocol.metadata = std::string(kSubscription, sizeof kSubscription - 1);
  return request;
}

}  // namespace

TEST_CASE("a wire member joins, syncs, heartbeats, commits and fetches its offsets") {
  WireClient wire;
  make_topic(wire.cluster(), "orders", 1, 1);
  const BrokerId coordinator = find_coordinator(wire, "dash");
  CHECK(coordinator == group::GroupCoordinator::of(wire.cluster()).coordinator_broker("dash"));

  auto required = wire.call<protocol::JoinGroupResponse>(coordinator, kJoinGroup, 5, join_request("dash", ""));
  CHECK(required.error_code == static_cast<int16_t>(ErrorCode::MEMBER_ID_REQUIRED));
  REQUIRE_FALSE(required.member_id.empty());
  auto joined = wire.call<protocol::JoinGroupResponse>(coordinator, kJoinGroup, 5, join_request("dash", required.member_id));
  REQUIRE(joined.error_code == 0);
  CHECK(joined.generation_id == 1);
  CHECK(joined.leader == required.member_id);
  REQUIRE(joined.members.size() == 1);

  protocol::SyncGroupRequest sync;
  sync.group_id = "dash";
  sync.generation_id = joined.generation_id;
  sync.member_id = joined.member_id;
  auto& assignment = sync.assignments.emplace_back();
  assignment.member_id = joined.member_id;
  assignment.assignment = "assigned-bytes";
  auto synced = wire.call<protocol::SyncGroupResponse>(coordinator, kSyncGroup, 3, sync);
  CHECK(synced.error_code == 0);
  CHECK(synced.assignment == "assigned-bytes");

  protocol::HeartbeatRequest heartbeat;
  heartbeat.group_id = "dash";
  heartbeat.generation_id = joined.generation_id;
  heartbeat.member_id = joined.member_id;
  CHECK(wire.call<protocol::HeartbeatResponse>(coordinator, kHeartbeat, 3, heartbeat).error_code == 0);

  protocol::OffsetCommitRequest commit;
  commit.group_id = "dash";
  commit.generation_id_or_member_epoch = joined.generation_id;
  commit.member_id = joined.member_id;
  auto& topic = commit.topics.emplace_back();
  topic.name = "orders";
  auto& partition = topic.partitions.emplace_back();
  partition.committed_offset = 42;
  partition.committed_metadata = "m";
  auto committed = wire.call<protocol::OffsetCommitResponse>(coordinator, kOffsetCommit, 7, commit);
  REQUIRE(committed.topics.size() == 1);
  CHECK(committed.topics[0].partitions[0].error_code == 0);

  protocol::OffsetFetchRequest fetch;
  fetch.group_id = "dash";
  fetch.topics.emplace();
  auto& wanted = fetch.topics->emplace_back();
  wanted.name = "orders";
  wanted.partition_indexes = {0};
  auto fetched = wire.call<protocol::OffsetFetchResponse>(coordinator, kOffsetFetch, 5, fetch);
  CHECK(fetched.error_code == 0);
  REQUIRE(fetched.topics.size() == 1);
  CHECK(fetched.topics[0].partitions[0].committed_offset == 42);
  CHECK(fetched.topics[0].partitions[0].metadata == std::optional<std::string>("m"));

  protocol::OffsetFetchRequest all;
  all.group_id = "dash";
  all.topics = std::nullopt;
  auto every = wire.call<protocol::OffsetFetchResponse>(coordinator, kOffsetFetch, 5, all);
  REQUIRE(every.topics.size() == 1);
  CHECK(every.topics[0].partitions[0].committed_offset == 42);

  const group::ClassicGroup* g = group::GroupCoordinator::of(wire.cluster()).find_group("dash");
  REQUIRE(g != nullptr);
  CHECK(g->member(joined.member_id).client_id == "wire-test");
  CHECK(g->member(joined.member_id).client_host == "/127.0.0.1");

  auto listed = wire.call<protocol::ListGroupsResponse>(1, kListGroups, 2, protocol::ListGroupsRequest{});
  REQUIRE(listed.groups.size() == 1);
  CHECK(listed.groups[0].group_id == "dash");
  protocol::DescribeGroupsRequest describe;
  describe.groups = {"dash", "nobody"};
  auto described = wire.call<protocol::DescribeGroupsResponse>(coordinator, kDescribeGroups, 4, describe);
  REQUIRE(described.groups.size() == 2);
  CHECK(described.groups[0].group_state == "Stable");
  CHECK(described.groups[0].protocol_data == "range");
  REQUIRE(described.groups[0].members.size() == 1);
  CHECK(described.groups[0].members[0].member_assignment == "assigned-bytes");
  CHECK(described.groups[1].group_state == "Dead");

  protocol::LeaveGroupRequest leave;
  leave.group_id = "dash";
  leave.members.emplace_back().member_id = joined.member_id;
  auto left = wire.call<protocol::LeaveGroupResponse>(coordinator, kLeaveGroup, 3, leave);
  CHECK(left.error_code == 0);
  REQUIRE(left.members.size() == 1);
  CHECK(left.members[0].error_code == 0);

  protocol::DeleteGroupsRequest remove;
  remove.groups_names = {"dash"};
  auto deleted = wire.call<protocol::DeleteGroupsResponse>(coordinator, kDeleteGroups, 1, remove);
  REQUIRE(deleted.results.size() == 1);
  CHECK(deleted.results[0].error_code == 0);
}

TEST_CASE("JoinGroup before v4 admits a member without a member id in one round trip") {
  WireClient wire;
  const BrokerId coordinator = find_coordinator(wire, "old");
  auto joined = wire.call<protocol::JoinGroupResponse>(coordinator, kJoinGroup, 2, join_request("old", ""));
  CHECK(joined.error_code == 0);
  CHECK_FALSE(joined.member_id.empty());
  CHECK(joined.generation_id == 1);
}

TEST_CASE("a group request at a broker that does not coordinate the group is NOT_COORDINATOR") {
  WireClient wire;
  const BrokerId coordinator = find_coordinator(wire, "dash");
  const BrokerId other = coordinator == 1 ? 2 : 1;
  protocol::HeartbeatRequest heartbeat;
  heartbeat.group_id = "dash";
  heartbeat.member_id = "nobody";
  CHECK(wire.call<protocol::HeartbeatResponse>(other, kHeartbeat, 3, heartbeat).error_code ==
        static_cast<int16_t>(ErrorCode::NOT_COORDINATOR));
}

TEST_CASE("FindCoordinator v1 answers Kafka's error messages: NONE, or the error's own text") {
  WireClient wire;
  REQUIRE(wire.cluster().brokers().size() == 3);
  protocol::FindCoordinatorRequest request;
  request.key = "dash";
  // Two of three brokers down before __consumer_offsets exists: it cannot get its 3 replicas.
  REQUIRE(wire.cluster().stop_broker(2).ok());
  REQUIRE(wire.cluster().stop_broker(3).ok());
  auto refused = wire.call<protocol::FindCoordinatorResponse>(1, kFindCoordinator, 1, request);
  CHECK(refused.error_code == static_cast<int16_t>(ErrorCode::COORDINATOR_NOT_AVAILABLE));
  CHECK(refused.error_message == std::optional<std::string>("The coordinator is not available."));
  CHECK(refused.node_id == -1);
  CHECK(refused.host.empty());
  CHECK(refused.port == -1);

  REQUIRE(wire.cluster().start_broker(2).ok());
  REQUIRE(wire.cluster().start_broker(3).ok());
  auto found = wire.call<protocol::FindCoordinatorResponse>(1, kFindCoordinator, 1, request);
  CHECK(found.error_code == 0);
  CHECK(found.error_message == std::optional<std::string>("NONE"));
  CHECK(found.node_id == group::GroupCoordinator::of(wire.cluster()).coordinator_broker("dash"));
}
