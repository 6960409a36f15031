#include "client/record_accumulator.hpp"

#include <algorithm>

#include "cluster/cluster.hpp"

namespace klab {

ProducerBatch* RecordAccumulator::new_batch() {
  if (free_batches_.empty()) {
    all_batches_.push_back(std::make_unique<ProducerBatch>());
    return all_batches_.back().get();
  }
  ProducerBatch* batch = free_batches_.back();
  free_batches_.pop_back();
  return batch;
}

void RecordAccumulator::release(ProducerBatch* batch) {
  buffer_used_ -= batch->allocated_bytes;
  batch->allocated_bytes = 0;
  batch->waiters.clear();
  batch->closed = false;
  batch->attempts = 0;
  batch->retry_at = 0;
  batch->base_sequence = -1;
  free_batches_.push_back(batch);
}

bool RecordAccumulator::completed_held_back_switch(const Topic& topic, Rng& rng, TopicQueues& queues,
                                                   const std::deque<ProducerBatch*>& queue, int32_t partition) {
  if (!all_batches_full(queue)) return false;
  queues.built_in.on_append(topic, rng, 0, true);
  return queues.built_in.current_partition(topic, rng) != partition;
}

// Mirrors Kafka 3.7's RecordAccumulator.append: try the open batch, else start a new one; keyless
// records re-check the sticky partition before each attempt and report the bytes they added.
AppendResult RecordAccumulator::append(const Topic& topic, int32_t partition, const RecordInput& record, TimeMs now,
                                       Rng& rng, bool abort_on_new_batch) {
  auto topic_it = topics_.find(topic.name);
  if (topic_it == topics_.end())
    topic_it = topics_.emplace(std::piecewise_construct, std::forward_as_tuple(topic.name),
                               std::forward_as_tuple(TopicQueues{{}, BuiltInPartitioner(batch_size_)}))
                   .first;
  TopicQueues& queues = topic_it->second;
  const bool sticky = partition == kUnknownPartition;
  while (true) {
    const int32_t effective = sticky ? queues.built_in.current_partition(topic, rng) : partition;
    std::deque<ProducerBatch*>& queue = queues.by_partition[effective];
    if (sticky && completed_held_back_switch(topic, rng, queues, queue, effective)) continue;

    AppendResult result;
    if (!queue.empty() && !queue.back()->closed) {
      ProducerBatch* last = queue.back();
      if (last->builder.has_room_for(record)) {
        int32_t grown = last->builder.append(record);
        if (sticky) queues.built_in.on_append(topic, rng, grown, all_batches_full(queue));
        result.batch = last;
        result.record_index = last->builder.record_count() - 1;
        result.batch_is_full = queue.size() > 1 || last->is_full();
        return result;
      }
      last->closed = true;  // Kafka closes a batch for appends once a record did not fit
    }
    if (abort_on_new_batch) {
      result.abort_for_new_batch = true;
      return result;
    }
    if (sticky && completed_held_back_switch(topic, rng, queues, queue, effective)) continue;
    const int32_t allocation = std::max(batch_size_, record_size_upper_bound(record));
    if (buffer_used_ + allocation > buffer_memory_) {
      result.buffer_exhausted = true;
      return result;
    }
    ProducerBatch* batch = new_batch();
    batch->topic = topic.name;
    batch->partition = effective;
    batch->created_ms = now;
    batch->allocated_bytes = allocation;
    buffer_used_ += allocation;
    batch->builder.reset(allocation, compression_, queues.compression_ratio_estimate, compression_level_);
    int32_t grown = batch->builder.append(record);
    queue.push_back(batch);
    if (sticky) queues.built_in.on_append(topic, rng, grown, all_batches_full(queue));
    result.batch = batch;
    result.new_batch_created = true;
    result.record_index = 0;
    result.batch_is_full = queue.size() > 1 || batch->is_full();
    return result;
  }
}

bool RecordAccumulator::sendable(const std::deque<ProducerBatch*>& queue, TimeMs now, BrokerId leader) const {
  if (queue.empty()) return false;
  const ProducerBatch* first = queue.front();
  if (backing_off(*first, now, leader)) return false;
  return flushing_ || exhausted_ || queue.size() > 1 || first->is_full() || now - first->created_ms >= linger_ms_;
}

std::set<BrokerId> RecordAccumulator::held_leaders(const Cluster& cluster, const LeaderOf& leader_of, TimeMs now) const {
  std::set<BrokerId> held;
  if (!hold_back_ || queued_retries_ == 0) return held;  // only a retried batch has a sequence to wait on
  for (const auto& [name, queues] : topics_) {
    const Topic* topic = cluster.find_topic(name);
    if (!topic) continue;
    for (const auto& [partition, queue] : queues.by_partition) {
      if (queue.empty() || partition >= topic->partition_count()) continue;
      const BrokerId leader = leader_of(*topic, partition);
      if (leader >= 0 && !backing_off(*queue.front(), now, leader) && held_back(*queue.front())) held.insert(leader);
    }
  }
  return held;
}

bool RecordAccumulator::has_sendable(const Cluster& cluster, const LeaderOf& leader_of, TimeMs now,
                                     const std::map<BrokerId, bool>& busy) const {
  const std::set<BrokerId> held = held_leaders(cluster, leader_of, now);
  for (const auto& [name, queues] : topics_) {
    const Topic* topic = cluster.find_topic(name);
    if (!topic) continue;
    for (const auto& [partition, queue] : queues.by_partition) {
      if (partition >= topic->partition_count()) continue;
      const BrokerId leader = leader_of(*topic, partition);
      if (leader >= 0 && !busy.count(leader) && !held.count(leader) && sendable(queue, now, leader)) return true;
    }
  }
  return false;
}

std::optional<TimeMs> RecordAccumulator::next_wakeup(TimeMs now, int64_t delivery_timeout_ms) const {
  std::optional<TimeMs> earliest;
  auto consider = [&](TimeMs when) {  // what is due already is has_sendable's business
    if (when > now && (!earliest || when < *earliest)) earliest = when;
  };
  for (const auto& [name, queues] : topics_)
    for (const auto& [partition, queue] : queues.by_partition) {
      if (queue.empty()) continue;
      consider(std::max(queue.front()->created_ms + linger_ms_, queue.front()->retry_at));
      for (const ProducerBatch* batch : queue) consider(batch->created_ms + delivery_timeout_ms);
    }
  return earliest;
}

void RecordAccumulator::reenqueue(ProducerBatch* batch, TimeMs retry_at) {
  batch->retry_at = retry_at;
  batch->closed = true;
  // Retried batches go back in sequence order, ahead of the batches never sent (Kafka's
  // insertInSequenceOrder), so an idempotent producer resends them in order.
  std::deque<ProducerBatch*>& queue = topics_.at(batch->topic).by_partition[batch->partition];
  auto it = queue.begin();
  while (it != queue.end() && (*it)->attempts > 0 && (*it)->base_sequence >= 0 && (*it)->base_sequence < batch->base_sequence)
    ++it;
  queue.insert(it, batch);
  ++queued_retries_;
}

std::vector<ProducerBatch*> RecordAccumulator::take_expired(TimeMs now, int64_t delivery_timeout_ms) {
  std::vector<ProducerBatch*> expired;
  for (auto& [name, queues] : topics_)
    for (auto& [partition, queue] : queues.by_partition)
      for (auto it = queue.begin(); it != queue.end();) {
        if (now - (*it)->created_ms < delivery_timeout_ms) {
          ++it;
          continue;
        }
        expired.push_back(*it);
        if ((*it)->attempts > 0) --queued_retries_;
        it = queue.erase(it);
      }
  return expired;
}

void RecordAccumulator::update_load_stats(const Topic& topic, TopicQueues& queues) {
  // As Kafka: statistics only once every partition has had a queue, else uniform choice.
  if (!adaptive_partitioning_ || static_cast<int32_t>(queues.by_partition.size()) < topic.partition_count()) {
    queues.built_in.update_load_stats({}, {}, topic.partition_count());
    return;
  }
  std::vector<int32_t> sizes, ids;
  for (const auto& [partition, queue] : queues.by_partition) {
    if (partition >= topic.partition_count() || topic.partitions[static_cast<std::size_t>(partition)]->leader < 0) continue;
    ids.push_back(partition);
    sizes.push_back(static_cast<int32_t>(queue.size()));
  }
  queues.built_in.update_load_stats(std::move(sizes), std::move(ids), topic.partition_count());
}

std::map<BrokerId, std::vector<ProducerBatch*>> RecordAccumulator::drain(Cluster& cluster, const LeaderOf& leader_of,
                                                                         TimeMs now, int64_t max_request_size,
                                                                         const std::map<BrokerId, bool>& busy) {
  // Pass 1 (Kafka's ready()): which leaders have something sendable; refresh load statistics.
  const std::set<BrokerId> held = held_leaders(cluster, leader_of, now);
  std::map<BrokerId, bool> ready_leaders;
  for (auto& [name, queues] : topics_) {
    const Topic* topic = cluster.find_topic(name);
    if (!topic) continue;
    update_load_stats(*topic, queues);
    for (const auto& [partition, queue] : queues.by_partition) {
      if (partition >= topic->partition_count()) continue;
      const BrokerId leader = leader_of(*topic, partition);
      if (leader >= 0 && !busy.count(leader) && !held.count(leader) && sendable(queue, now, leader))
        ready_leaders[leader] = true;
    }
  }
  // Pass 2 (drain()): the first batch of every partition a ready leader leads, within max.request.size.
  std::map<BrokerId, std::vector<ProducerBatch*>> requests;
  std::map<BrokerId, int64_t> request_bytes;
  for (auto& [name, queues] : topics_) {
    const Topic* topic = cluster.find_topic(name);
    if (!topic) continue;
    for (auto& [partition, queue] : queues.by_partition) {
      if (queue.empty() || partition >= topic->partition_count()) continue;
      const BrokerId leader = leader_of(*topic, partition);
      if (!ready_leaders.count(leader)) continue;
      ProducerBatch* batch = queue.front();
      if (backing_off(*batch, now, leader)) continue;
      int64_t& bytes = request_bytes[leader];
      if (bytes > 0 && bytes + batch->builder.size_bytes() > max_request_size) continue;
      bytes += batch->builder.size_bytes();
      batch->closed = true;
      batch->drained_ms = now;
      if (batch->attempts == 0) close_for_send(*batch, queues);
      queue.pop_front();
      if (batch->attempts > 0) --queued_retries_;
      requests[leader].push_back(batch);
    }
  }
  return requests;
}

void RecordAccumulator::close_for_send(ProducerBatch& batch, TopicQueues& queues) {
  batch.builder.finish();
  if (batch.builder.compression() == CompressionType::None) return;
  // Kafka's CompressionRatioEstimator.updateEstimation: a worse ratio is taken at once (at least
  // +0.05), a better one approached by 0.005 per batch, so batches rarely outgrow batch.size.
  const float observed = batch.builder.compression_ratio();
  float& estimate = queues.compression_ratio_estimate;
  if (observed > estimate) estimate = std::max(estimate + 0.05f, observed);
  else if (observed < estimate) estimate = std::max(estimate - 0.005f, observed);
}

std::size_t RecordAccumulator::queued_batches() const {
  std::size_t count = 0;
  for (const auto& [name, queues] : topics_)
    for (const auto& [partition, queue] : queues.by_partition) count += queue.size();
  return count;
}

std::vector<ProducerBatch*> RecordAccumulator::take_orphans(const Cluster& cluster) {
  std::vector<ProducerBatch*> orphans;
  for (auto& [name, queues] : topics_) {
    const Topic* topic = cluster.find_topic(name);
    for (auto& [partition, queue] : queues.by_partition) {
      if (topic && partition < topic->partition_count()) continue;
      for (const ProducerBatch* batch : queue)
        if (batch->attempts > 0) --queued_retries_;
      orphans.insert(orphans.end(), queue.begin(), queue.end());
      queue.clear();
    }
  }
  return orphans;
}

}  // namespace klab
