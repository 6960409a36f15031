// JoinGroup, SyncGroup, Heartbeat and LeaveGroup as Kafka 3.7's classic GroupCoordinator handles
// them, with the rebalance and session timers. States and edges: classic_group.hpp.
//
//  JoinGroup, no member id:  dynamic -> a new id, MEMBER_ID_REQUIRED (the client joins again with it);
//                            static, known instance -> the old member's place under a new id, no
//                            rebalance while Stable (the group is stored again); else added.
//  JoinGroup, known member:  PreparingRebalance -> waits for the rebalance; CompletingRebalance /
//                            Stable -> same metadata: the current generation, else a rebalance; the
//                            leader rejoining a Stable group always rebalances (metadata changed).
//  Rebalance completes when every member rejoined, or at the rebalance timeout (members that did
//  not rejoin are removed); an empty group waits group.initial.rebalance.delay.ms first.
#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "group/consumer_protocol.hpp"
#include "group/group_coordinator.hpp"

namespace klab::group {

namespace {

// Kafka's NewMemberJoinTimeoutMs: a new member's first JoinGroup may wait this long.
constexpr int64_t kNewMemberJoinTimeoutMs = 300000;

JoinResult join_error(const std::string& member_id, ErrorCode code) {
  JoinResult result;
  result.error = code;
  result.member_id = member_id;
  return result;
}

// A java.util.UUID.randomUUID() string from the cluster's seeded RNG (version 4, IETF variant).
std::string java_random_uuid(Rng& rng) {
  uint64_t high = rng.next_u64(), low = rng.next_u64();
  high = (high & ~0xf000ULL) | 0x4000ULL;
  low = (low & ~(3ULL << 62)) | (2ULL << 62);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff, high & 0xffff,
                     low >> 48, low & 0xffffffffffffULL);
}

std::string assignment_text(const std::string& bytes) {
  std::optional<std::vector<TopicPartition>> partitions = decode_assignment(bytes);
  if (!partitions) return "?";
  std::vector<std::string> names;
  for (const TopicPartition& tp : *partitions) names.push_back(tp.to_string());
  return fmt::format("[{}]", fmt::join(names, ", "));
}

}  // namespace

std::string GroupCoordinator::generate_member_id(const JoinRequest& request) {
  // GroupMetadata.generateMemberId: a static member's id starts with its instance id.
  return fmt::format("{}-{}", request.group_instance_id.value_or(request.client_id), java_random_uuid(cluster_.rng()));
}

void GroupCoordinator::handle_join(JoinRequest request, std::function<void(JoinResult)> done) {
  const int64_t min_session = cluster_.broker_config().get_long("group.min.session.timeout.ms");
  const int64_t max_session = cluster_.broker_config().get_long("group.max.session.timeout.ms");
  if (request.session_timeout_ms < min_session || request.session_timeout_ms > max_session)
    return done(join_error(request.member_id, ErrorCode::INVALID_SESSION_TIMEOUT));
  ClassicGroup* found = group(request.group_id);
  if (!found) {
    if (!request.member_id.empty()) return done(join_error(request.member_id, ErrorCode::UNKNOWN_MEMBER_ID));
    found = &get_or_create(request.group_id);
  }
  ClassicGroup& g = *found;
  if (request.member_id.empty()) join_unknown_member(g, std::move(request), std::move(done));
  else join_known_member(g, std::move(request), std::move(done));
  if (g.is(GroupState::PreparingRebalance)) try_complete_join(g);
}

