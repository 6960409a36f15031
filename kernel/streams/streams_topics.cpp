// What start() checks about topics and the internal topics it creates.
//
// Partition counts, as Kafka's RepartitionTopics and CopartitionedTopicsEnforcer settle them: a
// repartition topic gets as many partitions as the sub-topology writing it has tasks (the largest
// partition count of that sub-topology's sources), except in a join, where every topic joined must
// have the same count: the input topics must agree, and a repartition topic takes their count.
#include <fmt/format.h>

#include "streams/kafka_streams.hpp"

namespace klab::streams {
namespace {

std::string bracketed(const std::set<std::string>& names) { return fmt::format("[{}]", fmt::join(names, ", ")); }

}  // namespace

Status KafkaStreams::check_topics() {
  const auto& subs = topology_->subtopologies();
  std::set<std::string> missing;
  for (const SubTopology& sub : subs)
    for (const std::string& topic : sub.source_topics)
      if (!topology_->is_internal_topic(topic) && !cluster_.find_topic(topic)) missing.insert(topic);
  if (!missing.empty())
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("MissingSourceTopicException: One or more source topics were missing during "
                                  "rebalance: {}. Create them before starting the application.",
                                  bracketed(missing)));
  if (std::optional<std::string> cycle = topology_->find_cycle())
    return make_error(ErrorCode::INVALID_CONFIG, *cycle);
  // Repartition topics: the task count of their writer, settled in dependency order.
  auto count_of = [&](const std::string& topic) -> int32_t {
    if (topology_->is_internal_topic(topic)) {
      auto it = partitions_of_.find(topic);
      return it == partitions_of_.end() ? 0 : it->second;
    }
    const Topic* found = cluster_.find_topic(topic);
    return found ? found->partition_count() : 0;
  };
  for (std::size_t pass = 0; pass <= subs.size(); ++pass)
    for (const SubTopology& sub : subs) {
      int32_t tasks = 0;
      for (const std::string& topic : sub.source_topics) tasks = std::max(tasks, count_of(topic));
      for (const std::string& topic : sub.sink_topics)
        if (topology_->is_internal_topic(topic) && tasks > 0) partitions_of_[topic] = tasks;
    }
  for (const std::set<std::string>& group : topology_->copartition_groups()) {
    std::set<int32_t> external_counts;
    for (const std::string& topic : group)
      if (!topology_->is_internal_topic(topic)) external_counts.insert(count_of(topic));
    if (external_counts.size() > 1) {
      std::set<std::string> described;
      for (const std::string& topic : group)
        described.insert(fmt::format("{} ({} partitions)", cluster_topic(topic), count_of(topic)));
      return make_error(ErrorCode::INVALID_PARTITIONS,
                        fmt::format("TopologyException: Invalid topology: Topics not co-partitioned: {}. Joined topics "
                                    "need the same number of partitions.",
                                    bracketed(described)));
    }
    if (external_counts.size() == 1)
      for (const std::string& topic : group)
        if (topology_->is_internal_topic(topic)) partitions_of_[topic] = *external_counts.begin();
  }
  return ok_status();
}

Status KafkaStreams::create_internal_topics() {
  const int64_t replication = config_.get_long("replication.factor");
  auto create = [&](const std::string& name, int32_t partitions, const char* cleanup) -> Status {
    if (const Topic* existing = cluster_.find_topic(name)) {
      if (existing->partition_count() != partitions)
        return make_error(ErrorCode::INVALID_PARTITIONS,
                          fmt::format("Existing internal topic {} has invalid partitions: expected: {}; actual: {}. "
                                      "Use 'kafka-streams-application-reset' tool to clean up invalid topics before "
                                      "processing.",
                                      name, partitions, existing->partition_count()));
      return ok_status();
    }
    TopicSpec spec;
    spec.partitions = partitions;
    if (replication > 0) spec.replication_factor = static_cast<int32_t>(replication);
    spec.config = {{"cleanup.policy", std::string(cleanup)}};
    auto created = cluster_.create_topic(name, spec);
    if (!created) return created.error();
    write_log(fmt::format("Created internal topic {} with {} partitions (cleanup.policy={})", name, partitions, cleanup));
    return ok_status();
  };
  for (const auto& [topic, partitions] : partitions_of_)
    if (Status made = create(cluster_topic(topic), partitions, "delete"); !made) return made;
  for (const SubTopology& sub : topology_->subtopologies()) {
    if (sub.global || sub.stores.empty()) continue;
    int32_t tasks = 0;
    for (const std::string& topic : sub.source_topics) {
      auto internal = partitions_of_.find(topic);
      int32_t count = internal != partitions_of_.end() ? internal->second
                                                       : cluster_.find_topic(topic)->partition_count();
      tasks = std::max(tasks, count);
    }
    for (const std::string& store : sub.stores)
      if (Status made = create(application_id_ + "-" + store + "-changelog", tasks, "compact"); !made) return made;
  }
  return ok_status();
}

}  // namespace klab::streams
