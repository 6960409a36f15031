#include "client/group_channel.hpp"

#include <algorithm>
#include <iterator>

namespace klab {
namespace {

// The versions klab's consumer speaks: the highest each broker handler serves.
constexpr int16_t kFindCoordinatorVersion = 2;
constexpr int16_t kJoinGroupVersion = 5;
constexpr int16_t kSyncGroupVersion = 3;
constexpr int16_t kHeartbeatVersion = 3;
constexpr int16_t kLeaveGroupVersion = 3;
constexpr int16_t kOffsetCommitVersion = 7;
constexpr int16_t kOffsetFetchVersion = 5;

// The typed response of a reply, or the error that stands for it (the exchange was lost, or the
// broker answered with another api: a programming error reported, not thrown).
template <class Response>
Result<const Response*> response_of(const Result<broker::TypedReply>& reply) {
  if (!reply) return reply.error();
  const Response* found = reply->response ? std::get_if<Response>(&*reply->response) : nullptr;
  if (!found) return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, "The broker answered with another response type.");
  return found;
}

ErrorCode code_of(int16_t error_code) { return static_cast<ErrorCode>(error_code); }

}  // namespace

GroupChannel::GroupChannel(Cluster& cluster, std::string client_id)
    : cluster_(cluster), endpoint_(broker::BrokerService::of(cluster).connect(std::move(client_id))) {}

GroupChannel::~GroupChannel() { endpoint_.disconnect(); }

void GroupChannel::send(BrokerId broker, int16_t version, protocol::Request body, Reply done,
                        std::optional<std::string> reason) {
  broker::BrokerService* service = endpoint_.service();
  if (!service) return;  // the cluster is tearing down: no answer will come, nobody waits for one
  protocol::RequestHeader header;
  header.api_key = protocol::api_of(body).api_key;
  header.api_version = version;
  header.client_id = endpoint_.client_id;
  const auto bytes = static_cast<int64_t>(protocol::encode_request(header, body).size()) + 4;  // + the size field
  service->call(endpoint_, broker, std::move(header), std::move(body), bytes, std::move(done), nullptr, std::move(reason));
}

void GroupChannel::find_coordinator(const std::string& group_id, std::function<void(Result<BrokerId>)> done) {
  BrokerId target = cluster_.brokers().empty() ? 0 : cluster_.brokers().front().id;
  for (const Broker& broker : cluster_.brokers())
    if (broker.alive) {
      target = broker.id;
      break;
    }
  protocol::FindCoordinatorRequest request;
  request.key = group_id;
  send(target, kFindCoordinatorVersion, std::move(request), [done = std::move(done)](Result<broker::TypedReply> reply) {
    Result<const protocol::FindCoordinatorResponse*> found = response_of<protocol::FindCoordinatorResponse>(reply);
    if (!found) return done(found.error());
    const protocol::FindCoordinatorResponse& response = **found;
    if (response.error_code != 0)
      return done(make_error(code_of(response.error_code), response.error_message.value_or("")));
    done(BrokerId{response.node_id});
  });
}

void GroupChannel::join_group(BrokerId coordinator, group::JoinRequest request,
                              std::function<void(group::JoinResult)> done) {
  protocol::JoinGroupRequest body;
  body.group_id = request.group_id;
  body.session_timeout_ms = request.session_timeout_ms;
  body.rebalance_timeout_ms = request.rebalance_timeout_ms;
  body.member_id = request.member_id;
  body.group_instance_id = request.group_instance_id;
  body.protocol_type = request.protocol_type;
  for (auto& [name, metadata] : request.protocols) body.protocols.push_back({std::move(name), std::move(metadata)});
  send(
      coordinator, kJoinGroupVersion, std::move(body),
      [done = std::move(done), member_id = request.member_id](Result<broker::TypedReply> reply) {
        group::JoinResult result;
        result.member_id = member_id;
        Result<const protocol::JoinGroupResponse*> answer = response_of<protocol::JoinGroupResponse>(reply);
        if (!answer) {
          result.error = answer.error().code;
          return done(result);
        }
        const protocol::JoinGroupResponse& response = **answer;
        result.error = code_of(response.error_code);
        result.member_id = response.member_id;
        result.generation = response.generation_id;
        if (!response.protocol_name.empty()) result.protocol = response.protocol_name;
        result.leader_id = response.leader;
        for (const auto& member : response.members)
          result.members.push_back(group::JoinedMember{member.member_id, member.group_instance_id, member.metadata});
        result.skip_assignment = reply->skip_assignment;
        done(result);
      },
      std::move(request.reason));
}

void GroupChannel::sync_group(BrokerId coordinator, group::SyncRequest request,
                              std::function<void(group::SyncResult)> done) {
  protocol::SyncGroupRequest body;
  body.group_id = request.group_id;
  body.generation_id = request.generation;
  body.member_id = request.member_id;
  body.group_instance_id = request.group_instance_id;
  for (auto& [member_id, assignment] : request.assignments) body.assignments.push_back({member_id, std::move(assignment)});
  send(coordinator, kSyncGroupVersion, std::move(body), [done = std::move(done)](Result<broker::TypedReply> reply) {
    Result<const protocol::SyncGroupResponse*> answer = response_of<protocol::SyncGroupResponse>(reply);
    if (!answer) return done(group::SyncResult{answer.error().code, {}});
    done(group::SyncResult{code_of((*answer)->error_code), (*answer)->assignment});
  });
}

