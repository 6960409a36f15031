// Reading topics to their end: a task's stores from their changelogs when the task starts, and the
// global stores from their source topics. Reads go through an assigned consumer (no group), as
// Kafka's restore and global consumers do.
#include <fmt/format.h>

#include "streams/kafka_streams.hpp"

namespace klab::streams {

int64_t KafkaStreams::read_to_end(Consumer& consumer, const std::function<void(const ConsumerRecord&)>& apply) {
  auto behind = [&] {
    for (const TopicPartition& partition : consumer.assignment()) {
      const Topic* topic = cluster_.find_topic(partition.topic);
      if (!topic || partition.partition >= topic->partition_count()) continue;
      Result<int64_t> position = consumer.position(partition);
      if (position && *position < topic->partitions[static_cast<std::size_t>(partition.partition)]->high_watermark())
        return true;
    }
    return false;
  };
  int64_t count = 0;
  std::vector<ConsumerRecord> records;
  // Polls only while data is waiting below the high watermark, so a poll never has to wait (and
  // never runs the simulation from inside the stream thread).
  while (behind()) {
    Result<std::size_t> polled = consumer.poll(0, records);
    if (!polled || *polled == 0) break;
    for (const ConsumerRecord& record : records) apply(record);
    count += static_cast<int64_t>(records.size());
  }
  return count;
}

void KafkaStreams::restore(StreamTask& task) {
  if (task.stores().empty()) return;
  if (!restore_consumer_) {
    auto consumer = Consumer::create(cluster_, {{"client.id", client_id_ + "-StreamThread-1-restore-consumer"},
                                                {"auto.offset.reset", std::string("earliest")}});
    if (!consumer) throw std::runtime_error(consumer.error().message);
    restore_consumer_ = std::move(*consumer);
  }
  for (const auto& [name, store] : task.stores()) {
    TopicPartition changelog{application_id_ + "-" + name + "-changelog", task.partition()};
    if (Status assigned = restore_consumer_->assign({changelog}); !assigned) throw std::runtime_error(assigned.error().message);
    restore_consumer_->seek_to_beginning();
    const std::string& store_name = name;
    int64_t count = read_to_end(*restore_consumer_, [&](const ConsumerRecord& record) {
      if (!record.key) return;
      task.restore(store_name, std::string(*record.key), record.value ? Bytes(std::string(*record.value)) : std::nullopt,
                   record.timestamp);
    });
    write_log(fmt::format("Finished restoring changelog {} to store {} with a total number of {} records",
                          changelog.to_string(), name, count));
  }
}

void KafkaStreams::poll_global() {
  read_to_end(*global_consumer_, [&](const ConsumerRecord& record) { apply_global(record); });
}

void KafkaStreams::apply_global(const ConsumerRecord& record) {
  if (!record.key) return;
  const TopologyNode& source = topology_->node(topology_->source_for(topology_topic_of_[std::string(record.topic)]));
  for (int child : source.children)
    global_stores_[topology_->node(child).store].put(std::string(*record.key),
                                                     record.value ? Bytes(std::string(*record.value)) : std::nullopt,
                                                     record.timestamp);
}

}  // namespace klab::streams
