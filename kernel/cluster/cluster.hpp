// The simulated cluster: brokers, topics and their partition logs, one simulated clock and one
// seeded RNG. It is the single owner of all state; clients hold a reference and act through it.
// Same seed + same calls = same topic ids, replica placement, offsets and timings.
//
// Topic lifecycle: create_topic (validated: name rules, collisions, partition count, replication
// factor, configs) -> create_partitions (only grows) -> delete_topic. Producing to a missing topic
// creates it when auto.create.topics.enable is true (num.partitions, default.replication.factor).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/config.hpp"
#include "base/rng.hpp"
#include "base/scheduler.hpp"
#include "cluster/topic.hpp"

namespace klab {

using ConfigEntries = std::vector<std::pair<std::string, ConfigInput>>;

struct ClusterOptions {
  int32_t brokers = 3;
  uint64_t seed = 42;
  ConfigEntries config;            // broker configs, applied to every broker
  int64_t network_latency_ms = 1;  // one way, client <-> broker
};

struct TopicSpec {
  std::optional<int32_t> partitions;          // default: num.partitions
  std::optional<int32_t> replication_factor;  // default: default.replication.factor
  ConfigEntries config;
};

struct CreateTopicResult {
  std::vector<std::string> warnings;  // what kafka-topics.sh would print as WARNING
};

class Cluster {
 public:
  // INVALID_CONFIG for a bad broker config, INVALID_REQUEST for a broker count below 1.
  static Result<std::unique_ptr<Cluster>> create(const ClusterOptions& options);

  Scheduler& scheduler() { return scheduler_; }
  Rng& rng() { return rng_; }
  TimeMs now() const { return scheduler_.now(); }
  // Runs the simulation forward: every event due in the next `ms` milliseconds happens.
  void advance(int64_t ms) { scheduler_.run_until(scheduler_.now() + ms); }
  uint64_t seed() const { return seed_; }
  int64_t network_latency_ms() const { return network_latency_ms_; }
  const ConfigSet& broker_config() const { return broker_config_; }
  const std::vector<BrokerId>& broker_ids() const { return broker_ids_; }

  Result<CreateTopicResult> create_topic(const std::string& name, const TopicSpec& spec);
  Status delete_topic(const std::string& name);
  Status create_partitions(const std::string& name, int32_t total_count);
  Status alter_topic_config(const std::string& name, const ConfigEntries& entries);
  std::vector<std::string> topic_names() const;  // sorted
  Result<TopicDescription> describe_topic(const std::string& name) const;

  Topic* find_topic(std::string_view name);
  const Topic* find_topic(std::string_view name) const;
  // The topic a client produces to, created on first use when auto.create.topics.enable allows.
  Result<Topic*> topic_for_produce(std::string_view name);
  // Bumped whenever topics or partition counts change, so clients can cache lookups.
  uint64_t metadata_version() const { return metadata_version_; }

  // The leader appends a finished batch to partition `partition` of `topic` at the current time.
  Result<AppendInfo> append(Topic& topic, int32_t partition, std::string_view batch);

  std::size_t memory_bytes() const;
  // A new client name when client.id is not set: producer-1, consumer-1, ...
  std::string next_client_id(std::string_view kind);

 private:
  explicit Cluster(const ClusterOptions& options);
  LogConfig log_config_for(const Topic& topic) const;
  ConfigValue effective_topic_config(const Topic& topic, const ConfigDef& def, ConfigSource& source) const;

  uint64_t seed_;
  Scheduler scheduler_;
  Rng rng_;
  ConfigSet broker_config_{broker_config_catalog()};
  std::vector<BrokerId> broker_ids_;
  int64_t network_latency_ms_;
  std::map<std::string, std::unique_ptr<Topic>, std::less<>> topics_;
  uint64_t metadata_version_ = 0;
  std::map<std::string, int, std::less<>> client_counters_;
};

}  // namespace klab
