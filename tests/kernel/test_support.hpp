// Small helpers shared by the kernel tests: a cluster, a topic, clients, and reading a log back.
// Numbers go into configs as int64_t (a plain int would be ambiguous between int64_t and double).
#pragma once
#include <doctest/doctest.h>

// Tests build records with designated initializers (ProducerRecord{.topic = "t", .value = "v"}),
// naming only the fields that matter; GCC 12's -Wextra flags the defaulted rest.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/consumer.hpp"
#include "client/producer.hpp"
#include "cluster/cluster.hpp"

namespace klab::test {

inline ConfigInput num(int64_t value) { return ConfigInput(value); }
inline ConfigInput str(std::string value) { return ConfigInput(std::move(value)); }

inline std::unique_ptr<Cluster> make_cluster(ClusterOptions options = {}) {
  Result<std::unique_ptr<Cluster>> created = Cluster::create(options);
  REQUIRE(created.ok());
  return std::move(created).value();
}

inline Topic& make_topic(Cluster& cluster, const std::string& name, int32_t partitions, int32_t replication_factor = 1,
                         ConfigEntries config = {}) {
  Result<CreateTopicResult> created = cluster.create_topic(name, TopicSpec{partitions, replication_factor, std::move(config)});
  REQUIRE(created.ok());
  Topic* topic = cluster.find_topic(name);
  REQUIRE(topic != nullptr);
  return *topic;
}

inline std::unique_ptr<Producer> make_producer(Cluster& cluster, const ConfigEntries& config = {},
                                               CustomPartitioner custom = nullptr) {
  Result<std::unique_ptr<Producer>> created = Producer::create(cluster, config, std::move(custom));
  REQUIRE(created.ok());
  return std::move(created).value();
}

inline std::unique_ptr<Consumer> make_consumer(Cluster& cluster, const ConfigEntries& config = {}) {
  Result<std::unique_ptr<Consumer>> created = Consumer::create(cluster, config);
  REQUIRE(created.ok());
  return std::move(created).value();
}

// A topic that belongs to no cluster, for partitioners that only look at its partitions.
inline Topic standalone_topic(const std::string& name, int32_t partitions) {
  Topic topic;
  topic.name = name;
  for (int32_t p = 0; p < partitions; ++p) {
    auto partition = std::make_unique<Partition>();
    partition->id = p;
    partition->replicas = {1};
    partition->leader = 1;
    partition->in_sync_replicas = {1};
    partition->copies.push_back(std::make_unique<Replica>(1, PartitionLog(LogConfig{})));
    topic.partitions.push_back(std::move(partition));
  }
  return topic;
}

struct StoredRecord {
  int64_t offset;
  TimeMs timestamp;
  std::optional<std::string> key;
  std::optional<std::string> value;
};

inline std::vector<StoredRecord> read_log(const PartitionLog& log, int64_t from = 0, int64_t upto = INT64_MAX) {
  std::vector<StoredRecord> out;
  DecompressedBatches decompressed;
  Status read = log.read(from, upto, decompressed, [&](const RecordView& r) {
    out.push_back(StoredRecord{r.offset, r.timestamp, r.key ? std::optional<std::string>(std::string(*r.key)) : std::nullopt,
                               r.value ? std::optional<std::string>(std::string(*r.value)) : std::nullopt});
    return true;
  });
  REQUIRE(read.ok());
  return out;
}

inline std::vector<int64_t> offsets_of(const std::vector<StoredRecord>& records) {
  std::vector<int64_t> offsets;
  for (const StoredRecord& r : records) offsets.push_back(r.offset);
  return offsets;
}

inline const PartitionLog& log_of(Cluster& cluster, const std::string& topic, int32_t partition) {
  Topic* found = cluster.find_topic(topic);
  REQUIRE(found != nullptr);
  REQUIRE(partition < found->partition_count());
  return found->partitions[static_cast<std::size_t>(partition)]->log();
}

}  // namespace klab::test
