// Sub-topologies and Kafka's Topology#describe() layout.
//
// Grouping follows Kafka's InternalTopologyBuilder.makeNodeGroups: nodes joined by an edge or by a
// store they share are one group; groups get ids in the order of their source nodes' names
// (sorted), global tables included. Within a sub-topology, describe() orders nodes (and each
// node's successors and predecessors) by the size of the sub-tree below them, largest first, then
// by name, as Kafka's NODE_COMPARATOR does.
#include "streams/topology.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <numeric>

namespace klab::streams {
namespace {

int find_root(std::vector<int>& parent, int x) {
  while (parent[static_cast<std::size_t>(x)] != x) x = parent[static_cast<std::size_t>(x)] = parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
  return x;
}

}  // namespace

bool SubTopology::reads_internal_topic(const std::vector<TopologyNode>& all) const {
  for (int id : nodes)
    if (all[static_cast<std::size_t>(id)].kind == NodeKind::Source && all[static_cast<std::size_t>(id)].internal_topic) return true;
  return false;
}

Result<Topology> Topology::make(std::vector<TopologyNode> nodes, std::vector<StoreSpec> stores) {
  Topology topology;
  if (nodes.empty())
    return make_error(ErrorCode::INVALID_CONFIG,
                      "Invalid topology: the topology has no source: read at least one topic with stream(), table() "
                      "or global_table()");
  for (const TopologyNode& node : nodes) {
    if (node.kind != NodeKind::Source) continue;
    for (const std::string& topic : node.topics) {
      if (!topology.source_of_topic_.emplace(topic, node.id).second)
        return make_error(ErrorCode::INVALID_CONFIG,
                          fmt::format("Invalid topology: Topic {} has already been registered by another source.", topic));
      if (node.internal_topic) topology.internal_topics_.insert(topic);
    }
  }
  // Union nodes by edges and by shared stores.
  const int count = static_cast<int>(nodes.size());
  std::vector<int> parent(static_cast<std::size_t>(count));
  std::iota(parent.begin(), parent.end(), 0);
  auto unite = [&](int a, int b) { parent[static_cast<std::size_t>(find_root(parent, a))] = find_root(parent, b); };
  std::map<std::string, int> store_owner;
  for (const TopologyNode& node : nodes) {
    for (int child : node.children) unite(node.id, child);
    for (const std::string& store : node.stores) {
      auto [it, inserted] = store_owner.emplace(store, node.id);
      if (!inserted) unite(node.id, it->second);
    }
  }
  // Number groups in the order of sorted source node names.
  std::vector<const TopologyNode*> sources;
  for (const TopologyNode& node : nodes)
    if (node.kind == NodeKind::Source) sources.push_back(&node);
  std::sort(sources.begin(), sources.end(), [](auto* a, auto* b) { return a->name < b->name; });
  std::map<int, int> id_of_root;
  for (const TopologyNode* source : sources) {
    int root = find_root(parent, source->id);
    if (id_of_root.count(root)) continue;
    int id = static_cast<int>(id_of_root.size());
    id_of_root[root] = id;
    SubTopology sub;
    sub.id = id;
    sub.global = source->global;
    topology.subtopologies_.push_back(std::move(sub));
  }
  topology.subtopology_of_.assign(static_cast<std::size_t>(count), -1);
  for (const TopologyNode& node : nodes) {
    auto it = id_of_root.find(find_root(parent, node.id));
    if (it == id_of_root.end()) continue;  // unreachable from any source: nothing to run
    topology.subtopology_of_[static_cast<std::size_t>(node.id)] = it->second;
    SubTopology& sub = topology.subtopologies_[static_cast<std::size_t>(it->second)];
    sub.nodes.push_back(node.id);
    if (node.kind == NodeKind::Source) sub.source_topics.insert(sub.source_topics.end(), node.topics.begin(), node.topics.end());
    if (node.kind == NodeKind::Sink) sub.sink_topics.push_back(node.topics.front());
    if (!node.store.empty() && !node.global &&
        std::find(sub.stores.begin(), sub.stores.end(), node.store) == sub.stores.end())
      sub.stores.push_back(node.store);
  }
  // describe() order: sub-tree size (largest first), then name.
  std::vector<int> size(static_cast<std::size_t>(count), 0);
  std::function<int(int)> size_of = [&](int id) {
    int& cached = size[static_cast<std::size_t>(id)];
    if (cached == 0) {
      int total = 1;
      for (int child : nodes[static_cast<std::size_t>(id)].children) total += size_of(child);
      cached = total;
    }
    return cached;
  };
  auto before = [&](int a, int b) {
    int sa = size_of(a), sb = size_of(b);
    if (sa != sb) return sa > sb;
    return nodes[static_cast<std::size_t>(a)].name < nodes[static_cast<std::size_t>(b)].name;
  };
  for (SubTopology& sub : topology.subtopologies_) {
    std::sort(sub.nodes.begin(), sub.nodes.end(), before);
    bool joins = false;
    for (int id : sub.nodes) {
      NodeKind kind = nodes[static_cast<std::size_t>(id)].kind;
      joins = joins || kind == NodeKind::StreamTableJoin || kind == NodeKind::TableTableJoin;
    }
    if (joins && sub.source_topics.size() > 1)
      topology.copartition_groups_.emplace_back(sub.source_topics.begin(), sub.source_topics.end());
  }
  // Children keep their creation order (records are forwarded in it); describe() sorts copies.
  std::vector<int> rank(static_cast<std::size_t>(count));
  {
    std::vector<int> order(static_cast<std::size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), before);
    for (int i = 0; i < count; ++i) rank[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = i;
  }
  topology.describe_rank_ = std::move(rank);
  topology.nodes_ = std::move(nodes);
  topology.stores_ = std::move(stores);
  return topology;
}

const StoreSpec* Topology::find_store(const std::string& name) const {
  for (const StoreSpec& store : stores_)
    if (store.name == name) return &store;
  return nullptr;
}

int Topology::source_for(const std::string& topic) const {
  auto it = source_of_topic_.find(topic);
  return it == source_of_topic_.end() ? -1 : it->second;
}

namespace {

std::string names_of(const std::vector<TopologyNode>& nodes, std::vector<int> ids, const std::vector<int>& rank) {
  if (ids.empty()) return "none";
  std::sort(ids.begin(), ids.end(), [&](int a, int b) { return rank[static_cast<std::size_t>(a)] < rank[static_cast<std::size_t>(b)]; });
  std::string out;
  for (int id : ids) {
    if (!out.empty()) out += ", ";
    out += nodes[static_cast<std::size_t>(id)].name;
  }
  return out;
}

std::string describe_node(const std::vector<TopologyNode>& nodes, const TopologyNode& node, const std::vector<int>& rank) {
  switch (node.kind) {
    case NodeKind::Source: {
      std::vector<std::string> topics = node.topics;
      std::sort(topics.begin(), topics.end());
      return fmt::format("Source: {} (topics: [{}])\n      --> {}", node.name, fmt::join(topics, ", "),
                         names_of(nodes, node.children, rank));
    }
    case NodeKind::Sink:
      return fmt::format("Sink: {} (topic: {})\n      <-- {}", node.name, node.topics.front(), names_of(nodes, node.parents, rank));
    default:
      return fmt::format("Processor: {} (stores: [{}])\n      --> {}\n      <-- {}", node.name, fmt::join(node.stores, ", "),
                         names_of(nodes, node.children, rank), names_of(nodes, node.parents, rank));
  }
}

}  // namespace

std::string Topology::describe() const {
  // Kafka prints "Topologies:\n " and then "  " before each block, so the first line of the
  // first block is indented by three spaces and the others by two.
  std::string out = "Topologies:\n ";
  for (const SubTopology& sub : subtopologies_) {
    out += "  ";
    if (sub.global) {
      out += fmt::format("Sub-topology: {} for global store (will not generate tasks)\n", sub.id);
      for (int id : sub.nodes) out += "    " + describe_node(nodes_, nodes_[static_cast<std::size_t>(id)], describe_rank_) + "\n";
    } else {
      out += fmt::format("Sub-topology: {}\n", sub.id);
      for (int id : sub.nodes) out += "    " + describe_node(nodes_, nodes_[static_cast<std::size_t>(id)], describe_rank_) + "\n";
      out += "\n";
    }
  }
  return out;
}

}  // namespace klab::streams
