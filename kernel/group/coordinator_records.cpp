#include "group/coordinator_records.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "group/wire.hpp"

namespace klab::group {

namespace {

constexpr int16_t kOffsetKeyVersion = 1;  // what Kafka 3.7 writes (0 and 1 share the layout)
constexpr int16_t kGroupKeyVersion = 2;
constexpr int16_t kOffsetValueVersion = 3;
constexpr int16_t kGroupValueVersion = 3;

std::string option_text(const std::optional<std::string>& value) {
  return value ? fmt::format("Some({})", *value) : std::string("None");
}

}  // namespace

std::string encode_key(const CoordinatorKey& key) {
  wire::Writer out;
  if (const auto* offset = std::get_if<OffsetCommitKey>(&key)) {
    out.i16(kOffsetKeyVersion);
    out.string(offset->group);
    out.string(offset->partition.topic);
    out.i32(offset->partition.partition);
  } else {
    out.i16(kGroupKeyVersion);
    out.string(std::get<GroupMetadataKey>(key).group);
  }
  return out.take();
}

std::string encode_offset_value(const OffsetCommitValue& value) {
  wire::Writer out;
  out.i16(kOffsetValueVersion);
  out.i64(value.offset);
  out.i32(value.leader_epoch);
  out.string(value.metadata);
  out.i64(value.commit_timestamp);
  return out.take();
}

std::string encode_group_value(const GroupMetadataValue& value) {
  wire::Writer out;
  out.i16(kGroupValueVersion);
  out.string(value.protocol_type);
  out.i32(value.generation);
  out.nullable_string(value.protocol);
  out.nullable_string(value.leader);
  out.i64(value.current_state_timestamp);
  out.i32(static_cast<int32_t>(value.members.size()));
  for (const MemberRecord& member : value.members) {
    out.string(member.member_id);
    out.nullable_string(member.group_instance_id);
    out.string(member.client_id);
    out.string(member.client_host);
    out.i32(member.rebalance_timeout_ms);
    out.i32(member.session_timeout_ms);
    out.bytes(member.subscription);
    out.bytes(member.assignment);
  }
  return out.take();
}

std::optional<CoordinatorKey> decode_key(std::string_view bytes) {
  wire::Reader in(bytes);
  const int16_t version = in.i16();
  CoordinatorKey key;
  if (version == 0 || version == 1) {
    OffsetCommitKey offset;
    offset.group = in.string();
    offset.partition.topic = in.string();
    offset.partition.partition = in.i32();
    key = std::move(offset);
  } else if (version == 2) {
    key = GroupMetadataKey{in.string()};
  } else {
    return std::nullopt;
  }
  if (in.failed()) return std::nullopt;
  return key;
}

std::optional<OffsetCommitValue> decode_offset_value(std::string_view bytes) {
  wire::Reader in(bytes);
  const int16_t version = in.i16();
  if (version < 0 || version > kOffsetValueVersion) return std::nullopt;
  OffsetCommitValue value;
  value.offset = in.i64();
  if (version >= 3) value.leader_epoch = in.i32();
  value.metadata = in.string();
  value.commit_timestamp = in.i64();
  if (version == 1) (void)in.i64();  // expire_timestamp
  if (in.failed()) return std::nullopt;
  return value;
}

std::optional<GroupMetadataValue> decode_group_value(std::string_view bytes) {
  wire::Reader in(bytes);
  const int16_t version = in.i16();
  if (version < 0 || version > kGroupValueVersion) return std::nullopt;
  GroupMetadataValue value;
  value.protocol_type = in.string();
  value.generation = in.i32();
  value.protocol = in.nullable_string();
  value.leader = in.nullable_string();
  if (version >= 2) value.current_state_timestamp = in.i64();
  const int32_t members = in.count();
  for (int32_t i = 0; i < members && !in.failed(); ++i) {
    MemberRecord member;
    member.member_id = in.string();
    if (version >= 3) member.group_instance_id = in.nullable_string();
    member.client_id = in.string();
    member.client_host = in.string();
    if (version >= 1) member.rebalance_timeout_ms = in.i32();
    member.session_timeout_ms = in.i32();
    if (version == 0) member.rebalance_timeout_ms = member.session_timeout_ms;
    member.subscription = in.nullable_bytes().value_or("");
    member.assignment = in.nullable_bytes().value_or("");
    value.members.push_back(std::move(member));
  }
  if (in.failed()) return std::nullopt;
  return value;
}

std::optional<std::string> format_offsets_message(std::optional<std::string_view> key,
                                                  std::optional<std::string_view> value) {
  if (!key) return std::nullopt;
  std::optional<CoordinatorKey> decoded = decode_key(*key);
  if (!decoded) return std::nullopt;
  const auto* offset_key = std::get_if<OffsetCommitKey>(&*decoded);
  if (!offset_key) return std::nullopt;
  std::string line = fmt::format("[{},{},{}]::", offset_key->group, offset_key->partition.topic,
                                 offset_key->partition.partition);
  if (!value) return line + "NULL";
  std::optional<OffsetCommitValue> commit = decode_offset_value(*value);
  if (!commit) return line + "<unreadable value>";
  const std::string epoch =
      commit->leader_epoch < 0 ? std::string("Optional.empty") : fmt::format("Optional[{}]", commit->leader_epoch);
  return line + fmt::format("OffsetAndMetadata(offset={}, leaderEpoch={}, metadata={}, commitTimestamp={}, "
                            "expireTimestamp=None)",
                            commit->offset, epoch, commit->metadata, commit->commit_timestamp);
}

std::optional<std::string> format_group_metadata_message(std::optional<std::string_view> key,
                                                         std::optional<std::string_view> value) {
  if (!key) return std::nullopt;
  std::optional<CoordinatorKey> decoded = decode_key(*key);
  if (!decoded) return std::nullopt;
  const auto* group_key = std::get_if<GroupMetadataKey>(&*decoded);
  if (!group_key) return std::nullopt;
  std::string line = group_key->group + "::";
  if (!value) return line + "NULL";
  std::optional<GroupMetadataValue> group = decode_group_value(*value);
  if (!group) return line + "<unreadable value>";
  std::vector<const MemberRecord*> members;
  for (const MemberRecord& member : group->members) members.push_back(&member);
  std::sort(members.begin(), members.end(),
            [](const MemberRecord* a, const MemberRecord* b) { return a->member_id < b->member_id; });
  std::string listed;
  for (const MemberRecord* member : members) {
    if (!listed.empty()) listed += ", ";
    listed += fmt::format(
        "{} -> MemberMetadata(memberId={}, groupInstanceId={}, clientId={}, clientHost={}, sessionTimeoutMs={}, "
        "rebalanceTimeoutMs={}, supportedProtocols=List({}))",
        member->member_id, member->member_id, option_text(member->group_instance_id), member->client_id,
        member->client_host, member->session_timeout_ms, member->rebalance_timeout_ms, group->protocol.value_or(""));
  }
  // A loaded group is Stable when it has members, else Empty (GroupMetadata.loadGroup).
  const char* state = group->members.empty() ? "Empty" : "Stable";
  const std::optional<std::string> protocol_type =
      group->protocol_type.empty() ? std::nullopt : std::optional<std::string>(group->protocol_type);
  return line + fmt::format("GroupMetadata(groupId={}, generation={}, protocolType={}, currentState={}, "
                            "members=HashMap({}))",
                            group_key->group, group->generation, option_text(protocol_type), state, listed);
}

}  // namespace klab::group
