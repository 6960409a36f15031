#include "streams/topology_test_driver.hpp"

#include <fmt/format.h>

namespace klab::streams {

Result<std::unique_ptr<TopologyTestDriver>> TopologyTestDriver::create(std::shared_ptr<const Topology> topology) {
  if (std::optional<std::string> cycle = topology->find_cycle()) return make_error(ErrorCode::INVALID_CONFIG, *cycle);
  return std::unique_ptr<TopologyTestDriver>(new TopologyTestDriver(std::move(topology)));
}

TopologyTestDriver::TopologyTestDriver(std::shared_ptr<const Topology> topology) : topology_(std::move(topology)) {
  for (const StoreSpec& store : topology_->stores())
    if (store.global) global_stores_[store.name];
  for (const SubTopology& sub : topology_->subtopologies())
    tasks_.push_back(sub.global ? nullptr : std::make_unique<StreamTask>(*topology_, sub.id, 0, *this, &global_stores_));
}

Status TopologyTestDriver::pipe_input(const std::string& topic, const Bytes& key, const Bytes& value,
                                      std::optional<TimeMs> timestamp) {
  int source = topology_->source_for(topic);
  if (source < 0 || topology_->is_internal_topic(topic))
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION, fmt::format("no source of the topology reads topic '{}'", topic));
  if (timestamp) last_timestamp_ = *timestamp;
  deliver(source, StreamRecord{key, value, last_timestamp_});
  while (!pending_.empty()) {
    auto [reader, record] = std::move(pending_.front());
    pending_.pop_front();
    deliver(reader, record);
  }
  return ok_status();
}

void TopologyTestDriver::deliver(int source_id, const StreamRecord& record) {
  const TopologyNode& source = topology_->node(source_id);
  if (source.global) {
    if (!record.key) return;
    for (int child : source.children) global_stores_[topology_->node(child).store].put(*record.key, record.value, record.timestamp);
    return;
  }
  tasks_[static_cast<std::size_t>(topology_->subtopology_of(source.id))]->process_at(source, record);
}

TopologyTestDriver::SinkRoute& TopologyTestDriver::route_of(const TopologyNode& sink) {
  if (routes_.empty()) routes_.resize(topology_->nodes().size());
  SinkRoute& route = routes_[static_cast<std::size_t>(sink.id)];
  if (!route.output && route.reader < 0) {
    const std::string& topic = sink.topics.front();
    if (!sink.internal_topic) route.output = &outputs_[topic];  // map nodes are stable
    // A topic the topology also reads (through another sub-topology) is read back, as on a cluster.
    route.reader = topology_->source_for(topic);
  }
  return route;
}

void TopologyTestDriver::send(const TopologyNode& sink, const StreamRecord& record) {
  SinkRoute& route = route_of(sink);
  if (route.output) route.output->push_back(TestRecord{sink.topics.front(), record.key, record.value, record.timestamp, sink.long_values});
  if (route.reader >= 0) pending_.emplace_back(route.reader, record);
}

void TopologyTestDriver::log_change(const std::string& store, int32_t, const std::string&, const Bytes&, TimeMs) {
  ++changelog_counts_[store];
}

std::vector<TestRecord> TopologyTestDriver::read_output(const std::string& topic) {
  auto it = outputs_.find(topic);
  if (it == outputs_.end()) return {};
  std::vector<TestRecord> out(std::make_move_iterator(it->second.begin()), std::make_move_iterator(it->second.end()));
  it->second.clear();
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> TopologyTestDriver::store(const std::string& name) const {
  if (auto global = global_stores_.find(name); global != global_stores_.end()) return global->second.sorted();
  for (const auto& task : tasks_)
    if (task)
      if (auto found = task->stores().find(name); found != task->stores().end()) return found->second.sorted();
  return std::nullopt;
}

int64_t TopologyTestDriver::changelog_records(const std::string& store) const {
  auto it = changelog_counts_.find(store);
  return it == changelog_counts_.end() ? 0 : it->second;
}

int64_t TopologyTestDriver::dropped_records() const {
  int64_t total = 0;
  for (const auto& task : tasks_)
    if (task) total += task->dropped_records();
  return total;
}

}  // namespace klab::streams
