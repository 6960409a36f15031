#include "group/classic_group.hpp"

#include <algorithm>
#include <cassert>

namespace klab::group {

std::string_view group_state_name(GroupState state) {
  switch (state) {
    case GroupState::Empty: return "Empty";
    case GroupState::PreparingRebalance: return "PreparingRebalance";
    case GroupState::CompletingRebalance: return "CompletingRebalance";
    case GroupState::Stable: return "Stable";
    case GroupState::Dead: return "Dead";
  }
  return "Unknown";
}

namespace {

// Kafka's GroupState.validPreviousStates.
bool valid_transition(GroupState from, GroupState to) {
  switch (to) {
    case GroupState::Dead: return true;
    case GroupState::CompletingRebalance: return from == GroupState::PreparingRebalance;
    case GroupState::Stable: return from == GroupState::CompletingRebalance;
    case GroupState::PreparingRebalance:
      return from == GroupState::Stable || from == GroupState::CompletingRebalance || from == GroupState::Empty;
    case GroupState::Empty: return from == GroupState::PreparingRebalance;
  }
  return false;
}

}  // namespace

const std::string* Member::metadata_for(std::string_view protocol) const {
  for (const auto& [name, metadata] : protocols)
    if (name == protocol) return &metadata;
  return nullptr;
}

void ClassicGroup::transition_to(GroupState target, TimeMs now) {
  assert(valid_transition(state_, target));
  (void)valid_transition;
  state_ = target;
  state_timestamp_ = now;
}

void ClassicGroup::add(Member member) {
  if (members_.empty()) protocol_type_ = "consumer";
  if (!leader_) leader_ = member.id;
  if (member.group_instance_id) static_members_[*member.group_instance_id] = member.id;
  pending_members_.erase(member.id);
  member_order_.push_back(member.id);
  const std::string id = member.id;
  members_.emplace(id, std::move(member));
}

void ClassicGroup::remove(const std::string& member_id) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return;
  if (it->second.group_instance_id) {
    auto found = static_members_.find(*it->second.group_instance_id);
    if (found != static_members_.end() && found->second == member_id) static_members_.erase(found);
  }
  members_.erase(it);
  pending_sync.erase(member_id);
  member_order_.erase(std::find(member_order_.begin(), member_order_.end(), member_id));
  if (is_leader(member_id)) {
    leader_.reset();
    if (!member_order_.empty()) leader_ = member_order_.front();
  }
}

std::optional<std::string> ClassicGroup::static_member(const std::string& instance_id) const {
  auto it = static_members_.find(instance_id);
  if (it == static_members_.end()) return std::nullopt;
  return it->second;
}

bool ClassicGroup::is_static_member_fenced(const std::string& member_id,
                                           const std::optional<std::string>& instance_id) const {
  if (!instance_id) return false;
  auto it = static_members_.find(*instance_id);
  return it != static_members_.end() && it->second != member_id;
}

void ClassicGroup::replace_static_member(const std::string& old_id, const std::string& new_id) {
  auto node = members_.extract(old_id);
  node.key() = new_id;
  node.mapped().id = new_id;
  if (node.mapped().group_instance_id) static_members_[*node.mapped().group_instance_id] = new_id;
  members_.insert(std::move(node));
  std::replace(member_order_.begin(), member_order_.end(), old_id, new_id);
  if (is_leader(old_id)) leader_ = new_id;
}

std::set<std::string> ClassicGroup::candidate_protocols() const {
  std::set<std::string> candidates;
  bool first = true;
  for (const auto& [id, member] : members_) {
    std::set<std::string> names;
    for (const auto& [name, metadata] : member.protocols) names.insert(name);
    if (first) {
      candidates = std::move(names);
      first = false;
      continue;
    }
    std::set<std::string> both;
    std::set_intersection(candidates.begin(), candidates.end(), names.begin(), names.end(),
                          std::inserter(both, both.begin()));
    candidates = std::move(both);
  }
  return candidates;
}

bool ClassicGroup::supports_protocols(const std::string& protocol_type,
                                      const std::vector<std::pair<std::string, std::string>>& protocols) const {
  if (members_.empty()) return !protocol_type.empty() && !protocols.empty();
  if (protocol_type_ != protocol_type) return false;
  const std::set<std::string> candidates = candidate_protocols();
  return std::any_of(protocols.begin(), protocols.end(),
                     [&](const auto& protocol) { return candidates.count(protocol.first) > 0; });
}

std::string ClassicGroup::select_protocol() const {
  const std::set<std::string> candidates = candidate_protocols();
  // Each member votes for the first protocol of its own list that every member supports; the most
  // votes win. Kafka breaks a tie by hash-map order; here the protocol voted for first (in join
  // order) wins a tie.
  std::vector<std::pair<std::string, int>> votes;
  for (const std::string& id : member_order_) {
    for (const auto& [name, metadata] : members_.at(id).protocols) {
      if (!candidates.count(name)) continue;
      auto it = std::find_if(votes.begin(), votes.end(), [&](const auto& v) { return v.first == name; });
      if (it == votes.end()) votes.emplace_back(name, 1);
      else ++it->second;
      break;
    }
  }
  std::string chosen;
  int best = 0;
  for (const auto& [name, count] : votes)
    if (count > best) chosen = name, best = count;
  return chosen;
}

bool ClassicGroup::has_all_members_joined() const {
  if (!pending_members_.empty()) return false;
  return std::all_of(members_.begin(), members_.end(), [](const auto& m) { return bool(m.second.awaiting_join); });
}

std::vector<std::string> ClassicGroup::members_not_yet_rejoined() const {
  std::vector<std::string> out;
  for (const std::string& id : member_order_)
    if (!members_.at(id).awaiting_join) out.push_back(id);
  return out;
}

void ClassicGroup::init_next_generation(TimeMs now) {
  ++generation_;
  if (!members_.empty()) {
    protocol_ = select_protocol();
    transition_to(GroupState::CompletingRebalance, now);
  } else {
    protocol_.reset();
    transition_to(GroupState::Empty, now);
  }
}

bool ClassicGroup::elect_joined_leader() {
  if (leader_ && members_.at(*leader_).awaiting_join) return true;
  for (const std::string& id : member_order_)
    if (members_.at(id).awaiting_join) {
      leader_ = id;
      return true;
    }
  return false;
}

void ClassicGroup::set_loaded(int32_t generation, std::optional<std::string> protocol_type,
                              std::optional<std::string> protocol, std::optional<std::string> leader, TimeMs now) {
  generation_ = generation;
  protocol_type_ = std::move(protocol_type);
  protocol_ = std::move(protocol);
  leader_ = std::move(leader);
  state_ = members_.empty() ? GroupState::Empty : GroupState::Stable;
  state_timestamp_ = now;
}

int32_t ClassicGroup::rebalance_timeout_ms() const {
  int32_t longest = 0;
  for (const auto& [id, member] : members_) longest = std::max(longest, member.rebalance_timeout_ms);
  return longest;
}

}  // namespace klab::group
