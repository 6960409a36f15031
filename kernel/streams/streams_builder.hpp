// The Kafka Streams DSL: StreamsBuilder and the handles it hands out (KStream, KTable,
// GlobalKTable, KGroupedStream, TimeWindowedKStream, BranchedKStream). Each operation adds nodes
// named as Kafka 3.7 names them, with one counter for processor and store names, so describe()
// prints what Kafka's Topology#describe() prints for the same program.
//
// Repartitioning, as Kafka decides it: an operation that may change the key (map, flat_map,
// select_key, group_by) marks the stream; a later grouping or stream-table join then goes through
// a repartition topic `<application.id>-<name>-repartition` (a null-key filter, a sink, a source;
// named `<name>-repartition-filter`, `-sink`, `-source` when <name> is the user's, e.g. a store's).
// A table's store is materialized only when something needs it (a join, a store name).
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "streams/topology.hpp"
#include "streams/topology_node.hpp"

namespace klab::streams {

class StreamsBuilder;
class KStream;
class KTable;
class BranchedKStream;

class GlobalKTable {
 public:
  const std::string& store_name() const { return store_; }

 private:
  friend class StreamsBuilder;
  friend class KStream;
  GlobalKTable(StreamsBuilder* builder, std::string store) : builder_(builder), store_(std::move(store)) {}
  StreamsBuilder* builder_;
  std::string store_;
};

class KGroupedStream;

class KStream {
 public:
  KStream filter(Predicate predicate);
  KStream filter_not(Predicate predicate);
  KStream map(KeyValueMapper mapper);
  KStream map_values(ValueMapper mapper);
  KStream flat_map(FlatKeyValueMapper mapper);
  KStream flat_map_values(FlatValueMapper mapper);
  KStream select_key(KeySelector selector);
  KStream peek(ForeachAction action);
  void foreach(ForeachAction action);
  KStream merge(const KStream& other);
  void to(const std::string& topic);
  BranchedKStream split(std::optional<std::string> prefix = std::nullopt);
  KGroupedStream group_by_key();
  KGroupedStream group_by(KeySelector selector);
  KStream join(const KTable& table, ValueJoiner joiner);
  KStream left_join(const KTable& table, ValueJoiner joiner);
  KStream join(const GlobalKTable& table, KeySelector key_selector, ValueJoiner joiner);
  KStream left_join(const GlobalKTable& table, KeySelector key_selector, ValueJoiner joiner);

  const std::string& node_name() const;
  bool repartition_required() const { return repartition_required_; }

 private:
  friend class StreamsBuilder;
  friend class KTable;
  friend class BranchedKStream;
  KStream(StreamsBuilder* builder, int node, bool repartition_required)
      : builder_(builder), node_(node), repartition_required_(repartition_required) {}
  KStream stateless(NodeKind kind, const char* prefix, bool changes_key, TopologyNode&& node);
  KStream table_join(const KTable& table, ValueJoiner joiner, JoinKind kind);
  KStream global_join(const GlobalKTable& table, KeySelector key_selector, ValueJoiner joiner, JoinKind kind);
  StreamsBuilder* builder_;
  int node_;
  bool repartition_required_;
};

class BranchedKStream {
 public:
  // Records go to the first branch whose predicate holds. A branch's name in the returned map is
  // the split's prefix plus the branch name, or its position (1, 2, ...); the default branch's is "0".
  BranchedKStream& branch(Predicate predicate, std::optional<std::string> name = std::nullopt);
  std::map<std::string, KStream> default_branch(std::optional<std::string> name = std::nullopt);
  std::map<std::string, KStream> no_default_branch();

 private:
  friend class KStream;
  BranchedKStream(StreamsBuilder* builder, int split_node, std::string prefix, bool repartition_required)
      : builder_(builder), split_node_(split_node), prefix_(std::move(prefix)), repartition_required_(repartition_required) {}
  void add_branch(Predicate predicate, std::optional<std::string> name, const std::string& position);
  StreamsBuilder* builder_;
  int split_node_;
  std::string prefix_;
  bool repartition_required_;
  int next_position_ = 1;
  std::map<std::string, KStream> branches_;
};

class KTable {
 public:
  KStream to_stream();
  KTable join(const KTable& other, ValueJoiner joiner);
  KTable left_join(const KTable& other, ValueJoiner joiner);
  KTable outer_join(const KTable& other, ValueJoiner joiner);
  // The store this table's values live in ("" for a table nobody materializes).
  const std::string& store_name() const { return store_; }
  bool windowed() const { return windowed_; }

 private:
  friend class StreamsBuilder;
  friend class KStream;
  friend class KGroupedStream;
  KTable(StreamsBuilder* builder, int node, std::string store, int source_node, bool windowed)
      : builder_(builder), node_(node), store_(std::move(store)), source_node_(source_node), windowed_(windowed) {}
  KTable table_join(const KTable& other, ValueJoiner joiner, JoinKind kind);
  // The store a join reads; materializes a table source's store when it was not yet.
  std::string materialize() const;
  StreamsBuilder* builder_;
  int node_;
  std::string store_;
  int source_node_;  // the KTABLE-SOURCE node of a table read from a topic, else -1
  bool windowed_;
};

class KGroupedStream {
 public:
  // store_name: Kafka's Materialized.as(name); otherwise a generated KSTREAM-AGGREGATE-STATE-STORE-N.
  KTable count(std::optional<std::string> store_name = std::nullopt);
  KTable reduce(Reducer reducer, std::optional<std::string> store_name = std::nullopt);
  KTable aggregate(Initializer initializer, Aggregator aggregator, std::optional<std::string> store_name = std::nullopt);
  KGroupedStream windowed_by(TimeWindows windows) const;

 private:
  friend class KStream;
  KGroupedStream(StreamsBuilder* builder, int node, bool repartition_required)
      : builder_(builder), node_(node), repartition_required_(repartition_required) {}
  KTable build(AggregateKind kind, TopologyNode&& node, std::optional<std::string> store_name);
  StreamsBuilder* builder_;
  int node_;
  bool repartition_required_;
  std::optional<TimeWindows> windows_;
};

class StreamsBuilder {
 public:
  StreamsBuilder() = default;
  StreamsBuilder(const StreamsBuilder&) = delete;
  StreamsBuilder& operator=(const StreamsBuilder&) = delete;

  KStream stream(const std::string& topic);
  KStream stream(const std::vector<std::string>& topics);
  KTable table(const std::string& topic, std::optional<std::string> store_name = std::nullopt);
  GlobalKTable global_table(const std::string& topic, std::optional<std::string> store_name = std::nullopt);

  // The topology so far. TOPOLOGY_EXCEPTION-style errors (a topic read by two sources, an empty
  // topology) come back as INVALID_CONFIG... with Kafka's wording.
  Result<std::shared_ptr<const Topology>> build() const;

  // Internal to the DSL handles.
  std::string new_name(std::string_view prefix);
  std::string new_store_name(std::string_view prefix);
  int add_node(TopologyNode&& node, std::vector<int> parents);
  TopologyNode& node(int id) { return nodes_[static_cast<std::size_t>(id)]; }
  void add_store(StoreSpec store);
  // Inserts the repartition of the stream ending at `parent` through topic `<prefix>-repartition`;
  // returns the new source node.
  int repartition(int parent, const std::string& prefix);

 private:
  std::deque<TopologyNode> nodes_;  // a deque: references to nodes stay valid as nodes are added
  std::vector<StoreSpec> stores_;
  int index_ = 0;
};

}  // namespace klab::streams
