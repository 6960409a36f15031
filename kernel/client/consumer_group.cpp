// The consumer's side of the group protocol (Kafka's ConsumerCoordinator and AbstractCoordinator,
// classic protocol, 3.7): finding the coordinator, JoinGroup / SyncGroup driven from poll(), the
// leader running the assignor, and the rebalance listener. The background half (heartbeats, the
// max.poll.interval.ms watch, LeaveGroup, committed-offset fetch) is consumer_heartbeat.cpp.
//
// Rebalance protocol of this member: COOPERATIVE when every configured assignor supports it (only
// cooperative-sticky does), else EAGER. So the default [range, cooperative-sticky] runs EAGER.
//   EAGER:       before rejoining, on_revoked(everything owned); after SyncGroup, on_assigned(all).
//   COOPERATIVE: before rejoining, only partitions of topics no longer subscribed are revoked;
//                after SyncGroup, on_revoked(owned - assigned), on_assigned(assigned - owned), and
//                if anything was revoked the member rejoins at once (the second rebalance, which
//                hands the revoked partitions to their new owners).
//   A member whose generation was reset (session expired, poll timeout, fenced) calls on_lost.
#include <algorithm>
#include <fmt/format.h>
#include <utility>
#include <fmt/ranges.h>

#include "base/usage_error.hpp"
#include "client/consumer.hpp"
#include "client/group_channel.hpp"
#include "client/consumer_group_util.hpp"
#include "cluster/topic_name.hpp"
#include "group/consumer_protocol.hpp"
#include "group/group_coordinator.hpp"

