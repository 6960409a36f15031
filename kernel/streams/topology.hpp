// A built topology: the nodes of a StreamsBuilder grouped into sub-topologies as Kafka groups them
// (nodes connected by an edge or by a store they share; numbered in the order of their first source
// node's name, global tables included) and the description Kafka's Topology#describe() prints.
//
// Invariants:
//  1. Every node belongs to exactly one sub-topology or global store.
//  2. A topic is read by at most one source node.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "streams/topology_node.hpp"

namespace klab::streams {

struct SubTopology {
  int id = 0;
  bool global = false;
  std::vector<int> nodes;                 // in describe() order
  std::vector<std::string> source_topics;  // as the topology names them (internal ones unprefixed)
  std::vector<std::string> sink_topics;
  std::vector<std::string> stores;        // the stores its tasks own (not global ones)
  bool reads_internal_topic(const std::vector<TopologyNode>& all) const;
};

class Topology {
 public:
  static Result<Topology> make(std::vector<TopologyNode> nodes, std::vector<StoreSpec> stores);

  const std::vector<TopologyNode>& nodes() const { return nodes_; }
  const TopologyNode& node(int id) const { return nodes_[static_cast<std::size_t>(id)]; }
  const std::vector<SubTopology>& subtopologies() const { return subtopologies_; }
  const std::vector<StoreSpec>& stores() const { return stores_; }
  const StoreSpec* find_store(const std::string& name) const;
  // The source node reading `topic` (topology name), or -1.
  int source_for(const std::string& topic) const;
  // The sub-topology a node belongs to.
  int subtopology_of(int node) const { return subtopology_of_[static_cast<std::size_t>(node)]; }
  bool is_internal_topic(const std::string& topic) const { return internal_topics_.count(topic) != 0; }
  // Groups of source topics that must have the same partition count (a join's two sides).
  const std::vector<std::set<std::string>>& copartition_groups() const { return copartition_groups_; }
  // A sub-topology that writes to a topic it reads, directly or through other sub-topologies, would
  // process its own output forever. Says where the loop closes, or nullopt when there is none.
  std::optional<std::string> find_cycle() const;

  // Kafka's Topology#describe() text, byte for byte.
  std::string describe() const;

 private:
  std::vector<TopologyNode> nodes_;
  std::vector<StoreSpec> stores_;
  std::vector<SubTopology> subtopologies_;
  std::vector<int> subtopology_of_;
  std::vector<int> describe_rank_;  // a node's place in Kafka's NODE_COMPARATOR order
  std::map<std::string, int> source_of_topic_;
  std::set<std::string> internal_topics_;
  std::vector<std::set<std::string>> copartition_groups_;
};

}  // namespace klab::streams
