// One node of a topology as the DSL builds it: a source, a processor (filter, map, aggregate,
// join, ...) or a sink, named as Kafka names it ("KSTREAM-FILTER-0000000001") and linked to its
// parents and children by index. The functions a processor applies live in the node.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "streams/streams_types.hpp"

namespace klab::streams {

enum class NodeKind {
  Source,         // reads topics (KSTREAM-SOURCE-)
  Sink,           // writes a topic (KSTREAM-SINK-)
  Filter,         // filter / filter_not, and the null-key filter before a repartition sink
  Map,            // map: new key and value
  MapValues,
  FlatMap,
  FlatMapValues,
  SelectKey,      // select_key and group_by's key selection (KSTREAM-KEY-SELECT-)
  Peek,
  Foreach,
  Split,          // KSTREAM-BRANCH-: forwards a record to the first branch whose predicate holds
  Branch,         // one branch of a split; its predicate is in the node (none: the default branch)
  Merge,
  Aggregate,      // count / reduce / aggregate of a grouped stream, windowed or not
  TableSource,    // KTABLE-SOURCE-: a table's upsert into its store (when materialized)
  ToStream,
  StreamTableJoin,
  StreamGlobalJoin,
  TableTableJoin,  // KTABLE-JOINTHIS/-JOINOTHER (and LEFT/OUTER): one side's update joined with the other's store
  TableMerge,      // KTABLE-MERGE-: where both sides of a table-table join meet
};

enum class AggregateKind { Count, Reduce, Aggregate };
enum class JoinKind { Inner, Left, Outer };

struct TopologyNode {
  int id = 0;
  std::string name;
  NodeKind kind = NodeKind::Source;
  std::vector<int> parents;
  std::vector<int> children;
  std::vector<std::string> topics;  // Source: the topics it reads; Sink: the one topic it writes
  bool internal_topic = false;      // a repartition topic: `<application.id>-<topic>` at run time
  bool global = false;              // the source and store processor of a global table
  std::vector<std::string> stores;  // what describe() lists: the stores the processor uses
  std::string store;                // the store this node writes (aggregate, materialized table source)
  std::string other_store;          // the store a join looks up
  bool negate = false;              // filter_not
  bool this_is_left = true;         // table-table join: this node's updates are the left side
  // Kafka's value serde, as far as klab tracks it: the values this node forwards (a sink: writes)
  // are Serdes.Long() bytes (a count and what passes its values on unchanged), else strings.
  bool long_values = false;
  bool other_long_values = false;   // a join: the store it looks up holds Long values
  AggregateKind aggregate = AggregateKind::Count;
  JoinKind join = JoinKind::Inner;
  std::optional<TimeWindows> windows;

  Predicate predicate;
  KeyValueMapper key_value_mapper;
  ValueMapper value_mapper;
  FlatKeyValueMapper flat_mapper;
  FlatValueMapper flat_value_mapper;
  KeySelector key_selector;
  ForeachAction action;
  Initializer initializer;
  Aggregator aggregator;
  Reducer reducer;
  ValueJoiner joiner;
};

// A state store of the topology. Every store of a task has a changelog topic
// `<application.id>-<name>-changelog`; a global store is filled from its source topic instead.
struct StoreSpec {
  std::string name;
  bool global = false;
  bool windowed = false;
  bool long_values = false;  // its values (and its changelog's) are Serdes.Long() bytes: a count
  std::string global_topic;  // global: the topic it is read from
};

}  // namespace klab::streams
