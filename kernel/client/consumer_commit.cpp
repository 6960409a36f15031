// Offsets: commit_sync / commit_async / auto-commit / committed / close / crash, as Kafka's
// ConsumerCoordinator does them. A commit names the member and generation when the consumer is in
// a group, so a member the group has moved on from is refused (CommitFailedException); a consumer
// using assign() commits as generation -1, which the coordinator accepts while the group is empty.
// Like the Java client, a commit is not checked against the assignment: a member may commit any
// partition (KAFKA-8421 kept it that way).
#include <fmt/format.h>

#include "base/usage_error.hpp"
#include "client/consumer.hpp"
#include "client/group_channel.hpp"
#include "group/group_coordinator.hpp"

namespace klab {

namespace {

constexpr int64_t kDefaultApiTimeoutMs = 60000;  // default.api.timeout.ms
constexpr int64_t kCloseTimeoutMs = 30000;       // KafkaConsumer.close()'s default

constexpr const char* kCommitFailed =
    "CommitFailedException: Commit cannot be completed since the group has already rebalanced and assigned the "
    "partitions to another member. This means that the time between subsequent calls to poll() was longer than the "
    "configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time message "
    "processing. You can address this either by increasing max.poll.interval.ms or by reducing the maximum size of "
    "batches returned in poll() with max.poll.records.";
constexpr const char* kRebalanceInProgress =
    "RebalanceInProgressException: Offset commit cannot be completed since the consumer is undergoing a rebalance "
    "for auto partition assignment. You can try completing the rebalance by calling poll() and then retry the "
    "operation.";

bool retriable_commit_error(ErrorCode code) {
  return code == ErrorCode::NOT_COORDINATOR || code == ErrorCode::COORDINATOR_NOT_AVAILABLE ||
         code == ErrorCode::NETWORK_EXCEPTION || code == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS ||
         code == ErrorCode::REQUEST_TIMED_OUT;
}

}  // namespace

std::map<TopicPartition, OffsetAndMetadata> Consumer::all_consumed() const {
  std::map<TopicPartition, OffsetAndMetadata> out;
  for (const Assigned& state : states_)
    if (state.position && !state.awaiting_committed)
      out[state.partition] = OffsetAndMetadata{*state.position, "", state.position_epoch};
  return out;
}

bool Consumer::wait_for(TimeMs deadline, const std::function<bool()>& done) {
  return cluster_.scheduler().run_until(std::max(deadline, cluster_.now()), done);
}

Status Consumer::commit_error(ErrorCode code, const TopicPartition* partition) {
  switch (code) {
    case ErrorCode::UNKNOWN_MEMBER_ID:
    case ErrorCode::ILLEGAL_GENERATION:
      if (group_managed()) reset_generation(code == ErrorCode::UNKNOWN_MEMBER_ID, "offset commit refused");
      return make_error(code, kCommitFailed);
    case ErrorCode::REBALANCE_IN_PROGRESS:
      request_rejoin("offset commit answered REBALANCE_IN_PROGRESS");
      return make_error(code, kRebalanceInProgress);
    case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
      return make_error(code, fmt::format("Topic or Partition {} does not exist",
                                          partition ? partition->to_string() : std::string("?")));
    case ErrorCode::FENCED_INSTANCE_ID:
      fail_fatally(code, "The broker rejected this static consumer since another consumer with the same "
                         "group.instance.id has registered with a different member.id.");
      return make_error(code, *fatal_error_message_);
    default:
      if (retriable_commit_error(code)) mark_coordinator_unknown();
      return make_error(code, fmt::format("Offset commit failed with a retriable exception: {}", error_name(code)));
  }
}

void Consumer::send_commit(const std::map<TopicPartition, OffsetAndMetadata>& offsets,
                           std::function<void(const Error*)> done) {
  group::MemberIdentity identity{*group_id_, "", group_instance_id_, -1};
  if (!subscription_.empty()) {
    if (member_state_ != MemberState::Stable) {
      Error error = member_state_ == MemberState::Unjoined ? make_error(ErrorCode::ILLEGAL_GENERATION, kCommitFailed)
                                                           : make_error(ErrorCode::REBALANCE_IN_PROGRESS, kRebalanceInProgress);
      return done(&error);
    }
    identity.member_id = member_id_;
    identity.generation = generation_;
  }
  std::vector<group::OffsetToCommit> request;
  for (const auto& [tp, offset] : offsets)
    request.push_back(
        group::OffsetToCommit{group::TopicPartition{tp.topic, tp.partition}, offset.offset, offset.leader_epoch, offset.metadata});
  std::shared_ptr<bool> alive = alive_;
  if (!interceptors_.empty())
    done = [this, offsets, done](const Error* error) {
      if (!error)
        for (const ConsumerInterceptor& interceptor : interceptors_)
          if (interceptor.on_commit) interceptor.on_commit(offsets);
      done(error);
    };
  with_coordinator([this, alive, identity, request, done](const Error* lookup) {
    if (lookup) {
      Error error = make_error(ErrorCode::COORDINATOR_NOT_AVAILABLE, lookup->message);
      return done(&error);
    }
    group_channel_->commit_offsets(
        *coordinator_, identity, request, [this, alive, done](Result<group::CommitResult> result) {
          if (!*alive || closed_) return;
          if (!result) {
            Status mapped = commit_error(result.error().code, nullptr);
            return done(&mapped.error());
          }
          for (const auto& [tp, code] : *result) {
            if (code == ErrorCode::NONE) continue;
            const TopicPartition partition{tp.topic, tp.partition};
            Status mapped = commit_error(code, &partition);
            return done(&mapped.error());
          }
          done(nullptr);
        });
  });
}

Status Consumer::commit_offsets_sync(const std::map<TopicPartition, OffsetAndMetadata>& offsets, TimeMs deadline) {
  if (offsets.empty()) return ok_status();
  while (true) {
    std::optional<Error> outcome;
    bool answered = false;
    send_commit(offsets, [&](const Error* error) {
      answered = true;
      if (error) outcome = *error;
    });
    wait_for(deadline, [&] { return answered; });
    if (!answered)
      return make_error(ErrorCode::REQUEST_TIMED_OUT,
                        fmt::format("Timeout of {}ms expired before successfully committing offsets", kDefaultApiTimeoutMs));
    if (!outcome) return ok_status();
    // Retriable (the coordinator moved or is loading): find it again and retry until the deadline.
    if (!retriable_commit_error(outcome->code) || cluster_.now() >= deadline) return *outcome;
    wait_for(std::min(deadline, cluster_.now() + config_.get_long("retry.backoff.ms")), [] { return false; });
  }
}

Status Consumer::commit_sync() { return commit_sync(all_consumed()); }

Status Consumer::commit_sync(const std::map<TopicPartition, OffsetAndMetadata>& offsets) {
  ensure_open();
  if (Status valid = require_group_id(); !valid) return valid;
  for (const auto& [tp, offset] : offsets)
    if (offset.offset < 0) throw UsageError(fmt::format("Invalid negative offset {}", offset.offset));
  run_completed_commit_callbacks();
  return commit_offsets_sync(offsets, cluster_.now() + kDefaultApiTimeoutMs);
}

void Consumer::commit_async(CommitCallback callback) { commit_async(all_consumed(), std::move(callback)); }

void Consumer::commit_async(const std::map<TopicPartition, OffsetAndMetadata>& offsets, CommitCallback callback) {
  ensure_open();
  for (const auto& [tp, offset] : offsets)
    if (offset.offset < 0) throw UsageError(fmt::format("Invalid negative offset {}", offset.offset));
  if (Status valid = require_group_id(); !valid) {
    if (callback) completed_commit_callbacks_.push_back([callback, offsets, error = valid.error()] { callback(offsets, &error); });
    return;
  }
  std::shared_ptr<bool> alive = alive_;
  send_commit(offsets, [this, alive, offsets, callback](const Error* error) {
    if (!*alive || !callback) return;
    std::optional<Error> copy;
    if (error) copy = *error;
    // Kafka runs commit callbacks on the application's thread, at its next poll or commit.
    completed_commit_callbacks_.push_back([callback, offsets, copy] { callback(offsets, copy ? &*copy : nullptr); });
  });
}

void Consumer::run_completed_commit_callbacks() {
  std::vector<std::function<void()>> ready;
  ready.swap(completed_commit_callbacks_);
  for (auto& callback : ready) callback();
}

void Consumer::maybe_auto_commit_async() {
  if (!group_id_ || !config_.get_bool("enable.auto.commit") || cluster_.now() < next_auto_commit_ms_) return;
  // As Kafka: the timer restarts whether or not there is anything to commit.
  next_auto_commit_ms_ = cluster_.now() + config_.get_long("auto.commit.interval.ms");
  std::map<TopicPartition, OffsetAndMetadata> offsets = all_consumed();
  // During a rebalance the commit would be refused (RebalanceInProgressException); Kafka logs it.
  if (offsets.empty() || (!subscription_.empty() && member_state_ != MemberState::Stable)) return;
  std::shared_ptr<bool> alive = alive_;
  send_commit(offsets, [this, alive](const Error* error) {
    if (!*alive || !error || !retriable_commit_error(error->code)) return;
    next_auto_commit_ms_ = cluster_.now() + config_.get_long("retry.backoff.ms");
  });
}

Result<std::optional<OffsetAndMetadata>> Consumer::committed(const TopicPartition& partition) {
  ensure_open();
  if (Status valid = require_group_id(); !valid) return valid.error();
  const TimeMs deadline = cluster_.now() + kDefaultApiTimeoutMs;
  while (true) {
    std::optional<Result<group::FetchedOffsets>> answer;
    with_coordinator([&](const Error* lookup) {
      if (lookup) {
        answer = Result<group::FetchedOffsets>(*lookup);
        return;
      }
      group_channel_->fetch_offsets(
          *coordinator_, *group_id_, {group::TopicPartition{partition.topic, partition.partition}},
          [&](Result<group::FetchedOffsets> fetched) { answer = std::move(fetched); });
    });
    wait_for(deadline, [&] { return answer.has_value(); });
    if (!answer)
      return make_error(ErrorCode::REQUEST_TIMED_OUT,
                        fmt::format("Timeout of {}ms expired before the last committed offset for partitions [{}] "
                                    "could be determined.",
                                    kDefaultApiTimeoutMs, partition.to_string()));
    if (!*answer) {
      if (!retriable_commit_error(answer->error().code) || cluster_.now() >= deadline) return answer->error();
      mark_coordinator_unknown();
      wait_for(std::min(deadline, cluster_.now() + config_.get_long("retry.backoff.ms")), [] { return false; });
      continue;
    }
    auto found = (*answer)->find(group::TopicPartition{partition.topic, partition.partition});
    if (found == (*answer)->end()) return std::optional<OffsetAndMetadata>();
    return std::optional<OffsetAndMetadata>(
        OffsetAndMetadata{found->second.offset, found->second.metadata, found->second.leader_epoch});
  }
}

Status Consumer::close() {
  if (closed_) return ok_status();
  Status outcome = ok_status();
  if (group_id_ && !group_id_->empty()) {
    run_completed_commit_callbacks();
    if (config_.get_bool("enable.auto.commit") && (subscription_.empty() || member_state_ == MemberState::Stable))
      outcome = commit_offsets_sync(all_consumed(), cluster_.now() + kCloseTimeoutMs);
    if (!subscription_.empty()) {
      on_leave_prepare();
      // As KafkaConsumer.close(): the LeaveGroup answer is awaited (within the close timeout), so
      // when close returns the group has already started moving the partitions.
      std::shared_ptr<bool> left = maybe_leave_group("the consumer is being closed");
      wait_for(cluster_.now() + kCloseTimeoutMs, [left] { return *left; });
    }
    run_completed_commit_callbacks();
  }
  record_event("ConsumerClosed", "closed");
  closed_ = true;
  stop_publishing_metrics();  // a closed consumer's metrics are removed, as in Kafka
  ++heartbeat_epoch_;
  if (listener_error_) {
    std::exception_ptr error = listener_error_;
    listener_error_ = nullptr;
    std::rethrow_exception(error);
  }
  return outcome;
}

void Consumer::crash() {
  if (closed_) return;
  record_event("ConsumerCrashed", fmt::format("member {} stopped without committing or leaving", member_id_));
  closed_ = true;
  stop_publishing_metrics();  // a closed consumer's metrics are removed, as in Kafka
  ++heartbeat_epoch_;
}

}  // namespace klab
