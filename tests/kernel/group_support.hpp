// Helpers for the consumer-group tests (group_*_test.cpp): consumers in a group, polling several
// of them "at once" the way a script interleaves them, and reading the coordinator's view.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "group/group_coordinator.hpp"
#include "replication_support.hpp"

namespace klab::test {

inline std::unique_ptr<Consumer> group_consumer(Cluster& cluster, const std::string& group, ConfigEntries extra = {},
                                                RebalanceListener listener = {}) {
  ConfigEntries config{{"group.id", str(group)}, {"auto.offset.reset", str("earliest")}};
  for (auto& entry : extra) config.push_back(std::move(entry));
  Result<std::unique_ptr<Consumer>> created = Consumer::create(cluster, config, std::move(listener));
  REQUIRE(created.ok());
  return std::move(created).value();
}

// Polls every consumer in turn, `slice_ms` each, until `ms` of simulated time have passed.
// Returns how many records each consumer got.
inline std::vector<std::size_t> poll_together(Cluster& cluster, const std::vector<Consumer*>& consumers, int64_t ms,
                                              int64_t slice_ms = 100) {
  std::vector<std::size_t> counts(consumers.size(), 0);
  std::vector<ConsumerRecord> records;
  const TimeMs end = cluster.now() + ms;
  while (cluster.now() < end) {
    const TimeMs before = cluster.now();
    for (std::size_t i = 0; i < consumers.size(); ++i) {
      if (consumers[i]->closed()) continue;
      Result<std::size_t> polled = consumers[i]->poll(std::min(slice_ms, std::max<int64_t>(end - cluster.now(), 0)), records);
      REQUIRE_MESSAGE(polled.ok(), polled.error().to_string());
      counts[i] += *polled;
    }
    if (cluster.now() == before) cluster.advance(1);
  }
  return counts;
}

// Polls until `done()` holds; fails the test after `max_ms` of simulated time.
template <class Done>
void poll_until(Cluster& cluster, const std::vector<Consumer*>& consumers, Done done, int64_t max_ms = 60000) {
  const TimeMs end = cluster.now() + max_ms;
  while (!done()) {
    REQUIRE_MESSAGE(cluster.now() < end, "condition not reached within " << max_ms << " ms");
    poll_together(cluster, consumers, 10, 10);
  }
}

inline const group::ClassicGroup& group_of(Cluster& cluster, const std::string& group_id) {
  const group::ClassicGroup* found = group::GroupCoordinator::of(cluster).find_group(group_id);
  REQUIRE(found != nullptr);
  return *found;
}

inline std::string state_of(Cluster& cluster, const std::string& group_id) {
  const group::ClassicGroup* found = group::GroupCoordinator::of(cluster).find_group(group_id);
  return found ? std::string(group::group_state_name(found->state())) : std::string("Dead");
}

// Produces `per_partition` records to every partition of `topic`.
inline void fill(Cluster& cluster, const std::string& topic, int per_partition) {
  auto producer = make_producer(cluster);
  const Topic* found = cluster.find_topic(topic);
  REQUIRE(found != nullptr);
  for (int32_t p = 0; p < found->partition_count(); ++p)
    for (int i = 0; i < per_partition; ++i)
      REQUIRE(producer->send(ProducerRecord{.topic = topic, .partition = p, .value = "v" + std::to_string(i)}).ok());
  producer->flush();
}

inline std::vector<TopicPartition> tps(const std::string& topic, std::vector<int32_t> partitions) {
  std::vector<TopicPartition> out;
  for (int32_t p : partitions) out.push_back(TopicPartition{topic, p});
  return out;
}

inline TimeMs first_event_time(const Cluster& cluster, std::string_view kind, TimeMs after = 0) {
  for (const ClusterEvent& event : cluster.events())
    if (event.kind == kind && event.time >= after) return event.time;
  return -1;
}

}  // namespace klab::test