void GroupCoordinator::join_unknown_member(ClassicGroup& g, JoinRequest request, std::function<void(JoinResult)> done) {
  if (g.is(GroupState::Dead)) return done(join_error("", ErrorCode::COORDINATOR_NOT_AVAILABLE));
  if (!g.supports_protocols(request.protocol_type, request.protocols))
    return done(join_error("", ErrorCode::INCONSISTENT_GROUP_PROTOCOL));
  const std::string new_id = generate_member_id(request);
  if (request.group_instance_id) {
    if (std::optional<std::string> old_id = g.static_member(*request.group_instance_id)) {
      const std::string previous_leader = g.leader().value_or("");
      g.replace_static_member(*old_id, new_id);
      Member& member = g.member(new_id);
      schedule_session_expiry(g, member, member.session_timeout_ms);
      event(g, "StaticMemberRejoined",
            fmt::format("static member {} rejoined as {} (was {})", *request.group_instance_id, new_id, *old_id));
      member.protocols = request.protocols;
      member.client_id = request.client_id;
      member.rebalance_timeout_ms = request.rebalance_timeout_ms;
      member.session_timeout_ms = request.session_timeout_ms;
      if (g.is(GroupState::Stable) && g.protocol() == g.select_protocol()) {
        // No rebalance: the member keeps its assignment; the group is stored under the new id.
        JoinResult result;
        result.member_id = new_id;
        result.generation = g.generation();
        result.protocol = g.protocol();
        result.leader_id = g.is_leader(new_id) ? new_id : previous_leader;
        result.skip_assignment = g.is_leader(new_id);
        store_group(g, [done, result](Status stored) {
          done(stored ? result : join_error(result.member_id, stored.error().code));
        });
        return;
      }
      member.awaiting_join = std::move(done);
      if (g.is(GroupState::Stable) || g.is(GroupState::CompletingRebalance))
        prepare_rebalance(g, fmt::format("static member {} rejoined with other metadata", new_id));
      return;
    }
    return add_member_and_rebalance(g, std::move(request), new_id, std::move(done));
  }
  g.pending_members().insert(new_id);
  const std::string group_id = g.id();
  const uint64_t incarnation = g.incarnation;
  std::shared_ptr<bool> alive = alive_;
  cluster_.scheduler().schedule_after(request.session_timeout_ms, [this, alive, group_id, incarnation, new_id] {
    if (!*alive) return;
    ClassicGroup* current = group(group_id);
    if (!current || current->incarnation != incarnation || !current->pending_members().erase(new_id)) return;
    if (current->is(GroupState::PreparingRebalance)) try_complete_join(*current);
  });
  done(join_error(new_id, ErrorCode::MEMBER_ID_REQUIRED));
}

void GroupCoordinator::join_known_member(ClassicGroup& g, JoinRequest request, std::function<void(JoinResult)> done) {
  const std::string member_id = request.member_id;
  if (g.is(GroupState::Dead)) return done(join_error(member_id, ErrorCode::COORDINATOR_NOT_AVAILABLE));
  if (!g.supports_protocols(request.protocol_type, request.protocols))
    return done(join_error(member_id, ErrorCode::INCONSISTENT_GROUP_PROTOCOL));
  if (g.pending_members().count(member_id))
    return add_member_and_rebalance(g, std::move(request), member_id, std::move(done));
  if (g.is_static_member_fenced(member_id, request.group_instance_id))
    return done(join_error(member_id, ErrorCode::FENCED_INSTANCE_ID));
  if (!g.has(member_id) || (request.group_instance_id && !g.static_member(*request.group_instance_id)))
    return done(join_error(member_id, ErrorCode::UNKNOWN_MEMBER_ID));
  Member& member = g.member(member_id);
  switch (g.state()) {
    case GroupState::PreparingRebalance:
      return update_member_and_rebalance(g, member, std::move(request), std::move(done));
    case GroupState::CompletingRebalance:
    case GroupState::Stable:
      if (member.matches(request.protocols) && !(g.is(GroupState::Stable) && g.is_leader(member_id))) {
        // Nothing changed: the current generation again (a lost JoinGroup response, or a follower).
        JoinResult result;
        result.member_id = member_id;
        result.generation = g.generation();
        result.protocol = g.protocol();
        result.leader_id = g.leader().value_or("");
        if (g.is_leader(member_id))
          for (const std::string& id : g.member_order())
            result.members.push_back(JoinedMember{id, g.member(id).group_instance_id,
                                                  *g.member(id).metadata_for(*g.protocol())});
        return done(result);
      }
      return update_member_and_rebalance(g, member, std::move(request), std::move(done));
    case GroupState::Empty:
    case GroupState::Dead:
      return done(join_error(member_id, ErrorCode::UNKNOWN_MEMBER_ID));
  }
}

