#include "client/producer.hpp"

#include <fmt/format.h>

namespace klab {

Result<std::unique_ptr<Producer>> Producer::create(Cluster& cluster, const ConfigEntries& config,
                                                   CustomPartitioner custom_partitioner) {
  ConfigSet set(producer_config_catalog());
  if (Status status = set.set_all(config); !status) return status.error();
  return std::unique_ptr<Producer>(new Producer(cluster, std::move(set), std::move(custom_partitioner)));
}

Producer::Producer(Cluster& cluster, ConfigSet config, CustomPartitioner custom_partitioner)
    : cluster_(cluster),
      config_(std::move(config)),
      client_id_(config_.get_string("client.id").empty() ? cluster.next_client_id("producer") : config_.get_string("client.id")),
      acks_(config_.get_string("acks") == "all" ? -1 : std::stoi(config_.get_string("acks"))),
      linger_ms_(config_.get_long("linger.ms")),
      max_request_size_(config_.get_long("max.request.size")),
      ignore_keys_(config_.get_bool("partitioner.ignore.keys")),
      accumulator_(static_cast<int32_t>(config_.get_long("batch.size")), linger_ms_,
                   config_.get_bool("partitioner.adaptive.partitioning.enable")),
      custom_partitioner_(std::move(custom_partitioner)) {
  if (!custom_partitioner_) {
    if (!config_.get_string("partitioner.class").empty()) round_robin_.emplace();
    if (auto kind = librdkafka_partitioner_from_name(config_.get_string("partitioner")))
      librdkafka_.emplace(*kind, config_.get_long("sticky.partitioning.linger.ms"));
  }
}

Producer::~Producer() { *alive_ = false; }

Result<int32_t> Producer::choose_partition(const Topic& topic, const ProducerRecord& record) {
  const int32_t count = topic.partition_count();
  auto out_of_range = [&](int32_t partition) {
    return make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("Partition {} of topic '{}' does not exist: the topic has {} partition(s), "
                                  "numbered 0 to {}.",
                                  partition, topic.name, count, count - 1));
  };
  if (record.partition) {
    if (*record.partition < 0 || *record.partition >= count) return out_of_range(*record.partition);
    return *record.partition;
  }
  if (custom_partitioner_) {
    Result<int32_t> chosen = custom_partitioner_(topic.name, record.key, record.value, count);
    if (!chosen) return chosen;
    if (*chosen < 0 || *chosen >= count) return out_of_range(*chosen);
    return chosen;
  }
  if (librdkafka_) return librdkafka_->partition(topic, record.key, cluster_.now(), cluster_.rng());
  if (round_robin_) return round_robin_->partition(topic);
  if (record.key && !ignore_keys_) return java_key_partition(*record.key, count);
  return kUnknownPartition;
}

Result<int32_t> Producer::send(const ProducerRecord& record, SendCallback callback) {
  Result<Topic*> found = cluster_.topic_for_produce(record.topic);
  if (!found) return found.error();
  Topic& topic = **found;
  RecordInput input{record.key, record.value, record.headers.data(), record.headers.size(),
                    record.timestamp.value_or(cluster_.now())};
  if (input.timestamp < 0)
    return make_error(ErrorCode::INVALID_TIMESTAMP, fmt::format("Invalid timestamp: {}. Timestamp should always be non-negative or null.", input.timestamp));
  const int32_t serialized_size = record_size_upper_bound(input);
  if (serialized_size > max_request_size_)
    return make_error(ErrorCode::MESSAGE_TOO_LARGE,
                      fmt::format("The message is {} bytes when serialized which is larger than {}, which is the "
                                  "value of the max.request.size configuration.",
                                  serialized_size, max_request_size_));
  Result<int32_t> partition = choose_partition(topic, record);
  if (!partition) return partition;
  const bool partitioner_class = custom_partitioner_ || round_robin_;
  AppendResult appended = accumulator_.append(topic, *partition, input, cluster_.now(), cluster_.rng(),
                                              partitioner_class && !record.partition);
  if (appended.abort_for_new_batch) {
    // Kafka 3.7 asks a configured partitioner class again when the record starts a new batch.
    partition = choose_partition(topic, record);
    if (!partition) return partition;
    appended = accumulator_.append(topic, *partition, input, cluster_.now(), cluster_.rng(), false);
  }
  ProducerBatch* batch = appended.batch;
  if (callback) {
    auto size = [](const std::optional<std::string_view>& bytes) { return bytes ? static_cast<int32_t>(bytes->size()) : -1; };
    batch->waiters.push_back(ProducerBatch::Waiter{appended.record_index, input.timestamp, size(record.key),
                                                   size(record.value), std::move(callback)});
  }
  if (appended.new_batch_created) wake_sender_at(batch->created_ms + linger_ms_);
  if (appended.batch_is_full) wake_sender_at(cluster_.now());
  return batch->partition;
}

