// How each kind of node processes a record. See stream_task.hpp for the semantics.
//
// A record's value is what its serde wrote: Serdes.Long() bytes after a count (the parent node's
// long_values says so). User functions get such a value as its decimal text (`shown`), while the
// record passes on, stores and changelogs keep the 8 bytes Kafka writes.
#include "streams/stream_task.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "streams/long_serde.hpp"

namespace klab::streams {

StreamTask::StreamTask(const Topology& topology, int subtopology, int32_t partition, TaskOutput& output,
                       const std::map<std::string, KeyValueStore>* global_stores)
    : topology_(topology),
      subtopology_(subtopology),
      partition_(partition),
      output_(output),
      global_stores_(global_stores),
      stream_time_(topology.nodes().size(), -1) {
  for (const std::string& name : topology.subtopologies()[static_cast<std::size_t>(subtopology)].stores) stores_[name];
  own_stores_.resize(topology.nodes().size(), nullptr);
  other_stores_.resize(topology.nodes().size(), nullptr);
  for (const TopologyNode& node : topology.nodes()) {
    own_stores_[static_cast<std::size_t>(node.id)] = store(node.store);
    other_stores_[static_cast<std::size_t>(node.id)] = store(node.other_store);
  }
}

KeyValueStore* StreamTask::store(const std::string& name) {
  auto it = stores_.find(name);
  return it == stores_.end() ? nullptr : &it->second;
}

KeyValueStore& StreamTask::store_of(const TopologyNode& node, const std::string& name) {
  auto it = stores_.find(name);
  if (it == stores_.end()) throw TopologyError(fmt::format("processor {} has no store {}", node.name, name));
  return it->second;
}

KeyValueStore& StreamTask::own_store(const TopologyNode& node) {
  KeyValueStore* found = own_stores_[static_cast<std::size_t>(node.id)];
  return found ? *found : store_of(node, node.store);
}

KeyValueStore& StreamTask::other_store(const TopologyNode& node) {
  KeyValueStore* found = other_stores_[static_cast<std::size_t>(node.id)];
  return found ? *found : store_of(node, node.other_store);
}

void StreamTask::process(const std::string& topic, const StreamRecord& record) {
  int source = topology_.source_for(topic);
  if (source < 0) throw TopologyError(fmt::format("task {} has no source for topic {}", id(), topic));
  forward(topology_.node(source), record);
}

void StreamTask::restore(const std::string& store, const std::string& key, const Bytes& value, TimeMs timestamp) {
  auto it = stores_.find(store);
  if (it != stores_.end()) it->second.put(key, value, timestamp);
}

void StreamTask::forward(const TopologyNode& from, const StreamRecord& record) {
  for (int child : from.children) run(topology_.node(child), record, from.long_values);
}

void StreamTask::put_logged(const std::string& store, KeyValueStore& target, const std::string& key, const Bytes& value,
                            TimeMs timestamp) {
  target.put(key, value, timestamp);
  output_.log_change(store, partition_, key, value, timestamp);
}

void StreamTask::run(const TopologyNode& node, const StreamRecord& record, bool long_in) {
  switch (node.kind) {
    case NodeKind::Source:
    case NodeKind::ToStream:
    case NodeKind::TableMerge:
      forward(node, record);
      return;
    case NodeKind::Merge:
      // A Long side merged with a string side: the merged stream carries strings.
      if (long_in && !node.long_values)
        forward(node, StreamRecord{record.key, shown(record.value, true), record.timestamp});
      else
        forward(node, record);
      return;
    case NodeKind::Sink:
      output_.send(node, record);
      return;
    case NodeKind::Filter:
    case NodeKind::Branch:
      if (!node.predicate || node.predicate(record.key, shown(record.value, long_in)) != node.negate) forward(node, record);
      return;
    case NodeKind::Split: {
      const Bytes value = shown(record.value, long_in);
      for (int child : node.children) {
        const TopologyNode& branch = topology_.node(child);
        if (!branch.predicate || branch.predicate(record.key, value)) {
          forward(branch, record);
          return;
        }
      }
      return;
    }
    case NodeKind::Map: {
      KeyValue pair = node.key_value_mapper(record.key, shown(record.value, long_in));
      forward(node, StreamRecord{std::move(pair.key), std::move(pair.value), record.timestamp});
      return;
    }
    case NodeKind::MapValues:
      forward(node, StreamRecord{record.key, node.value_mapper(record.key, shown(record.value, long_in)), record.timestamp});
      return;
    case NodeKind::FlatMap:
      for (KeyValue& pair : node.flat_mapper(record.key, shown(record.value, long_in)))
        forward(node, StreamRecord{std::move(pair.key), std::move(pair.value), record.timestamp});
      return;
    case NodeKind::FlatMapValues:
      for (Bytes& value : node.flat_value_mapper(record.key, shown(record.value, long_in)))
        forward(node, StreamRecord{record.key, std::move(value), record.timestamp});
      return;
    case NodeKind::SelectKey:
      forward(node, StreamRecord{node.key_selector(record.key, shown(record.value, long_in)), record.value, record.timestamp});
      return;
    case NodeKind::Peek:
      node.action(record.key, shown(record.value, long_in));
      forward(node, record);
      return;
    case NodeKind::Foreach:
      node.action(record.key, shown(record.value, long_in));
      return;
    case NodeKind::Aggregate:
      if (node.windows)
        window_aggregate(node, record, long_in);
      else
        aggregate(node, record, long_in);
      return;
    case NodeKind::TableSource:
      if (!record.key) return;  // a table has no row without a key
      if (!node.store.empty()) put_logged(node.store, own_store(node), *record.key, record.value, record.timestamp);
      forward(node, record);
      return;
    case NodeKind::StreamTableJoin:
      stream_table_join(node, record, long_in);
      return;
    case NodeKind::StreamGlobalJoin:
      stream_global_join(node, record, long_in);
      return;
    case NodeKind::TableTableJoin:
      table_table_join(node, record, long_in);
      return;
  }
}

Bytes StreamTask::next_aggregate(const TopologyNode& node, const Bytes& key, const Bytes& value, const StoredValue* old,
                                 bool long_in) {
  switch (node.aggregate) {
    case AggregateKind::Count: {
      // Serdes.Long(), as Kafka's count stores, logs and forwards it.
      std::optional<int64_t> count = old ? long_of(old->value) : std::optional<int64_t>(0);
      if (!count)
        throw TopologyError(fmt::format("processor {}: store {}: Size of data received by LongDeserializer is not 8",
                                        node.name, node.store));
      return long_bytes(*count + 1);
    }
    case AggregateKind::Reduce: {
      if (!old) return value;
      // Over Long values (a count's), the reducer sees and returns decimal text; the store keeps Longs.
      Bytes reduced = node.reducer(shown(Bytes(old->value), long_in), shown(value, long_in));
      if (!long_in || !reduced) return reduced;
      std::optional<std::string> bytes = long_from_text(*reduced);
      if (!bytes)
        throw std::runtime_error(fmt::format("the reduce function of {} must return an integer: its values are Longs, got '{}'",
                                             node.name, *reduced));
      return bytes;
    }
    case AggregateKind::Aggregate: {
      Bytes current = old ? Bytes(old->value) : node.initializer();
      return node.aggregator(key, shown(value, long_in), current);
    }
  }
  return std::nullopt;
}

void StreamTask::aggregate(const TopologyNode& node, const StreamRecord& record, bool long_in) {
  if (!record.key || !record.value) return;
  KeyValueStore& store = own_store(node);
  StoredValue* old = store.find(*record.key);
  Bytes result = next_aggregate(node, record.key, record.value, old, long_in);
  TimeMs timestamp = old ? std::max(old->timestamp, record.timestamp) : record.timestamp;
  store.put_found(old, *record.key, result, timestamp);
  output_.log_change(node.store, partition_, *record.key, result, timestamp);
  forward(node, StreamRecord{record.key, std::move(result), timestamp});
}

void StreamTask::window_aggregate(const TopologyNode& node, const StreamRecord& record, bool long_in) {
  if (!record.key || !record.value) return;
  const TimeWindows& windows = *node.windows;
  TimeMs& stream_time = stream_time_[static_cast<std::size_t>(node.id)];
  stream_time = std::max(stream_time, record.timestamp);
  const TimeMs close_time = stream_time - windows.grace_ms;
  KeyValueStore& store = own_store(node);
  // As TimeWindows.windowsFor: every window start (a multiple of advance) with start <= ts < start + size.
  TimeMs start = std::max<TimeMs>(0, record.timestamp - windows.size_ms + windows.advance_ms) / windows.advance_ms *
                 windows.advance_ms;
  for (; start <= record.timestamp; start += windows.advance_ms) {
    const TimeMs end = start + windows.size_ms;
    if (end <= close_time) {
      ++dropped_records_;
      continue;
    }
    std::string windowed_key = fmt::format("[{}@{}/{}]", *record.key, start, end);
    StoredValue* old = store.find(windowed_key);
    Bytes result = next_aggregate(node, record.key, record.value, old, long_in);
    TimeMs timestamp = old ? std::max(old->timestamp, record.timestamp) : record.timestamp;
    store.put_found(old, windowed_key, result, timestamp);
    output_.log_change(node.store, partition_, windowed_key, result, timestamp);
    forward(node, StreamRecord{std::move(windowed_key), std::move(result), timestamp});
  }
}

void StreamTask::stream_table_join(const TopologyNode& node, const StreamRecord& record, bool long_in) {
  if (!record.value) return;
  const bool left = node.join == JoinKind::Left;
  const StoredValue* match = record.key ? other_store(node).get(*record.key) : nullptr;
  if (!record.key && !left) return;
  if (!match && !left) return;
  Bytes right = match ? shown(Bytes(match->value), node.other_long_values) : std::nullopt;
  forward(node, StreamRecord{record.key, node.joiner(shown(record.value, long_in), right), record.timestamp});
}

void StreamTask::stream_global_join(const TopologyNode& node, const StreamRecord& record, bool long_in) {
  if (!record.value) return;
  const bool left = node.join == JoinKind::Left;
  const Bytes value = shown(record.value, long_in);
  Bytes lookup = node.key_selector(record.key, value);
  const StoredValue* match = nullptr;
  if (lookup && global_stores_) {
    auto it = global_stores_->find(node.other_store);
    if (it != global_stores_->end()) match = it->second.get(*lookup);
  }
  if (!match && !left) return;
  Bytes right = match ? Bytes(match->value) : std::nullopt;
  forward(node, StreamRecord{record.key, node.joiner(value, right), record.timestamp});
}

void StreamTask::table_table_join(const TopologyNode& node, const StreamRecord& record, bool long_in) {
  const StoredValue* other = other_store(node).get(*record.key);
  Bytes other_value = other ? shown(Bytes(other->value), node.other_long_values) : std::nullopt;
  const TimeMs timestamp = other ? std::max(other->timestamp, record.timestamp) : record.timestamp;
  const Bytes value = shown(record.value, long_in);
  const Bytes& left = node.this_is_left ? value : other_value;
  const Bytes& right = node.this_is_left ? other_value : value;
  Bytes result;
  switch (node.join) {
    case JoinKind::Inner:
      if (!other) return;
      if (left && right) result = node.joiner(left, right);
      break;
    case JoinKind::Left:
      if (!left && !node.this_is_left) return;  // the right side changed where the left has no row
      if (left) result = node.joiner(left, right);
      break;
    case JoinKind::Outer:
      if (left || right) result = node.joiner(left, right);
      break;
  }
  forward(node, StreamRecord{record.key, std::move(result), timestamp});
}

}  // namespace klab::streams