void GroupCoordinator::add_member_and_rebalance(ClassicGroup& g, JoinRequest request, std::string member_id,
                                                std::function<void(JoinResult)> done) {
  Member member;
  member.id = member_id;
  member.group_instance_id = request.group_instance_id;
  member.client_id = request.client_id;
  member.client_host = request.client_host;
  member.rebalance_timeout_ms = request.rebalance_timeout_ms;
  member.session_timeout_ms = request.session_timeout_ms;
  member.protocols = std::move(request.protocols);
  member.awaiting_join = std::move(done);
  member.is_new = true;
  if (g.is(GroupState::PreparingRebalance) && g.generation() == 0) g.new_member_added = true;
  g.add(std::move(member));
  // A new member cannot heartbeat before its first JoinGroup returns: it gets the longer deadline.
  schedule_session_expiry(g, g.member(member_id), kNewMemberJoinTimeoutMs);
  event(g, "MemberJoined", fmt::format("member {} (client {}) joined{}", member_id, request.client_id,
                                       request.group_instance_id ? " as static member " + *request.group_instance_id
                                                                 : std::string()));
  maybe_prepare_rebalance(g, fmt::format("Adding new member {} with group instance id {}", member_id,
                                         request.group_instance_id ? "Some(" + *request.group_instance_id + ")" : "None"));
}

void GroupCoordinator::update_member_and_rebalance(ClassicGroup& g, Member& member, JoinRequest request,
                                                   std::function<void(JoinResult)> done) {
  member.protocols = std::move(request.protocols);
  member.rebalance_timeout_ms = request.rebalance_timeout_ms;
  member.session_timeout_ms = request.session_timeout_ms;
  member.awaiting_join = std::move(done);
  maybe_prepare_rebalance(g, fmt::format("Updating metadata for member {} during {}{}", member.id,
                                         group_state_name(g.state()),
                                         request.reason.empty() ? std::string() : " (" + request.reason + ")"));
}

void GroupCoordinator::maybe_prepare_rebalance(ClassicGroup& g, const std::string& reason) {
  if (g.can_rebalance()) prepare_rebalance(g, reason);
}

void GroupCoordinator::prepare_rebalance(ClassicGroup& g, const std::string& reason) {
  if (g.is(GroupState::CompletingRebalance)) propagate_assignment(g, ErrorCode::REBALANCE_IN_PROGRESS);
  const bool was_empty = g.is(GroupState::Empty);
  if (g.join_deadline) cluster_.scheduler().cancel(*g.join_deadline);
  g.join_deadline.reset();
  g.transition_to(GroupState::PreparingRebalance, cluster_.now());
  event(g, "RebalanceStarted", fmt::format("preparing to rebalance with old generation {} (reason: {})",
                                           g.generation(), reason));
  if (was_empty) {
    const int64_t delay = cluster_.broker_config().get_long("group.initial.rebalance.delay.ms");
    g.initial_delay = true;
    arm_initial_delay(g.id(), delay, std::max<int64_t>(g.rebalance_timeout_ms() - delay, 0));
    return;
  }
  g.initial_delay = false;
  const std::string group_id = g.id();
  const uint64_t incarnation = g.incarnation;
  std::shared_ptr<bool> alive = alive_;
  g.join_deadline = cluster_.scheduler().schedule_after(g.rebalance_timeout_ms(), [this, alive, group_id, incarnation] {
    if (!*alive) return;
    ClassicGroup* current = group(group_id);
    if (!current || current->incarnation != incarnation) return;
    current->join_deadline.reset();
    complete_join(group_id);
  });
  try_complete_join(g);
}

void GroupCoordinator::arm_initial_delay(const std::string& group_id, int64_t delay_ms, int64_t remaining_ms) {
  ClassicGroup* g = group(group_id);
  const uint64_t incarnation = g->incarnation;
  std::shared_ptr<bool> alive = alive_;
  g->join_deadline =
      cluster_.scheduler().schedule_after(delay_ms, [this, alive, group_id, incarnation, delay_ms, remaining_ms] {
        if (!*alive) return;
        ClassicGroup* current = group(group_id);
        if (!current || current->incarnation != incarnation) return;
        current->join_deadline.reset();
        // InitialDelayedJoin: while members keep arriving, wait again (at most the rebalance timeout).
        if (current->new_member_added && remaining_ms != 0) {
          current->new_member_added = false;
          const int64_t configured = cluster_.broker_config().get_long("group.initial.rebalance.delay.ms");
          arm_initial_delay(group_id, std::min(configured, remaining_ms), std::max<int64_t>(remaining_ms - delay_ms, 0));
          return;
        }
        current->initial_delay = false;
        complete_join(group_id);
      });
}