void GroupChannel::heartbeat(BrokerId coordinator, group::MemberIdentity member, std::function<void(ErrorCode)> done) {
  protocol::HeartbeatRequest body;
  body.group_id = member.group_id;
  body.generation_id = member.generation;
  body.member_id = member.member_id;
  body.group_instance_id = member.group_instance_id;
  send(coordinator, kHeartbeatVersion, std::move(body), [done = std::move(done)](Result<broker::TypedReply> reply) {
    Result<const protocol::HeartbeatResponse*> answer = response_of<protocol::HeartbeatResponse>(reply);
    done(answer ? code_of((*answer)->error_code) : answer.error().code);
  });
}

void GroupChannel::leave_group(BrokerId coordinator, group::MemberIdentity member, std::string reason,
                               std::function<void(ErrorCode)> done) {
  protocol::LeaveGroupRequest body;
  body.group_id = member.group_id;
  body.members.push_back({member.member_id, member.group_instance_id});
  send(
      coordinator, kLeaveGroupVersion, std::move(body),
      [done = std::move(done)](Result<broker::TypedReply> reply) {
        Result<const protocol::LeaveGroupResponse*> answer = response_of<protocol::LeaveGroupResponse>(reply);
        if (!answer) return done(answer.error().code);
        const protocol::LeaveGroupResponse& response = **answer;
        if (response.error_code != 0 || response.members.empty()) return done(code_of(response.error_code));
        done(code_of(response.members.front().error_code));
      },
      std::move(reason));
}

void GroupChannel::commit_offsets(BrokerId coordinator, group::MemberIdentity member,
                                  std::vector<group::OffsetToCommit> offsets,
                                  std::function<void(Result<group::CommitResult>)> done) {
  protocol::OffsetCommitRequest body;
  body.group_id = member.group_id;
  body.generation_id_or_member_epoch = member.generation;
  body.member_id = member.member_id;
  body.group_instance_id = member.group_instance_id;
  for (const group::OffsetToCommit& offset : offsets) {
    auto topic = std::find_if(body.topics.begin(), body.topics.end(),
                              [&](const auto& entry) { return entry.name == offset.partition.topic; });
    if (topic == body.topics.end()) {
      body.topics.emplace_back().name = offset.partition.topic;
      topic = std::prev(body.topics.end());
    }
    auto& partition = topic->partitions.emplace_back();
    partition.partition_index = offset.partition.partition;
    partition.committed_offset = offset.offset;
    partition.committed_leader_epoch = offset.leader_epoch;
    partition.committed_metadata = offset.metadata;
  }
  send(coordinator, kOffsetCommitVersion, std::move(body), [done = std::move(done)](Result<broker::TypedReply> reply) {
    Result<const protocol::OffsetCommitResponse*> answer = response_of<protocol::OffsetCommitResponse>(reply);
    if (!answer) return done(answer.error());
    group::CommitResult result;
    for (const auto& topic : (*answer)->topics)
      for (const auto& partition : topic.partitions)
        result.emplace_back(group::TopicPartition{topic.name, partition.partition_index}, code_of(partition.error_code));
    done(result);
  });
}

void GroupChannel::fetch_offsets(BrokerId coordinator, const std::string& group_id,
                                 std::vector<group::TopicPartition> partitions,
                                 std::function<void(Result<group::FetchedOffsets>)> done) {
  protocol::OffsetFetchRequest body;
  body.group_id = group_id;
  std::vector<protocol::OffsetFetchRequest::OffsetFetchRequestTopic> topics;
  for (const group::TopicPartition& tp : partitions) {
    if (topics.empty() || topics.back().name != tp.topic) topics.emplace_back().name = tp.topic;
    topics.back().partition_indexes.push_back(tp.partition);
  }
  body.topics = std::move(topics);
  send(coordinator, kOffsetFetchVersion, std::move(body), [done = std::move(done)](Result<broker::TypedReply> reply) {
    Result<const protocol::OffsetFetchResponse*> answer = response_of<protocol::OffsetFetchResponse>(reply);
    if (!answer) return done(answer.error());
    const protocol::OffsetFetchResponse& response = **answer;
    if (response.error_code != 0)
      return done(make_error(code_of(response.error_code), std::string(error_name(code_of(response.error_code)))));
    group::FetchedOffsets found;
    for (const auto& topic : response.topics)
      for (const auto& partition : topic.partitions) {
        if (partition.committed_offset < 0) continue;  // -1: nothing committed
        group::CommittedOffset committed;
        committed.offset = partition.committed_offset;
        committed.leader_epoch = partition.committed_leader_epoch;
        committed.metadata = partition.metadata.value_or("");
        found.emplace(group::TopicPartition{topic.name, partition.partition_index}, std::move(committed));
      }
    done(found);
  });
}

}  // namespace klab
