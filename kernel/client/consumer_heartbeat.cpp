// The background half of a group member (Kafka's heartbeat thread): heartbeats every
// heartbeat.interval.ms while the member is in a generation, the max.poll.interval.ms watch that
// makes a stuck consumer leave, LeaveGroup, and the OffsetFetch that gives newly assigned
// partitions their committed positions. Runs on the simulated clock, whether or not poll() runs.
#include <algorithm>
#include <fmt/format.h>

#include "client/consumer.hpp"
#include "client/group_channel.hpp"
#include "client/consumer_group_util.hpp"
#include "group/group_coordinator.hpp"

namespace klab {

void Consumer::start_heartbeats() {
  if (heartbeat_running_) return;
  heartbeat_running_ = true;
  const uint64_t epoch = ++heartbeat_epoch_;
  std::shared_ptr<bool> alive = alive_;
  cluster_.scheduler().schedule_after(config_.get_long("heartbeat.interval.ms"), [this, alive, epoch] {
    if (*alive) send_heartbeat(epoch);
  });
}

void Consumer::send_heartbeat(uint64_t epoch) {
  if (closed_ || epoch != heartbeat_epoch_) return;
  if (member_state_ == MemberState::Unjoined || member_state_ == MemberState::PreparingRebalance) {
    heartbeat_running_ = false;  // Kafka's heartbeat thread pauses while the member (re)joins
    return;
  }
  std::shared_ptr<bool> alive = alive_;
  const int64_t interval = config_.get_long("heartbeat.interval.ms");
  cluster_.scheduler().schedule_after(interval, [this, alive, epoch] {
    if (*alive) send_heartbeat(epoch);
  });
  if (!coordinator_) return ensure_coordinator_lookup();
  group::MemberIdentity identity{*group_id_, member_id_, group_instance_id_, generation_};
  group_channel_->heartbeat(*coordinator_, identity, [this, alive, epoch](ErrorCode code) {
    if (!*alive || closed_ || epoch != heartbeat_epoch_) return;
    switch (code) {
      case ErrorCode::NONE: return;
      case ErrorCode::REBALANCE_IN_PROGRESS:
        if (member_state_ == MemberState::Stable) request_rejoin("group is already rebalancing");
        return;
      case ErrorCode::UNKNOWN_MEMBER_ID:
      case ErrorCode::ILLEGAL_GENERATION:
        if (member_state_ == MemberState::Stable)
          reset_generation(code == ErrorCode::UNKNOWN_MEMBER_ID, fmt::format("heartbeat answered {}", error_name(code)));
        return;
      case ErrorCode::FENCED_INSTANCE_ID:
        return fail_fatally(code, "The broker rejected this static consumer since another consumer with the same "
                                  "group.instance.id has registered with a different member.id.");
      default:
        if (detail::coordinator_error(code)) mark_coordinator_unknown();
        return;
    }
  });
}

void Consumer::check_poll_timeout() {
  poll_timeout_armed_ = false;
  if (closed_ || subscription_.empty()) return;
  const int64_t max_interval = config_.get_long("max.poll.interval.ms");
  if (cluster_.now() - last_poll_ms_ < max_interval) {
    poll_timeout_armed_ = true;
    std::shared_ptr<bool> alive = alive_;
    cluster_.scheduler().schedule_at(last_poll_ms_ + max_interval, [this, alive] {
      if (*alive) check_poll_timeout();
    });
    return;
  }
  // Kafka's heartbeat thread, which watches the poll timer, is paused while the member has not
  // joined (UNJOINED, PREPARING_REBALANCE): then the rebalance and session timeouts govern it.
  if (member_state_ == MemberState::Unjoined || member_state_ == MemberState::PreparingRebalance) return;
  record_event("MaxPollIntervalExceeded",
               fmt::format("consumer poll timeout has expired: no poll() for {} ms (max.poll.interval.ms); member {} "
                           "leaves the group",
                           cluster_.now() - last_poll_ms_, member_id_));
  maybe_leave_group("consumer poll timeout has expired.");
}

std::shared_ptr<bool> Consumer::maybe_leave_group(const std::string& reason) {
  auto answered = std::make_shared<bool>(true);
  // Static members never send LeaveGroup: their place waits for them until the session times out.
  if (!group_instance_id_ && coordinator_ && member_state_ != MemberState::Unjoined && !member_id_.empty()) {
    group::MemberIdentity identity{*group_id_, member_id_, std::nullopt, generation_};
    record_event("LeaveGroup", fmt::format("member {} leaves: {}", member_id_, reason));
    *answered = false;
    group_channel_->leave_group(*coordinator_, identity, reason,
                                                      [answered](ErrorCode) { *answered = true; });
  }
  reset_generation(true, reason);
  return answered;
}

void Consumer::on_leave_prepare() {
  const std::vector<TopicPartition> owned = assigned_order_;
  if (owned.empty() || subscription_.empty()) return;
  if (generation_ < 0 || member_id_.empty())
    invoke(listener_.on_lost ? listener_.on_lost : listener_.on_revoked, owned, "PartitionsLost");
  else
    invoke(listener_.on_revoked, owned, "PartitionsRevoked");
  set_assignment({}, true);
}

void Consumer::fetch_committed_positions() {
  if (committed_fetch_in_flight_ || !coordinator_ || !group_id_ || cluster_.now() < retry_at_) return;
  std::vector<group::TopicPartition> wanted;
  for (const Assigned& state : states_)
    if (state.awaiting_committed) wanted.push_back(detail::to_group(state.partition));
  if (wanted.empty()) return;
  committed_fetch_in_flight_ = true;
  std::shared_ptr<bool> alive = alive_;
  group_channel_->fetch_offsets(
      *coordinator_, *group_id_, wanted, [this, alive, wanted](Result<group::FetchedOffsets> fetched) {
        if (!*alive || closed_) return;
        committed_fetch_in_flight_ = false;
        if (!fetched) {
          if (detail::coordinator_error(fetched.error().code)) mark_coordinator_unknown();
          retry_at_ = cluster_.now() + config_.get_long("retry.backoff.ms");
          wake_at(retry_at_);
          return;
        }
        for (const group::TopicPartition& tp : wanted) {
          auto state = std::find_if(states_.begin(), states_.end(),
                                    [&](const Assigned& a) { return a.partition == detail::from_group(tp); });
          if (state == states_.end() || !state->awaiting_committed) continue;
          state->awaiting_committed = false;
          auto committed = fetched->find(tp);
          if (committed != fetched->end()) {
            state->position = committed->second.offset;
            state->position_epoch = committed->second.leader_epoch;
          }
        }
      });
}

void Consumer::refresh_metadata_if_due() {
  if (assignment_snapshot_.empty() && group_subscription_.empty()) return;
  if (cluster_.now() < next_metadata_refresh_) return;
  next_metadata_refresh_ = cluster_.now() + config_.get_long("metadata.max.age.ms");
  std::map<std::string, int32_t> now_counts;
  for (const std::string& topic : group_subscription_)
    if (const Topic* found = cluster_.find_topic(topic)) now_counts[topic] = found->partition_count();
  if (now_counts != assignment_snapshot_ && member_state_ == MemberState::Stable)
    request_rejoin("cached metadata has changed (partition count or topics)");
}

}  // namespace klab
