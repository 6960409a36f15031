#include "group/consumer_protocol.hpp"

#include <map>

#include "group/wire.hpp"

namespace klab::group {

namespace {

constexpr int16_t kVersion = 3;

// Partitions grouped by topic, topics in name order, as Kafka's serializers group them.
void write_topic_partitions(wire::Writer& out, const std::vector<TopicPartition>& partitions) {
  std::map<std::string, std::vector<int32_t>> by_topic;
  for (const TopicPartition& tp : partitions) by_topic[tp.topic].push_back(tp.partition);
  out.i32(static_cast<int32_t>(by_topic.size()));
  for (const auto& [topic, ids] : by_topic) {
    out.string(topic);
    out.i32(static_cast<int32_t>(ids.size()));
    for (int32_t id : ids) out.i32(id);
  }
}

std::vector<TopicPartition> read_topic_partitions(wire::Reader& in) {
  std::vector<TopicPartition> out;
  const int32_t topics = in.count();
  for (int32_t t = 0; t < topics && !in.failed(); ++t) {
    std::string topic = in.string();
    const int32_t count = in.count();
    for (int32_t p = 0; p < count && !in.failed(); ++p) out.push_back(TopicPartition{topic, in.i32()});
  }
  return out;
}

}  // namespace

std::string encode_subscription(const Subscription& subscription) {
  wire::Writer out;
  out.i16(kVersion);
  out.i32(static_cast<int32_t>(subscription.topics.size()));
  for (const std::string& topic : subscription.topics) out.string(topic);
  if (subscription.user_data) out.bytes(*subscription.user_data);
  else out.null_bytes();
  write_topic_partitions(out, subscription.owned_partitions);
  out.i32(subscription.generation);
  out.nullable_string(std::nullopt);  // rack_id: klab consumers have no client.rack
  return out.take();
}

std::optional<Subscription> decode_subscription(std::string_view bytes) {
  wire::Reader in(bytes);
  const int16_t version = in.i16();
  if (version < 0 || version > kVersion) return std::nullopt;
  Subscription subscription;
  const int32_t topics = in.count();
  for (int32_t t = 0; t < topics && !in.failed(); ++t) subscription.topics.push_back(in.string());
  subscription.user_data = in.nullable_bytes();
  if (version >= 1) subscription.owned_partitions = read_topic_partitions(in);
  if (version >= 2) subscription.generation = in.i32();
  if (version >= 3) (void)in.nullable_string();
  if (in.failed()) return std::nullopt;
  return subscription;
}

std::string encode_assignment(const std::vector<TopicPartition>& partitions) {
  wire::Writer out;
  out.i16(kVersion);
  write_topic_partitions(out, partitions);
  out.null_bytes();
  return out.take();
}

std::optional<std::vector<TopicPartition>> decode_assignment(std::string_view bytes) {
  if (bytes.empty()) return std::vector<TopicPartition>{};  // the coordinator's "no assignment"
  wire::Reader in(bytes);
  const int16_t version = in.i16();
  if (version < 0 || version > kVersion) return std::nullopt;
  std::vector<TopicPartition> partitions = read_topic_partitions(in);
  (void)in.nullable_bytes();
  if (in.failed()) return std::nullopt;
  return partitions;
}

std::string encode_sticky_user_data(const std::vector<TopicPartition>& owned, int32_t generation) {
  wire::Writer out;
  write_topic_partitions(out, owned);
  out.i32(generation);
  return out.take();
}

std::optional<std::pair<std::vector<TopicPartition>, int32_t>> decode_sticky_user_data(std::string_view bytes) {
  wire::Reader in(bytes);
  std::vector<TopicPartition> owned = read_topic_partitions(in);
  const int32_t generation = in.i32();
  if (in.failed()) return std::nullopt;
  return std::make_pair(std::move(owned), generation);
}

}  // namespace klab::group