void GroupCoordinator::try_complete_join(ClassicGroup& g) {
  if (g.is(GroupState::PreparingRebalance) && !g.initial_delay && g.has_all_members_joined()) complete_join(g.id());
}

void GroupCoordinator::complete_join(const std::string& group_id) {
  ClassicGroup* found = group(group_id);
  if (!found || !found->is(GroupState::PreparingRebalance)) return;
  ClassicGroup& g = *found;
  if (g.join_deadline) cluster_.scheduler().cancel(*g.join_deadline);
  g.join_deadline.reset();
  for (const std::string& id : g.members_not_yet_rejoined()) {
    Member& member = g.member(id);
    if (member.is_static()) continue;
    if (member.expiry) cluster_.scheduler().cancel(*member.expiry);
    event(g, "MemberRemoved", fmt::format("member {} did not rejoin within the rebalance timeout", id));
    g.remove(id);
  }
  if (!g.elect_joined_leader() && g.size() > 0) {
    // Nobody rejoined (only static members that are away): wait another rebalance timeout.
    prepare_rebalance(g, "no members rejoined");
    return;
  }
  g.init_next_generation(cluster_.now());
  if (g.is(GroupState::Empty)) {
    event(g, "GroupEmpty", fmt::format("generation {} has no members", g.generation()));
    store_group(g, [](Status) {});
    return;
  }
  std::vector<JoinedMember> all;
  for (const std::string& id : g.member_order())
    all.push_back(JoinedMember{id, g.member(id).group_instance_id, *g.member(id).metadata_for(*g.protocol())});
  event(g, "RebalanceCompleted",
        fmt::format("generation {} with protocol {}, leader {}, members [{}]", g.generation(), *g.protocol(),
                    g.leader().value_or("-"), fmt::join(g.member_order(), ", ")));
  schedule_pending_sync_expiry(g);
  for (const std::string& id : std::vector<std::string>(g.member_order())) {
    Member& member = g.member(id);
    if (!member.awaiting_join) continue;
    JoinResult result;
    result.member_id = id;
    result.generation = g.generation();
    result.protocol = g.protocol();
    result.leader_id = *g.leader();
    if (g.is_leader(id)) result.members = all;
    auto callback = std::move(member.awaiting_join);
    member.awaiting_join = nullptr;
    member.is_new = false;
    schedule_session_expiry(g, member, member.session_timeout_ms);
    callback(result);
  }
}

void GroupCoordinator::handle_sync(SyncRequest request, std::function<void(SyncResult)> done) {
  ClassicGroup* found = group(request.group_id);
  if (!found) return done(SyncResult{ErrorCode::UNKNOWN_MEMBER_ID, {}});
  ClassicGroup& g = *found;
  if (g.is(GroupState::Dead)) return done(SyncResult{ErrorCode::COORDINATOR_NOT_AVAILABLE, {}});
  if (g.is_static_member_fenced(request.member_id, request.group_instance_id))
    return done(SyncResult{ErrorCode::FENCED_INSTANCE_ID, {}});
  if (!g.has(request.member_id)) return done(SyncResult{ErrorCode::UNKNOWN_MEMBER_ID, {}});
  if (request.generation != g.generation()) return done(SyncResult{ErrorCode::ILLEGAL_GENERATION, {}});
  if (g.is(GroupState::CompletingRebalance) || g.is(GroupState::Stable)) g.pending_sync.erase(request.member_id);
  switch (g.state()) {
    case GroupState::Empty: return done(SyncResult{ErrorCode::UNKNOWN_MEMBER_ID, {}});
    case GroupState::PreparingRebalance: return done(SyncResult{ErrorCode::REBALANCE_IN_PROGRESS, {}});
    case GroupState::Stable: {
      Member& member = g.member(request.member_id);
      schedule_session_expiry(g, member, member.session_timeout_ms);
      return done(SyncResult{ErrorCode::NONE, member.assignment});
    }
    case GroupState::Dead: return done(SyncResult{ErrorCode::COORDINATOR_NOT_AVAILABLE, {}});
    case GroupState::CompletingRebalance: break;
  }
  g.member(request.member_id).awaiting_sync = std::move(done);
  if (!g.is_leader(request.member_id)) return;
  // The leader's assignment: stored first, then handed to every member waiting in SyncGroup.
  for (const std::string& id : g.member_order()) g.member(id).assignment = request.assignments[id];
  const std::string group_id = g.id();
  const uint64_t incarnation = g.incarnation;
  const int32_t generation = g.generation();
  store_group(g, [this, group_id, incarnation, generation](Status stored) {
    ClassicGroup* current = group(group_id);
    if (!current || current->incarnation != incarnation || !current->is(GroupState::CompletingRebalance) ||
        current->generation() != generation)
      return;
    if (!stored) {
      propagate_assignment(*current, stored.error().code);
      maybe_prepare_rebalance(*current, "error when storing group assignment during SyncGroup");
      return;
    }
    std::vector<std::string> lines;
    for (const std::string& id : current->member_order())
      lines.push_back(id + " " + assignment_text(current->member(id).assignment));
    event(*current, "AssignmentStored", fmt::format("generation {} assignment: {}", generation, fmt::join(lines, "; ")));
    propagate_assignment(*current, ErrorCode::NONE);
    current->transition_to(GroupState::Stable, cluster_.now());
    event(*current, "GroupStable", fmt::format("generation {} is stable", generation));
  });
}