void Producer::wake_sender_at(TimeMs when) {
  if (sender_wakeup_at_ && *sender_wakeup_at_ <= when) return;
  if (sender_wakeup_at_) cluster_.scheduler().cancel(sender_wakeup_event_);
  sender_wakeup_at_ = when;
  std::weak_ptr<bool> alive = alive_;
  sender_wakeup_event_ = cluster_.scheduler().schedule_at(when, [this, alive] {
    if (alive.expired() || !*alive.lock()) return;
    sender_wakeup_at_.reset();
    run_sender();
  });
}

void Producer::run_sender() {
  const TimeMs now = cluster_.now();
  for (ProducerBatch* orphan : accumulator_.take_orphans(cluster_)) {
    ++in_flight_batches_;  // complete() counts it out
    complete(orphan, make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                                fmt::format("Partition {} of topic '{}' no longer exists.", orphan->partition,
                                            orphan->topic)));
  }
  auto requests = accumulator_.drain(cluster_, now, max_request_size_);
  for (auto& [leader, batches] : requests) send_request(leader, std::move(batches));
  if (accumulator_.has_sendable(now)) wake_sender_at(now);
  else if (auto deadline = accumulator_.next_linger_deadline()) wake_sender_at(std::max(*deadline, now));
}

void Producer::send_request(BrokerId /*leader*/, std::vector<ProducerBatch*> batches) {
  in_flight_batches_ += batches.size();
  const int64_t latency = cluster_.network_latency_ms();
  std::weak_ptr<bool> alive = alive_;
  Cluster* cluster = &cluster_;
  if (acks_ == 0) {
    // Fire and forget: the producer completes now; the broker appends when the request arrives.
    std::vector<std::string> topics;
    std::vector<std::pair<int32_t, std::string>> copies;
    for (ProducerBatch* batch : batches) {
      copies.emplace_back(batch->partition, std::string(batch->builder.finish()));
      topics.push_back(batch->topic);
      complete(batch, AppendInfo{});
    }
    cluster_.scheduler().schedule_after(latency, [cluster, topics = std::move(topics), copies = std::move(copies)] {
      for (std::size_t i = 0; i < copies.size(); ++i)
        if (Topic* topic = cluster->find_topic(topics[i])) (void)cluster->append(*topic, copies[i].first, copies[i].second);
    });
    return;
  }
  cluster_.scheduler().schedule_after(latency, [this, alive, cluster, latency, batches = std::move(batches)] {
    if (alive.expired() || !*alive.lock()) return;
    auto outcomes = std::make_shared<std::vector<Result<AppendInfo>>>();
    for (ProducerBatch* batch : batches) {
      Topic* topic = cluster->find_topic(batch->topic);
      if (!topic) {
        outcomes->push_back(make_error(ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                                       fmt::format("Topic '{}' was deleted before the batch arrived.", batch->topic)));
        continue;
      }
      outcomes->push_back(cluster->append(*topic, batch->partition, batch->builder.finish()));
    }
    cluster->scheduler().schedule_after(latency, [this, alive, batches, outcomes] {
      if (alive.expired() || !*alive.lock()) return;
      for (std::size_t i = 0; i < batches.size(); ++i) complete(batches[i], (*outcomes)[i]);
    });
  });
}

void Producer::complete(ProducerBatch* batch, const Result<AppendInfo>& outcome) {
  for (const ProducerBatch::Waiter& waiter : batch->waiters) {
    if (!outcome) {
      RecordMetadata metadata{batch->topic, batch->partition, -1, -1, waiter.key_size, waiter.value_size};
      waiter.callback(metadata, &outcome.error());
      continue;
    }
    const AppendInfo& info = *outcome;
    RecordMetadata metadata;
    metadata.topic = batch->topic;
    metadata.partition = batch->partition;
    metadata.offset = acks_ == 0 ? -1 : info.base_offset + waiter.record_index;
    metadata.timestamp = info.log_append_time >= 0 ? info.log_append_time : waiter.timestamp;
    metadata.serialized_key_size = waiter.key_size;
    metadata.serialized_value_size = waiter.value_size;
    waiter.callback(metadata, nullptr);
  }
  --in_flight_batches_;
  accumulator_.release(batch);
}

Result<RecordMetadata> Producer::send_and_wait(const ProducerRecord& record) {
  std::optional<Result<RecordMetadata>> outcome;
  Result<int32_t> queued = send(record, [&](const RecordMetadata& metadata, const Error* error) {
    if (error) outcome.emplace(*error);
    else outcome.emplace(metadata);
  });
  if (!queued) return queued.error();
  while (!outcome && cluster_.scheduler().run_next()) {
  }
  if (!outcome) return make_error(ErrorCode::REQUEST_TIMED_OUT, "the record was never sent (nothing left to simulate)");
  if (outcome->ok()) outcome->value().topic = record.topic;
  return std::move(*outcome);
}

void Producer::flush() {
  accumulator_.set_flushing(true);
  wake_sender_at(cluster_.now());
  while (buffered_batches() > 0 && cluster_.scheduler().run_next()) {
  }
  accumulator_.set_flushing(false);
}

}  // namespace klab