namespace klab {

namespace {

constexpr const char* kInvalidGroupId =
    "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer "
    "configuration.";

std::vector<TopicPartition> minus(const std::vector<TopicPartition>& a, const std::vector<TopicPartition>& b) {
  std::vector<TopicPartition> out;
  for (const TopicPartition& tp : a)
    if (std::find(b.begin(), b.end(), tp) == b.end()) out.push_back(tp);
  return out;
}

std::string partitions_text(const std::vector<TopicPartition>& partitions) {
  std::vector<std::string> names;
  for (const TopicPartition& tp : partitions) names.push_back(tp.to_string());
  return fmt::format("[{}]", fmt::join(names, ", "));
}

}  // namespace

Status Consumer::require_group_id() const {
  if (!group_id_ || group_id_->empty()) return make_error(ErrorCode::INVALID_GROUP_ID, kInvalidGroupId);
  return ok_status();
}

bool Consumer::cooperative() const {
  return std::all_of(assignors_.begin(), assignors_.end(), [](group::AssignorKind k) { return group::is_cooperative(k); });
}

void Consumer::record_event(std::string kind, std::string description) {
  cluster_.record_service_event(std::move(kind), "", -1, coordinator_.value_or(-1),
                                fmt::format("consumer {} (group {}): {}", client_id_, group_id_.value_or(""), description),
                                group_id_.value_or(""), client_id_);
}

void Consumer::wake_at(TimeMs when) {
  // An empty event, so a simulation waiting on a condition re-checks it at `when`.
  cluster_.scheduler().schedule_at(std::max(when, cluster_.now()), [] {});
}

void Consumer::fail_fatally(ErrorCode code, std::string message) {
  fatal_error_code_ = code;
  fatal_error_message_ = std::move(message);
  ++heartbeat_epoch_;
  heartbeat_running_ = false;
}

Status Consumer::subscribe(const std::vector<std::string>& topics, std::optional<RebalanceListener> listener) {
  ensure_open();
  if (topics.empty()) {
    unsubscribe();
    return ok_status();
  }
  if (Status valid = require_group_id(); !valid) return valid;
  if (user_assigned_) throw UsageError("Subscription to topics, partitions and pattern are mutually exclusive");
  for (const std::string& topic : topics)
    if (Status valid = validate_topic_name(topic); !valid) return valid;
  if (listener) listener_ = std::move(*listener);
  std::set<std::string> wanted(topics.begin(), topics.end());
  if (wanted == subscription_) return ok_status();
  subscription_ = std::move(wanted);
  record_event("Subscribed", fmt::format("subscribed to [{}]", fmt::join(subscription_, ", ")));
  if (member_state_ != MemberState::Unjoined || generation_ >= 0) request_rejoin("subscription changed");
  rejoin_needed_ = true;
  return ok_status();
}

void Consumer::unsubscribe() {
  ensure_open();
  if (group_managed()) {
    on_leave_prepare();
    maybe_leave_group("the consumer unsubscribed from all topics");
  }
  subscription_.clear();
  joined_subscription_.clear();
  set_assignment({}, false);
  user_assigned_ = false;
}

void Consumer::request_rejoin(const std::string& reason) {
  if (!rejoin_needed_) record_event("RejoinRequested", reason);
  rejoin_needed_ = true;
  rejoin_reason_ = reason;
}

void Consumer::mark_coordinator_unknown() {
  if (coordinator_) record_event("CoordinatorUnknown", fmt::format("lost coordinator {}", *coordinator_));
  coordinator_.reset();
}

void Consumer::reset_generation(bool reset_member_id, const std::string& reason) {
  if (generation_ >= 0 || (reset_member_id && !member_id_.empty()))
    record_event("GenerationReset", fmt::format("member {} generation {} reset: {}", member_id_, generation_, reason));
  generation_ = -1;
  if (reset_member_id) member_id_.clear();
  protocol_.reset();
  member_state_ = MemberState::Unjoined;
  rejoin_needed_ = true;
  ++heartbeat_epoch_;
  heartbeat_running_ = false;
}

void Consumer::ensure_coordinator_lookup() {
  if (coordinator_ || find_in_flight_ || cluster_.now() < retry_at_) return;
  find_in_flight_ = true;
  std::shared_ptr<bool> alive = alive_;
  group_channel_->find_coordinator(*group_id_, [this, alive](Result<BrokerId> found) {
    if (!*alive || closed_) return;
    find_in_flight_ = false;
    if (found) {
      coordinator_ = *found;
      return;
    }
    if (found.error().code == ErrorCode::INVALID_GROUP_ID) return fail_fatally(found.error().code, found.error().message);
    retry_at_ = cluster_.now() + config_.get_long("retry.backoff.ms");
    wake_at(retry_at_);
  });
}

void Consumer::with_coordinator(std::function<void(const Error*)> then) {
  if (coordinator_) return then(nullptr);
  std::shared_ptr<bool> alive = alive_;
  group_channel_->find_coordinator(*group_id_, [this, alive, then](Result<BrokerId> found) {
    if (!*alive || closed_) return;
    if (!found) return then(&found.error());
    coordinator_ = *found;
    then(nullptr);
  });
}

bool Consumer::group_needs_attention() const {
  if (fatal_error_code_ || join_answer_ || sync_answer_ || listener_error_) return true;
  if (subscription_.empty()) return false;
  const TimeMs now = cluster_.now();
  if (!coordinator_) return !find_in_flight_ && now >= retry_at_;
  if (rejoin_needed_ && !join_in_flight_ && !sync_in_flight_ && !join_prepare_commit_pending_ && now >= retry_at_)
    return true;
  if (!committed_fetch_in_flight_ && now >= retry_at_)
    for (const Assigned& state : states_)
      if (state.awaiting_committed) return true;
  return false;
}

Status Consumer::poll_group() {
  run_completed_commit_callbacks();
  last_poll_ms_ = cluster_.now();
  if (!poll_timeout_armed_ && !subscription_.empty()) {
    poll_timeout_armed_ = true;
    std::shared_ptr<bool> alive = alive_;
    cluster_.scheduler().schedule_at(last_poll_ms_ + config_.get_long("max.poll.interval.ms"), [this, alive] {
      if (*alive) check_poll_timeout();
    });
  }
  if (!subscription_.empty()) {
    refresh_metadata_if_due();
    if (member_state_ == MemberState::Stable && joined_subscription_ != subscription_) request_rejoin("subscription changed");
    // Non-blocking steps, as many as can happen now; poll() waits for their answers.
    for (int step = 0; step < 16; ++step) {
      if (fatal_error_code_) break;
      if (join_answer_) {
        group::JoinResult answer = std::move(*join_answer_);
        join_answer_.reset();
        handle_join_answer(std::move(answer));
        continue;
      }
      if (sync_answer_) {
        group::SyncResult answer = std::move(*sync_answer_);
        sync_answer_.reset();
        handle_sync_answer(std::move(answer));
        continue;
      }
      if (!coordinator_) {
        ensure_coordinator_lookup();
        break;
      }
      if (!rejoin_needed_ || join_in_flight_ || sync_in_flight_ || cluster_.now() < retry_at_) break;
      if (!join_prepared_) {
        on_join_prepare();
        if (!join_prepared_) break;  // waiting for the auto-commit before the rebalance
      }
      send_join_group();
      break;
    }
  }
  if (listener_error_) {
    std::exception_ptr error = listener_error_;
    listener_error_ = nullptr;
    std::rethrow_exception(error);
  }
  if (fatal_error_code_) return make_error(*fatal_error_code_, *fatal_error_message_);
  fetch_committed_positions();
  maybe_auto_commit_async();
  return ok_status();
}

void Consumer::on_join_prepare() {
  // Kafka: an asynchronous auto-commit first, and the JoinGroup only once it has been answered.
  if (!join_prepare_started_) {
    join_prepare_started_ = true;
    std::map<TopicPartition, OffsetAndMetadata> offsets = all_consumed();
    if (config_.get_bool("enable.auto.commit") && generation_ >= 0 && !offsets.empty() &&
        member_state_ == MemberState::Stable) {
      join_prepare_commit_pending_ = true;
      std::shared_ptr<bool> alive = alive_;
      send_commit(offsets, [this, alive](const Error*) {
        if (*alive) join_prepare_commit_pending_ = false;
      });
      return;
    }
  }
  if (join_prepare_commit_pending_) return;
  const std::vector<TopicPartition> owned = assigned_order_;
  if (generation_ < 0 || member_id_.empty()) {
    if (!owned.empty()) {
      invoke(listener_.on_lost ? listener_.on_lost : listener_.on_revoked, owned, "PartitionsLost");
      set_assignment({}, true);
    }
  } else if (!cooperative()) {
    invoke(listener_.on_revoked, owned, "PartitionsRevoked");
    set_assignment({}, true);
  } else {
    std::vector<TopicPartition> revoked;
    for (const TopicPartition& tp : owned)
      if (!subscription_.count(tp.topic)) revoked.push_back(tp);
    if (!revoked.empty()) {
      invoke(listener_.on_revoked, revoked, "PartitionsRevoked");
      set_assignment(minus(owned, revoked), true);
    }
  }
  join_prepared_ = true;
}

void Consumer::send_join_group() {
  std::vector<std::string> topics(subscription_.begin(), subscription_.end());
  std::vector<group::TopicPartition> owned;
  for (const TopicPartition& tp : assigned_order_) owned.push_back(detail::to_group(tp));
  group::JoinRequest request;
  request.group_id = *group_id_;
  request.member_id = member_id_;
  request.group_instance_id = group_instance_id_;
  request.client_id = client_id_;
  request.client_host = "/127.0.0.1";
  request.rebalance_timeout_ms = static_cast<int32_t>(config_.get_long("max.poll.interval.ms"));
  request.reason = std::exchange(rejoin_reason_, std::string());
  request.session_timeout_ms = static_cast<int32_t>(config_.get_long("session.timeout.ms"));
  for (group::AssignorKind kind : assignors_) {
    group::Subscription subscription;
    subscription.topics = topics;
    subscription.owned_partitions = owned;
    subscription.generation = generation_;
    if (kind == group::AssignorKind::Sticky && last_assignment_generation_ >= 0) {
      std::vector<group::TopicPartition> previous;
      for (const TopicPartition& tp : last_assignment_) previous.push_back(detail::to_group(tp));
      subscription.user_data = group::encode_sticky_user_data(previous, last_assignment_generation_);
    }
    request.protocols.emplace_back(std::string(group::assignor_name(kind)), group::encode_subscription(subscription));
  }
  joined_subscription_ = subscription_;
  join_in_flight_ = true;
  member_state_ = MemberState::PreparingRebalance;
  std::shared_ptr<bool> alive = alive_;
  group_channel_->join_group(*coordinator_, std::move(request),
                                                   [this, alive](group::JoinResult answer) {
                                                     if (!*alive || closed_) return;
                                                     join_in_flight_ = false;
                                                     join_answer_ = std::move(answer);
                                                   });
}

void Consumer::handle_join_answer(group::JoinResult answer) {
  switch (answer.error) {
    case ErrorCode::NONE: {
      member_id_ = answer.member_id;
      generation_ = answer.generation;
      protocol_ = answer.protocol;
      member_state_ = MemberState::CompletingRebalance;
      std::map<std::string, std::string> assignments;
      if (answer.leader_id == member_id_ && !answer.skip_assignment) assignments = run_assignor(*protocol_, answer);
      else assignment_snapshot_.clear();
      if (fatal_error_code_) return;
      send_sync_group(std::move(assignments));
      start_heartbeats();
      return;
    }
    case ErrorCode::MEMBER_ID_REQUIRED:
      member_id_ = answer.member_id;  // join again at once, with the id the coordinator handed out
      member_state_ = MemberState::Unjoined;
      return;
    case ErrorCode::UNKNOWN_MEMBER_ID:
    case ErrorCode::ILLEGAL_GENERATION:
      reset_generation(answer.error == ErrorCode::UNKNOWN_MEMBER_ID, std::string(error_name(answer.error)));
      return;
    case ErrorCode::REBALANCE_IN_PROGRESS:
      member_state_ = MemberState::Unjoined;
      return;
    case ErrorCode::COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode::NOT_COORDINATOR:
    case ErrorCode::COORDINATOR_NOT_AVAILABLE:
    case ErrorCode::NETWORK_EXCEPTION:
      if (answer.error != ErrorCode::COORDINATOR_LOAD_IN_PROGRESS) mark_coordinator_unknown();
      member_state_ = MemberState::Unjoined;
      retry_at_ = cluster_.now() + config_.get_long("retry.backoff.ms");
      wake_at(retry_at_);
      return;
    case ErrorCode::FENCED_INSTANCE_ID:
      return fail_fatally(answer.error,
                          "The broker rejected this static consumer since another consumer with the same "
                          "group.instance.id has registered with a different member.id.");
    case ErrorCode::INCONSISTENT_GROUP_PROTOCOL:
      return fail_fatally(answer.error,
                          "The group member's supported protocols are incompatible with those of existing members or "
                          "first group member tried to join with empty protocol type or empty protocol list.");
    case ErrorCode::INVALID_SESSION_TIMEOUT:
      return fail_fatally(answer.error,
                          "The session timeout is not within the range allowed by the broker (as configured by "
                          "group.min.session.timeout.ms and group.max.session.timeout.ms).");
    default:
      return fail_fatally(answer.error, fmt::format("JoinGroup failed: {}", error_name(answer.error)));
  }
}

std::map<std::string, std::string> Consumer::run_assignor(const std::string& protocol, const group::JoinResult& answer) {
  std::optional<group::AssignorKind> kind = group::assignor_from_name(protocol);
  if (!kind) {
    fail_fatally(ErrorCode::INCONSISTENT_GROUP_PROTOCOL,
                 fmt::format("Coordinator selected invalid assignment protocol: {}", protocol));
    return {};
  }
  std::vector<group::MemberSubscription> members;
  group_subscription_.clear();
  for (const group::JoinedMember& joined : answer.members) {
    std::optional<group::Subscription> subscription = group::decode_subscription(joined.metadata);
    group::MemberSubscription member;
    member.member_id = joined.member_id;
    member.group_instance_id = joined.group_instance_id;
    if (subscription) {
      member.topics = subscription->topics;
      if (*kind == group::AssignorKind::Sticky) {
        if (subscription->user_data)
          if (auto previous = group::decode_sticky_user_data(*subscription->user_data)) {
            member.owned_partitions = previous->first;
            member.generation = previous->second;
          }
      } else {
        member.owned_partitions = subscription->owned_partitions;
        member.generation = subscription->generation;
      }
    }
    group_subscription_.insert(member.topics.begin(), member.topics.end());
    members.push_back(std::move(member));
  }
  group::PartitionCounts counts;
  for (const std::string& topic : group_subscription_)
    if (const Topic* found = cluster_.find_topic(topic)) counts[topic] = found->partition_count();
  assignment_snapshot_ = {counts.begin(), counts.end()};
  next_metadata_refresh_ = cluster_.now() + config_.get_long("metadata.max.age.ms");
  group::GroupAssignment assignment = group::assign(*kind, counts, members);
  std::map<std::string, std::string> encoded;
  for (const auto& [member_id, partitions] : assignment) encoded[member_id] = group::encode_assignment(partitions);
  record_event("AssignmentComputed",
               fmt::format("leader {} ran {} for generation {} over {} member(s)", member_id_, protocol, generation_,
                           members.size()));
  return encoded;
}

void Consumer::send_sync_group(std::map<std::string, std::string> assignments) {
  group::SyncRequest request{*group_id_, generation_, member_id_, group_instance_id_, std::move(assignments)};
  sync_in_flight_ = true;
  std::shared_ptr<bool> alive = alive_;
  group_channel_->sync_group(*coordinator_, std::move(request),
                                                   [this, alive](group::SyncResult answer) {
                                                     if (!*alive || closed_) return;
                                                     sync_in_flight_ = false;
                                                     sync_answer_ = std::move(answer);
                                                   });
}

void Consumer::handle_sync_answer(group::SyncResult answer) {
  if (answer.error == ErrorCode::NONE) {
    std::optional<std::vector<group::TopicPartition>> decoded = group::decode_assignment(answer.assignment);
    if (!decoded) return fail_fatally(ErrorCode::UNKNOWN_SERVER_ERROR, "The group's assignment could not be read.");
    std::vector<TopicPartition> assigned;
    for (const group::TopicPartition& tp : *decoded) assigned.push_back(detail::from_group(tp));
    std::sort(assigned.begin(), assigned.end());
    return on_join_complete(std::move(assigned));
  }
  member_state_ = MemberState::Unjoined;
  rejoin_needed_ = true;
  switch (answer.error) {
    case ErrorCode::REBALANCE_IN_PROGRESS: return;
    case ErrorCode::UNKNOWN_MEMBER_ID:
    case ErrorCode::ILLEGAL_GENERATION:
      return reset_generation(answer.error == ErrorCode::UNKNOWN_MEMBER_ID, std::string(error_name(answer.error)));
    case ErrorCode::FENCED_INSTANCE_ID:
      return fail_fatally(answer.error,
                          "The broker rejected this static consumer since another consumer with the same "
                          "group.instance.id has registered with a different member.id.");
    default:
      if (detail::coordinator_error(answer.error)) mark_coordinator_unknown();
      retry_at_ = cluster_.now() + config_.get_long("retry.backoff.ms");
      wake_at(retry_at_);
      return;
  }
}

void Consumer::on_join_complete(std::vector<TopicPartition> assigned) {
  member_state_ = MemberState::Stable;
  rejoin_needed_ = false;
  join_prepared_ = false;
  join_prepare_started_ = false;
  record_event("JoinComplete", fmt::format("member {} generation {} protocol {} assigned {}", member_id_, generation_,
                                           protocol_.value_or("-"), partitions_text(assigned)));
  if (!cooperative()) {
    set_assignment(assigned, true);
    invoke(listener_.on_assigned, assigned, "PartitionsAssigned");
  } else {
    const std::vector<TopicPartition> owned = assigned_order_;
    const std::vector<TopicPartition> revoked = minus(owned, assigned);
    const std::vector<TopicPartition> added = minus(assigned, owned);
    if (!revoked.empty()) {
      invoke(listener_.on_revoked, revoked, "PartitionsRevoked");
      // The revoked partitions must reach their new owner in a second rebalance.
      request_rejoin(fmt::format("need to revoke partitions {} and re-join", partitions_text(revoked)));
    }
    set_assignment(assigned, true);
    invoke(listener_.on_assigned, added, "PartitionsAssigned");
  }
  last_assignment_ = assigned;
  last_assignment_generation_ = generation_;
  start_heartbeats();
}

void Consumer::invoke(const std::function<void(const std::vector<TopicPartition>&)>& callback,
                      const std::vector<TopicPartition>& partitions, const char* event_kind) {
  record_event(event_kind, fmt::format("member {} generation {}: {}", member_id_, generation_, partitions_text(partitions)));
  if (!callback) return;
  try {
    callback(partitions);
  } catch (...) {
    // As Kafka: the rebalance completes, then poll() rethrows the listener's error.
    if (!listener_error_) listener_error_ = std::current_exception();
  }
}

}  // namespace klab