void GroupCoordinator::propagate_assignment(ClassicGroup& g, ErrorCode error) {
  for (const std::string& id : std::vector<std::string>(g.member_order())) {
    Member& member = g.member(id);
    if (error != ErrorCode::NONE) member.assignment.clear();
    if (!member.awaiting_sync) continue;
    auto callback = std::move(member.awaiting_sync);
    member.awaiting_sync = nullptr;
    schedule_session_expiry(g, member, member.session_timeout_ms);
    callback(SyncResult{error, error == ErrorCode::NONE ? member.assignment : std::string()});
  }
}

ErrorCode GroupCoordinator::handle_heartbeat(const MemberIdentity& identity) {
  ClassicGroup* found = group(identity.group_id);
  if (!found) return ErrorCode::UNKNOWN_MEMBER_ID;
  ClassicGroup& g = *found;
  if (g.is(GroupState::Dead)) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  if (g.is_static_member_fenced(identity.member_id, identity.group_instance_id)) return ErrorCode::FENCED_INSTANCE_ID;
  if (!g.has(identity.member_id)) return ErrorCode::UNKNOWN_MEMBER_ID;
  if (identity.generation != g.generation()) return ErrorCode::ILLEGAL_GENERATION;
  Member& member = g.member(identity.member_id);
  switch (g.state()) {
    case GroupState::Empty: return ErrorCode::UNKNOWN_MEMBER_ID;
    case GroupState::CompletingRebalance:
    case GroupState::Stable:
      schedule_session_expiry(g, member, member.session_timeout_ms);
      return ErrorCode::NONE;
    case GroupState::PreparingRebalance:
      schedule_session_expiry(g, member, member.session_timeout_ms);
      return ErrorCode::REBALANCE_IN_PROGRESS;
    case GroupState::Dead: return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  }
  return ErrorCode::NONE;
}

ErrorCode GroupCoordinator::handle_leave(const MemberIdentity& identity, const std::string& reason) {
  ClassicGroup* found = group(identity.group_id);
  if (!found) return ErrorCode::UNKNOWN_MEMBER_ID;
  ClassicGroup& g = *found;
  if (g.is(GroupState::Dead)) return ErrorCode::COORDINATOR_NOT_AVAILABLE;
  if (!identity.member_id.empty() && g.is_static_member_fenced(identity.member_id, identity.group_instance_id))
    return ErrorCode::FENCED_INSTANCE_ID;
  if (g.pending_members().erase(identity.member_id)) {
    try_complete_join(g);
    return ErrorCode::NONE;
  }
  std::string member_id = identity.member_id;
  if (identity.group_instance_id)
    if (std::optional<std::string> known = g.static_member(*identity.group_instance_id)) member_id = *known;
  if (!g.has(member_id)) return ErrorCode::UNKNOWN_MEMBER_ID;
  event(g, "MemberLeft", fmt::format("member {} left the group ({})", member_id, reason));
  remove_member_and_update_group(g, member_id, fmt::format("removing member {} on LeaveGroup", member_id));
  return ErrorCode::NONE;
}

