// The DSL operations. Names follow Kafka 3.7's KStreamImpl / KTableImpl / KGroupedStreamImpl
// prefixes and the order in which Kafka draws numbers from its one counter (for an aggregation:
// the store name, the processor, then the repartition sink, filter and source).
//
// Value serdes follow Kafka's too, for the one klab tracks: count() makes Serdes.Long() values,
// and the operations that pass values on unchanged (filter, peek, select_key, branches, merge of
// two Long streams, to_stream, to, a repartition) keep them Long; everything else makes strings.
#include "streams/streams_builder.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace klab::streams {
namespace {

// Kafka's `name.matches("KSTREAM.*-[0-9]{10}")`: a name Kafka generated, not one the user gave.
bool generated_name(std::string_view name) {
  constexpr std::size_t digits = 10;
  if (name.size() < 7 + 1 + digits || name.substr(0, 7) != "KSTREAM") return false;
  if (name[name.size() - digits - 1] != '-') return false;
  return std::all_of(name.end() - digits, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether a node of this kind forwards the values it receives as they are (their serde too).
bool keeps_values(NodeKind kind) {
  return kind == NodeKind::Filter || kind == NodeKind::Peek || kind == NodeKind::Foreach || kind == NodeKind::Sink ||
         kind == NodeKind::SelectKey;
}

}  // namespace

std::string StreamsBuilder::new_name(std::string_view prefix) { return fmt::format("{}{:010d}", prefix, index_++); }

std::string StreamsBuilder::new_store_name(std::string_view prefix) {
  return fmt::format("{}STATE-STORE-{:010d}", prefix, index_++);
}

int StreamsBuilder::add_node(TopologyNode&& node, std::vector<int> parents) {
  node.id = static_cast<int>(nodes_.size());
  node.parents = std::move(parents);
  for (int parent : node.parents) nodes_[static_cast<std::size_t>(parent)].children.push_back(node.id);
  nodes_.push_back(std::move(node));
  return nodes_.back().id;
}

void StreamsBuilder::add_store(StoreSpec store) { stores_.push_back(std::move(store)); }

// As KStreamImpl.createRepartitionedSource: the three numbers are drawn in any case (sink, filter,
// source); a user's name (a store's) names the nodes `<topic>-filter`, `-sink`, `-source`.
int StreamsBuilder::repartition(int parent, const std::string& prefix) {
  const std::string suffix = "-repartition";
  const bool has_suffix = prefix.size() >= suffix.size() && prefix.compare(prefix.size() - suffix.size(), suffix.size(), suffix) == 0;
  const std::string topic = has_suffix ? prefix : prefix + suffix;
  const bool numbered = generated_name(prefix);
  const bool long_values = node(parent).long_values;
  TopologyNode sink;
  sink.kind = NodeKind::Sink;
  sink.name = new_name("KSTREAM-SINK-");
  sink.topics = {topic};
  sink.internal_topic = true;
  TopologyNode filter;
  filter.kind = NodeKind::Filter;
  filter.name = new_name("KSTREAM-FILTER-");
  // Kafka 3.7 (KIP-962) keeps the node and its name but passes every record: null keys reach the
  // repartition topic, and the aggregation or join downstream decides (a count drops them).
  filter.predicate = [](const Bytes&, const Bytes&) { return true; };
  TopologyNode source;
  source.kind = NodeKind::Source;
  source.name = new_name("KSTREAM-SOURCE-");
  source.topics = {topic};
  source.internal_topic = true;
  if (!numbered) {
    sink.name = topic + "-sink";
    filter.name = topic + "-filter";
    source.name = topic + "-source";
  }
  sink.long_values = filter.long_values = source.long_values = long_values;
  int filter_id = add_node(std::move(filter), {parent});
  add_node(std::move(sink), {filter_id});
  return add_node(std::move(source), {});
}

KStream StreamsBuilder::stream(const std::string& topic) { return stream(std::vector<std::string>{topic}); }

KStream StreamsBuilder::stream(const std::vector<std::string>& topics) {
  TopologyNode source;
  source.kind = NodeKind::Source;
  source.name = new_name("KSTREAM-SOURCE-");
  source.topics = topics;
  return KStream(this, add_node(std::move(source), {}), false);
}

KTable StreamsBuilder::table(const std::string& topic, std::optional<std::string> store_name) {
  const bool named = store_name.has_value();
  std::string store = named ? *store_name : new_store_name(topic + "-");
  TopologyNode source;
  source.kind = NodeKind::Source;
  source.name = new_name("KSTREAM-SOURCE-");
  source.topics = {topic};
  int source_id = add_node(std::move(source), {});
  TopologyNode upsert;
  upsert.kind = NodeKind::TableSource;
  upsert.name = new_name("KTABLE-SOURCE-");
  if (named) {
    upsert.store = store;
    upsert.stores = {store};
    add_store(StoreSpec{store, false, false, false, ""});
  }
  int table_id = add_node(std::move(upsert), {source_id});
  KTable result(this, table_id, named ? store : "", table_id, false);
  // An unnamed store is remembered so that materialize() can name it as Kafka would have.
  if (!named) node(table_id).other_store = store;
  return result;
}

GlobalKTable StreamsBuilder::global_table(const std::string& topic, std::optional<std::string> store_name) {
  std::string store = store_name ? *store_name : new_store_name(topic + "-");
  TopologyNode source;
  source.kind = NodeKind::Source;
  source.name = new_name("KSTREAM-SOURCE-");
  source.topics = {topic};
  source.global = true;
  int source_id = add_node(std::move(source), {});
  TopologyNode upsert;
  upsert.kind = NodeKind::TableSource;
  upsert.name = new_name("KTABLE-SOURCE-");
  upsert.global = true;
  upsert.store = store;
  upsert.stores = {store};
  add_node(std::move(upsert), {source_id});
  add_store(StoreSpec{store, true, false, false, topic});
  return GlobalKTable(this, store);
}

Result<std::shared_ptr<const Topology>> StreamsBuilder::build() const {
  Result<Topology> topology = Topology::make(std::vector<TopologyNode>(nodes_.begin(), nodes_.end()), stores_);
  if (!topology) return topology.error();
  return std::make_shared<const Topology>(std::move(*topology));
}

// ---- KStream

const std::string& KStream::node_name() const { return builder_->node(node_).name; }

KStream KStream::stateless(NodeKind kind, const char* prefix, bool changes_key, TopologyNode&& node) {
  node.kind = kind;
  node.name = builder_->new_name(prefix);
  node.long_values = keeps_values(kind) && builder_->node(node_).long_values;
  int id = builder_->add_node(std::move(node), {node_});
  return KStream(builder_, id, repartition_required_ || changes_key);
}

KStream KStream::filter(Predicate predicate) {
  TopologyNode node;
  node.predicate = std::move(predicate);
  return stateless(NodeKind::Filter, "KSTREAM-FILTER-", false, std::move(node));
}

KStream KStream::filter_not(Predicate predicate) {
  TopologyNode node;
  node.predicate = std::move(predicate);
  node.negate = true;
  return stateless(NodeKind::Filter, "KSTREAM-FILTER-", false, std::move(node));
}

KStream KStream::map(KeyValueMapper mapper) {
  TopologyNode node;
  node.key_value_mapper = std::move(mapper);
  return stateless(NodeKind::Map, "KSTREAM-MAP-", true, std::move(node));
}

KStream KStream::map_values(ValueMapper mapper) {
  TopologyNode node;
  node.value_mapper = std::move(mapper);
  return stateless(NodeKind::MapValues, "KSTREAM-MAPVALUES-", false, std::move(node));
}

KStream KStream::flat_map(FlatKeyValueMapper mapper) {
  TopologyNode node;
  node.flat_mapper = std::move(mapper);
  return stateless(NodeKind::FlatMap, "KSTREAM-FLATMAP-", true, std::move(node));
}

KStream KStream::flat_map_values(FlatValueMapper mapper) {
  TopologyNode node;
  node.flat_value_mapper = std::move(mapper);
  return stateless(NodeKind::FlatMapValues, "KSTREAM-FLATMAPVALUES-", false, std::move(node));
}

KStream KStream::select_key(KeySelector selector) {
  TopologyNode node;
  node.key_selector = std::move(selector);
  return stateless(NodeKind::SelectKey, "KSTREAM-KEY-SELECT-", true, std::move(node));
}

KStream KStream::peek(ForeachAction action) {
  TopologyNode node;
  node.action = std::move(action);
  return stateless(NodeKind::Peek, "KSTREAM-PEEK-", false, std::move(node));
}

void KStream::foreach(ForeachAction action) {
  TopologyNode node;
  node.action = std::move(action);
  stateless(NodeKind::Foreach, "KSTREAM-FOREACH-", false, std::move(node));
}

KStream KStream::merge(const KStream& other) {
  if (other.builder_ != builder_) throw TopologyError("merge: both streams must come from the same builder");
  TopologyNode node;
  node.kind = NodeKind::Merge;
  node.name = builder_->new_name("KSTREAM-MERGE-");
  // Kafka's merge has no serdes of its own; klab keeps Long only when both sides are Long.
  node.long_values = builder_->node(node_).long_values && builder_->node(other.node_).long_values;
  int id = builder_->add_node(std::move(node), {node_, other.node_});
  return KStream(builder_, id, repartition_required_ || other.repartition_required_);
}

void KStream::to(const std::string& topic) {
  TopologyNode node;
  node.topics = {topic};
  stateless(NodeKind::Sink, "KSTREAM-SINK-", false, std::move(node));
}

BranchedKStream KStream::split(std::optional<std::string> prefix) {
  TopologyNode node;
  node.kind = NodeKind::Split;
  node.name = prefix ? *prefix : builder_->new_name("KSTREAM-BRANCH-");
  node.long_values = builder_->node(node_).long_values;
  int id = builder_->add_node(std::move(node), {node_});
  return BranchedKStream(builder_, id, prefix.value_or(""), repartition_required_);
}

KGroupedStream KStream::group_by_key() { return KGroupedStream(builder_, node_, repartition_required_); }

KGroupedStream KStream::group_by(KeySelector selector) {
  KStream selected = select_key(std::move(selector));
  return KGroupedStream(builder_, selected.node_, true);
}

KStream KStream::table_join(const KTable& table, ValueJoiner joiner, JoinKind kind) {
  if (table.builder_ != builder_) throw TopologyError("join: the stream and the table must come from the same builder");
  if (table.windowed_) throw TopologyError("join: klab joins streams with key-value tables only, not windowed tables");
  const std::string store = table.materialize();
  int parent = node_;
  if (repartition_required_) parent = builder_->repartition(node_, builder_->node(node_).name);
  TopologyNode node;
  node.kind = NodeKind::StreamTableJoin;
  node.name = builder_->new_name(kind == JoinKind::Inner ? "KSTREAM-JOIN-" : "KSTREAM-LEFTJOIN-");
  node.join = kind;
  node.joiner = std::move(joiner);
  node.other_store = store;
  node.other_long_values = builder_->node(table.node_).long_values;
  node.stores = {store};
  return KStream(builder_, builder_->add_node(std::move(node), {parent}), false);
}

KStream KStream::join(const KTable& table, ValueJoiner joiner) { return table_join(table, std::move(joiner), JoinKind::Inner); }
KStream KStream::left_join(const KTable& table, ValueJoiner joiner) {
  return table_join(table, std::move(joiner), JoinKind::Left);
}

KStream KStream::global_join(const GlobalKTable& table, KeySelector key_selector, ValueJoiner joiner, JoinKind kind) {
  if (table.builder_ != builder_) throw TopologyError("join: the stream and the table must come from the same builder");
  TopologyNode node;
  node.kind = NodeKind::StreamGlobalJoin;
  node.name = builder_->new_name(kind == JoinKind::Inner ? "KSTREAM-JOIN-" : "KSTREAM-LEFTJOIN-");
  node.join = kind;
  node.key_selector = std::move(key_selector);
  node.joiner = std::move(joiner);
  node.other_store = table.store_;
  // A global join keeps the stream's key, so it never needs a repartition.
  return KStream(builder_, builder_->add_node(std::move(node), {node_}), repartition_required_);
}

KStream KStream::join(const GlobalKTable& table, KeySelector key_selector, ValueJoiner joiner) {
  return global_join(table, std::move(key_selector), std::move(joiner), JoinKind::Inner);
}
KStream KStream::left_join(const GlobalKTable& table, KeySelector key_selector, ValueJoiner joiner) {
  return global_join(table, std::move(key_selector), std::move(joiner), JoinKind::Left);
}

// ---- BranchedKStream

void BranchedKStream::add_branch(Predicate predicate, std::optional<std::string> name, const std::string& position) {
  const std::string suffix = name ? *name : position;
  TopologyNode node;
  node.kind = NodeKind::Branch;
  node.name = builder_->node(split_node_).name + suffix;
  node.long_values = builder_->node(split_node_).long_values;
  node.predicate = std::move(predicate);
  int id = builder_->add_node(std::move(node), {split_node_});
  branches_.insert_or_assign(prefix_ + suffix, KStream(builder_, id, repartition_required_));
}

BranchedKStream& BranchedKStream::branch(Predicate predicate, std::optional<std::string> name) {
  add_branch(std::move(predicate), std::move(name), std::to_string(next_position_++));
  return *this;
}

std::map<std::string, KStream> BranchedKStream::default_branch(std::optional<std::string> name) {
  add_branch(nullptr, std::move(name), "0");
  return branches_;
}

std::map<std::string, KStream> BranchedKStream::no_default_branch() { return branches_; }

// ---- KTable

std::string KTable::materialize() const {
  if (!store_.empty()) return store_;
  if (source_node_ < 0)
    throw TopologyError("join: klab joins tables read from a topic (table) or made by count/reduce/aggregate");
  TopologyNode& source = builder_->node(source_node_);
  if (source.store.empty()) {
    source.store = source.other_store;
    source.stores = {source.store};
    builder_->add_store(StoreSpec{source.store, false, false, false, ""});
  }
  return source.store;
}

KStream KTable::to_stream() {
  TopologyNode node;
  node.kind = NodeKind::ToStream;
  node.name = builder_->new_name("KTABLE-TOSTREAM-");
  node.long_values = builder_->node(node_).long_values;
  return KStream(builder_, builder_->add_node(std::move(node), {node_}), false);
}

KTable KTable::table_join(const KTable& other, ValueJoiner joiner, JoinKind kind) {
  if (other.builder_ != builder_) throw TopologyError("join: both tables must come from the same builder");
  if (windowed_ || other.windowed_) throw TopologyError("join: klab joins key-value tables only, not windowed tables");
  const std::string this_store = materialize();
  const std::string other_store = other.materialize();
  const char* this_prefix = kind == JoinKind::Inner ? "KTABLE-JOINTHIS-" : kind == JoinKind::Left ? "KTABLE-LEFTTHIS-" : "KTABLE-OUTERTHIS-";
  const char* other_prefix =
      kind == JoinKind::Inner ? "KTABLE-JOINOTHER-" : kind == JoinKind::Left ? "KTABLE-LEFTOTHER-" : "KTABLE-OUTEROTHER-";
  TopologyNode this_side;
  this_side.kind = NodeKind::TableTableJoin;
  this_side.name = builder_->new_name(this_prefix);
  this_side.join = kind;
  this_side.joiner = joiner;
  this_side.store = this_store;
  this_side.other_store = other_store;
  this_side.stores = {other_store};
  this_side.other_long_values = builder_->node(other.node_).long_values;
  TopologyNode other_side = this_side;
  other_side.other_long_values = builder_->node(node_).long_values;
  other_side.name = builder_->new_name(other_prefix);
  other_side.this_is_left = false;
  other_side.store = other_store;
  other_side.other_store = this_store;
  other_side.stores = {this_store};
  TopologyNode merge;
  merge.kind = NodeKind::TableMerge;
  merge.name = builder_->new_name("KTABLE-MERGE-");
  int this_id = builder_->add_node(std::move(this_side), {node_});
  int other_id = builder_->add_node(std::move(other_side), {other.node_});
  int merge_id = builder_->add_node(std::move(merge), {this_id, other_id});
  return KTable(builder_, merge_id, "", -1, false);
}

KTable KTable::join(const KTable& other, ValueJoiner joiner) { return table_join(other, std::move(joiner), JoinKind::Inner); }
KTable KTable::left_join(const KTable& other, ValueJoiner joiner) { return table_join(other, std::move(joiner), JoinKind::Left); }
KTable KTable::outer_join(const KTable& other, ValueJoiner joiner) {
  return table_join(other, std::move(joiner), JoinKind::Outer);
}

// ---- KGroupedStream

KGroupedStream KGroupedStream::windowed_by(TimeWindows windows) const {
  if (windows.size_ms <= 0) throw TopologyError("windowed_by: the window size must be above zero");
  if (windows.advance_ms <= 0 || windows.advance_ms > windows.size_ms)
    throw TopologyError("windowed_by: the advance must be above zero and at most the window size");
  if (windows.grace_ms < 0) throw TopologyError("windowed_by: the grace period must not be negative");
  KGroupedStream copy = *this;
  copy.windows_ = windows;
  return copy;
}

KTable KGroupedStream::build(AggregateKind kind, TopologyNode&& node, std::optional<std::string> store_name) {
  const char* prefix = kind == AggregateKind::Reduce ? "KSTREAM-REDUCE-" : "KSTREAM-AGGREGATE-";
  std::string store = store_name ? *store_name : builder_->new_store_name(prefix);
  node.kind = NodeKind::Aggregate;
  node.aggregate = kind;
  node.name = builder_->new_name(prefix);
  node.store = store;
  node.stores = {store};
  node.windows = windows_;
  // count's values are Serdes.Long(); reduce keeps its input's serde; aggregate makes strings.
  node.long_values = kind == AggregateKind::Count || (kind == AggregateKind::Reduce && builder_->node(node_).long_values);
  int parent = node_;
  if (repartition_required_) parent = builder_->repartition(node_, store);
  builder_->add_store(StoreSpec{store, false, windows_.has_value(), node.long_values, ""});
  int id = builder_->add_node(std::move(node), {parent});
  return KTable(builder_, id, store, -1, windows_.has_value());
}

KTable KGroupedStream::count(std::optional<std::string> store_name) {
  return build(AggregateKind::Count, TopologyNode{}, std::move(store_name));
}

KTable KGroupedStream::reduce(Reducer reducer, std::optional<std::string> store_name) {
  TopologyNode node;
  node.reducer = std::move(reducer);
  return build(AggregateKind::Reduce, std::move(node), std::move(store_name));
}

KTable KGroupedStream::aggregate(Initializer initializer, Aggregator aggregator, std::optional<std::string> store_name) {
  TopologyNode node;
  node.initializer = std::move(initializer);
  node.aggregator = std::move(aggregator);
  return build(AggregateKind::Aggregate, std::move(node), std::move(store_name));
}

}  // namespace klab::streams