void GroupCoordinator::remove_member_and_update_group(ClassicGroup& g, const std::string& member_id,
                                                      const std::string& reason) {
  Member& member = g.member(member_id);
  if (member.expiry) cluster_.scheduler().cancel(*member.expiry);
  auto join_callback = std::move(member.awaiting_join);
  auto sync_callback = std::move(member.awaiting_sync);
  g.remove(member_id);
  if (join_callback) join_callback(join_error("", ErrorCode::UNKNOWN_MEMBER_ID));
  if (sync_callback) sync_callback(SyncResult{ErrorCode::UNKNOWN_MEMBER_ID, {}});
  switch (g.state()) {
    case GroupState::Dead:
    case GroupState::Empty: break;
    case GroupState::Stable:
    case GroupState::CompletingRebalance: maybe_prepare_rebalance(g, reason); break;
    case GroupState::PreparingRebalance: try_complete_join(g); break;
  }
}

void GroupCoordinator::schedule_session_expiry(ClassicGroup& g, Member& member, int64_t timeout_ms) {
  member.latest_heartbeat = cluster_.now();
  if (member.expiry) cluster_.scheduler().cancel(*member.expiry);
  const std::string group_id = g.id();
  const uint64_t incarnation = g.incarnation;
  const std::string member_id = member.id;
  std::shared_ptr<bool> alive = alive_;
  member.expiry = cluster_.scheduler().schedule_after(timeout_ms, [this, alive, group_id, incarnation, member_id] {
    if (*alive) on_session_expired(group_id, incarnation, member_id);
  });
}

void GroupCoordinator::on_session_expired(const std::string& group_id, uint64_t incarnation,
                                          const std::string& member_id) {
  ClassicGroup* g = group(group_id);
  if (!g || g->incarnation != incarnation || !g->has(member_id)) return;
  Member& member = g->member(member_id);
  member.expiry.reset();
  // A member waiting in a JoinGroup (not its first) or a SyncGroup is kept: the rebalance timeout
  // governs it, and its session restarts when the rebalance answers it.
  if ((member.awaiting_join && !member.is_new) || member.awaiting_sync) return;
  event(*g, "MemberSessionExpired",
        fmt::format("member {} sent no heartbeat for {} ms (session.timeout.ms)", member_id,
                    cluster_.now() - member.latest_heartbeat));
  remove_member_and_update_group(*g, member_id, fmt::format("removing member {} on heartbeat expiration", member_id));
}

void GroupCoordinator::schedule_pending_sync_expiry(ClassicGroup& g) {
  if (g.sync_deadline) cluster_.scheduler().cancel(*g.sync_deadline);
  g.pending_sync = std::set<std::string>(g.member_order().begin(), g.member_order().end());
  const std::string group_id = g.id();
  const uint64_t incarnation = g.incarnation;
  const int32_t generation = g.generation();
  std::shared_ptr<bool> alive = alive_;
  g.sync_deadline = cluster_.scheduler().schedule_after(g.rebalance_timeout_ms(), [this, alive, group_id, incarnation,
                                                                                    generation] {
    if (!*alive) return;
    ClassicGroup* current = group(group_id);
    if (!current || current->incarnation != incarnation || current->generation() != generation) return;
    current->sync_deadline.reset();
    if (!current->is(GroupState::CompletingRebalance) && !current->is(GroupState::Stable)) return;
    const std::vector<std::string> late(current->pending_sync.begin(), current->pending_sync.end());
    for (const std::string& id : late) {
      if (!current->has(id)) continue;
      event(*current, "MemberRemoved", fmt::format("member {} sent no SyncGroup within the rebalance timeout", id));
      remove_member_and_update_group(*current, id, fmt::format("removing member {} on pending sync request expiration", id));
    }
  });
}

void GroupCoordinator::cancel_timers(ClassicGroup& g) {
  if (g.join_deadline) cluster_.scheduler().cancel(*g.join_deadline);
  g.join_deadline.reset();
  if (g.sync_deadline) cluster_.scheduler().cancel(*g.sync_deadline);
  g.sync_deadline.reset();
  for (const std::string& id : g.member_order()) {
    Member& member = g.member(id);
    if (member.expiry) cluster_.scheduler().cancel(*member.expiry);
    member.expiry.reset();
  }
}

}  // namespace klab::group
