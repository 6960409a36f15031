#include "client/producer.hpp"

#include <cmath>
#include <cstdint>
#include <fmt/format.h>

namespace klab {
namespace {
constexpr int16_t kProduceKey = 0;
constexpr int16_t kProduceVersion = 7;  // the highest klab's Produce handler serves
}  // namespace

Result<std::unique_ptr<Producer>> Producer::create(Cluster& cluster, const ConfigEntries& config,
                                                   CustomPartitioner custom_partitioner) {
  ConfigSet set(producer_config_catalog());
  if (Status status = set.set_all(config); !status) return status.error();
  // As KafkaProducer: an explicit delivery.timeout.ms must cover linger.ms + request.timeout.ms.
  const int64_t floor_ms = set.get_long("linger.ms") + set.get_long("request.timeout.ms");
  if (set.is_set("delivery.timeout.ms") && set.get_long("delivery.timeout.ms") < floor_ms)
    return make_error(ErrorCode::INVALID_CONFIG,
                      fmt::format("delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms "
                                  "({} < {})", set.get_long("delivery.timeout.ms"), floor_ms));
  if (!set.is_set("delivery.timeout.ms") && set.get_long("delivery.timeout.ms") < floor_ms)
    (void)set.set("delivery.timeout.ms", ConfigInput(floor_ms));
  if (Status idempotence = settle_idempotence(set); !idempotence) return idempotence.error();
  const int64_t gzip_level = set.get_long("compression.gzip.level");
  if (gzip_level != -1 && (gzip_level < 1 || gzip_level > 9))
    return make_error(ErrorCode::INVALID_CONFIG,
                      fmt::format("Invalid value {} for configuration compression.gzip.level: Value must be -1 or "
                                  "between 1 and 9",
                                  gzip_level));
  return std::unique_ptr<Producer>(new Producer(cluster, std::move(set), std::move(custom_partitioner)));
}

Producer::Producer(Cluster& cluster, ConfigSet config, CustomPartitioner custom_partitioner)
    : cluster_(cluster),
      config_(std::move(config)),
      client_id_(config_.get_string("client.id").empty() ? cluster.next_client_id("producer") : config_.get_string("client.id")),
      acks_(config_.get_string("acks") == "all" ? -1 : std::stoi(config_.get_string("acks"))),
      linger_ms_(config_.get_long("linger.ms")),
      max_request_size_(config_.get_long("max.request.size")),
      request_timeout_ms_(config_.get_long("request.timeout.ms")),
      retries_(config_.get_long("retries")),
      retry_backoff_ms_(config_.get_long("retry.backoff.ms")),
      retry_backoff_max_ms_(config_.get_long("retry.backoff.max.ms")),
      delivery_timeout_ms_(config_.get_long("delivery.timeout.ms")),
      max_in_flight_(config_.get_long("max.in.flight.requests.per.connection")),
      max_block_ms_(config_.get_long("max.block.ms")),
      buffer_memory_(config_.get_long("buffer.memory")),
      idempotent_(config_.get_bool("enable.idempotence")),
      producer_id_(idempotent_ ? cluster.allocate_producer_id() : -1),
      metrics_(MetricWindow{config_.get_long("metrics.sample.window.ms"),
                            static_cast<int32_t>(config_.get_long("metrics.num.samples"))}),
      ignore_keys_(config_.get_bool("partitioner.ignore.keys")),
      accumulator_(RecordAccumulator::Options{
          static_cast<int32_t>(config_.get_long("batch.size")), linger_ms_,
          config_.get_bool("partitioner.adaptive.partitioning.enable"),
          *compression_from_name(config_.get_string("compression.type")),
          CompressionLevel{static_cast<int>(config_.get_long("compression.gzip.level")),
                           static_cast<int>(config_.get_long("compression.lz4.level")),
                           static_cast<int>(config_.get_long("compression.zstd.level"))},
          config_.get_long("buffer.memory")}),
      metadata_(cluster, config_.get_long("metadata.max.age.ms")),
      custom_partitioner_(std::move(custom_partitioner)),
      endpoint_(broker::BrokerService::of(cluster).connect(client_id_)) {
  if (!custom_partitioner_) {
    if (!config_.get_string("partitioner.class").empty()) round_robin_.emplace();
    if (auto kind = librdkafka_partitioner_from_name(config_.get_string("partitioner")))
      librdkafka_.emplace(*kind, config_.get_long("sticky.partitioning.linger.ms"));
  }
  if (idempotent_) accumulator_.set_hold_back([this](const ProducerBatch& batch) { return waits_for_earlier_batch(batch); });
  metrics_source_ = cluster_.metrics_registry().add_source(
      [this](TimeMs now, std::vector<MetricSample>& out) { metrics_.publish(now, client_id_, out); });
}

Producer::~Producer() {
  *alive_ = false;
  endpoint_.disconnect();
  cluster_.metrics_registry().remove_source(metrics_source_);
}

// Kafka's ProducerConfig rules: idempotence needs retries > 0, acks=all and at most 5 requests in
// flight. Asked for explicitly, a conflict is an error; on by default, it is turned off instead.
Status Producer::settle_idempotence(ConfigSet& config) {
  if (!config.get_bool("enable.idempotence")) return ok_status();
  const bool explicit_choice = config.is_set("enable.idempotence");
  std::string conflict;
  if (config.get_long("retries") == 0) conflict = "Must set retries to non-zero when using the idempotent producer.";
  else if (config.get_string("acks") != "all" && config.get_string("acks") != "-1")
    conflict = "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.";
  else if (config.get_long("max.in.flight.requests.per.connection") > 5)
    conflict = "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.";
  if (conflict.empty()) return ok_status();
  if (explicit_choice) return make_error(ErrorCode::INVALID_CONFIG, conflict);
  return config.set("enable.idempotence", ConfigInput(false));
}

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
  if (interceptors_.empty()) return send_queued(record, std::move(callback));
  for (const ProducerInterceptor& interceptor : interceptors_)
    if (interceptor.on_send) interceptor.on_send(record);
  auto acknowledged = [this, callback = std::move(callback)](const RecordMetadata& metadata, const Error* error) {
    for (const ProducerInterceptor& interceptor : interceptors_)
      if (interceptor.on_acknowledgement) interceptor.on_acknowledgement(metadata, error);
    if (callback) callback(metadata, error);
  };
  Result<int32_t> queued = send_queued(record, acknowledged);
  if (!queued) {
    RecordMetadata metadata;
    metadata.topic = record.topic;
    acknowledged(metadata, &queued.error());
  }
  return queued;
}

Result<int32_t> Producer::send_queued(const ProducerRecord& record, SendCallback callback) {
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
  if (serialized_size > buffer_memory_)
    return make_error(ErrorCode::MESSAGE_TOO_LARGE,
                      fmt::format("The message is {} bytes when serialized which is larger than the total memory "
                                  "buffer you have configured with the buffer.memory configuration.",
                                  serialized_size));
  Result<int32_t> partition = choose_partition(topic, record);
  if (!partition) return partition;
  const bool partitioner_class = custom_partitioner_ || round_robin_;
  Result<AppendResult> appended = append_blocking(topic, *partition, input, partitioner_class && !record.partition);
  if (!appended) return appended.error();
  if (appended->abort_for_new_batch) {
    // Kafka 3.7 asks a configured partitioner class again when the record starts a new batch.
    partition = choose_partition(topic, record);
    if (!partition) return partition;
    appended = append_blocking(topic, *partition, input, false);
    if (!appended) return appended.error();
  }
  ProducerBatch* batch = appended->batch;
  if (callback) {
    auto size = [](const std::optional<std::string_view>& bytes) { return bytes ? static_cast<int32_t>(bytes->size()) : -1; };
    batch->waiters.push_back(ProducerBatch::Waiter{appended->record_index, input.timestamp, size(record.key),
                                                   size(record.value), std::move(callback)});
  }
  if (appended->new_batch_created) wake_sender_at(batch->created_ms + linger_ms_);
  if (appended->batch_is_full) wake_sender_at(cluster_.now());
  return batch->partition;
}

Result<AppendResult> Producer::append_blocking(const Topic& topic, int32_t partition, const RecordInput& input,
                                               bool abort_on_new_batch) {
  AppendResult appended = accumulator_.append(topic, partition, input, cluster_.now(), cluster_.rng(), abort_on_new_batch);
  if (!appended.buffer_exhausted) return appended;
  // Kafka's BufferPool.allocate: the caller waits (here: the simulation runs) while the sender,
  // which now treats every batch as ready, gets requests answered and their memory back.
  const TimeMs deadline = cluster_.now() + max_block_ms_;
  accumulator_.set_exhausted(true);
  wake_sender_at(cluster_.now());
  const bool freed = cluster_.scheduler().run_until(deadline, [&] { return accumulator_.has_memory_for(input); });
  accumulator_.set_exhausted(false);
  if (!freed)
    return make_error(ErrorCode::REQUEST_TIMED_OUT,
                      fmt::format("Failed to allocate {} bytes within the configured max blocking time {} ms. Total "
                                  "memory: {} bytes. Available memory: {} bytes. Poolable size: {} bytes",
                                  std::max<int64_t>(config_.get_long("batch.size"), record_size_upper_bound(input)),
                                  max_block_ms_, buffer_memory_, accumulator_.buffer_available_bytes(),
                                  config_.get_long("batch.size")));
  // The topic may be gone after the wait; the partition was chosen before it, as in Kafka.
  return accumulator_.append(topic, partition, input, cluster_.now(), cluster_.rng(), abort_on_new_batch);
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
  for (ProducerBatch* expired : accumulator_.take_expired(now, delivery_timeout_ms_)) {
    ++in_flight_batches_;
    complete(expired, make_error(ErrorCode::REQUEST_TIMED_OUT,
                                 fmt::format("Expiring {} record(s) for {}-{}: {} ms has passed since batch creation "
                                             "(delivery.timeout.ms)",
                                             expired->builder.record_count(), expired->topic, expired->partition,
                                             now - expired->created_ms)));
  }
  std::map<BrokerId, bool> busy;
  for (const auto& [broker, count] : in_flight_requests_)
    if (count >= max_in_flight_) busy[broker] = true;
  if (epoch_bump_required_) {
    epoch_bump_required_ = false;
    if (producer_epoch_ == INT16_MAX) {
      producer_id_ = cluster_.allocate_producer_id();
      producer_epoch_ = 0;
    } else {
      ++producer_epoch_;
    }
  }
  auto requests = accumulator_.drain(cluster_, leader_of_, now, max_request_size_, busy);
  for (auto& [leader, batches] : requests) {
    if (idempotent_) assign_sequences(batches);
    send_request(leader, std::move(batches));
  }
  // A leader at max.in.flight.requests.per.connection is served when an answer frees a slot.
  busy.clear();
  for (const auto& [broker, count] : in_flight_requests_)
    if (count >= max_in_flight_) busy[broker] = true;
  if (accumulator_.has_sendable(cluster_, leader_of_, now, busy)) wake_sender_at(now);
  else if (auto next = accumulator_.next_wakeup(now, delivery_timeout_ms_)) wake_sender_at(*next);
}

void Producer::assign_sequences(const std::vector<ProducerBatch*>& batches) {
  for (ProducerBatch* batch : batches) {
    if (batch->base_sequence >= 0) continue;  // a retry keeps its numbers
    Sequences& sequences = next_sequence_[{batch->topic, batch->partition}];
    if (sequences.epoch != producer_epoch_ && unacknowledged_[{batch->topic, batch->partition}].empty())
      sequences = Sequences{0, producer_epoch_};
    int32_t& next = sequences.next;
    batch->base_sequence = next;
    batch->builder.set_producer(producer_id_, sequences.epoch, next);
    const int64_t after = int64_t{next} + batch->builder.record_count();
    next = static_cast<int32_t>(after > INT32_MAX ? after - INT32_MAX - 1 : after);
    unacknowledged_[{batch->topic, batch->partition}].insert(batch->base_sequence);
  }
}

// The size of a ProduceRequest (v8 layout, non-flexible) carrying these batches: request header,
// acks and timeout, then per topic its name and per partition its index and record batch.
int64_t Producer::request_bytes(const std::vector<ProducerBatch*>& batches) const {
  int64_t bytes = 4 + 2 + 2 + 4 + 2 + static_cast<int64_t>(client_id_.size());  // size, api, version, id, client
  bytes += 2 + 2 + 4 + 4;  // null transactional id, acks, timeout, topic count
  std::set<std::string_view> topics;
  for (const ProducerBatch* batch : batches) {
    if (topics.insert(batch->topic).second) bytes += 2 + static_cast<int64_t>(batch->topic.size()) + 4;
    bytes += 4 + 4 + batch->builder.size_bytes();
  }
  return bytes;
}

// The ProduceRequest for these batches: one entry per topic (batches come drained in topic order,
// so the response's partitions, flattened, are the batches in order).
protocol::ProduceRequest Producer::build_request(const std::vector<ProducerBatch*>& batches, int32_t timeout_ms) const {
  protocol::ProduceRequest request;
  request.acks = static_cast<int16_t>(acks_);
  request.timeout_ms = timeout_ms;
  for (ProducerBatch* batch : batches) {
    if (request.topic_data.empty() || request.topic_data.back().name != batch->topic)
      request.topic_data.emplace_back().name = batch->topic;
    auto& partition = request.topic_data.back().partition_data.emplace_back();
    partition.index = batch->partition;
    partition.records = std::string(batch->builder.finish());
  }
  return request;
}

// One outcome per batch, in request order, from the broker's answer.
std::vector<Result<AppendInfo>> Producer::read_response(const std::vector<ProducerBatch*>& batches,
                                                        const broker::TypedReply& reply) const {
  std::vector<Result<AppendInfo>> outcomes;
  const auto* response = reply.response ? std::get_if<protocol::ProduceResponse>(&*reply.response) : nullptr;
  std::vector<const protocol::ProduceResponse::PartitionProduceResponse*> flat;
  if (response)
    for (const auto& topic : response->responses)
      for (const auto& partition : topic.partition_responses) flat.push_back(&partition);
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const ProducerBatch& batch = *batches[i];
    if (i >= flat.size()) {
      outcomes.emplace_back(Error{ErrorCode::UNKNOWN_SERVER_ERROR, "The produce response lacks this partition."});
      continue;
    }
    const auto& answer = *flat[i];
    if (answer.error_code != 0) {
      const auto code = static_cast<ErrorCode>(answer.error_code);
      auto message = reply.error_messages.find({batch.topic, batch.partition});
      outcomes.emplace_back(Error{code, message == reply.error_messages.end() ? std::string() : message->second});
      continue;
    }
    outcomes.emplace_back(AppendInfo{answer.base_offset, answer.base_offset + batch.builder.record_count() - 1,
                                     answer.log_append_time_ms, false});
  }
  return outcomes;
}

void Producer::send_request(BrokerId leader, std::vector<ProducerBatch*> batches) {
  in_flight_batches_ += batches.size();
  ++in_flight_requests_[leader];
  int32_t request_records = 0;
  for (ProducerBatch* batch : batches) {
    ++batch->attempts;
    batch->last_leader = leader;
    batch->builder.finish();  // a no-op unless the header changed (sequence numbers)
    metrics_.record_batch(cluster_.now(), batch->topic, batch->builder.size_bytes(), batch->builder.compression_ratio(),
                          batch->drained_ms - batch->created_ms, batch->builder.record_count());
    request_records += batch->builder.record_count();
  }
  const int64_t bytes = request_bytes(batches);
  metrics_.record_request(cluster_.now(), request_records, bytes);
  protocol::RequestHeader header{kProduceKey, kProduceVersion, 0, client_id_};
  broker::BrokerService* service = endpoint_.service();  // null only while the cluster tears down
  if (acks_ == 0) {
    // Fire and forget: the producer completes now; the broker appends when the request arrives (a
    // stopped broker appends nothing, one that no longer leads refuses: acks=0 never hears of it).
    protocol::ProduceRequest body = build_request(batches, static_cast<int32_t>(request_timeout_ms_));
    for (ProducerBatch* batch : batches) complete(batch, AppendInfo{});
    --in_flight_requests_[leader];
    if (service) service->call(endpoint_, leader, header, std::move(body), bytes, nullptr);
    return;
  }
  // The attempt ends request.timeout.ms after it left when nothing answers (the broker is down, the
  // request or its answer is lost: the Java client then disconnects and asks for fresh metadata).
  // The broker's acks=all wait is cut so that its REQUEST_TIMED_OUT answer lands at that same moment.
  // Only a lost exchange schedules the timeout, which keeps a plain send at three events.
  struct InFlight {
    std::vector<ProducerBatch*> batches;
    bool over = false;
  };
  auto request = std::make_shared<InFlight>(InFlight{std::move(batches), false});
  const TimeMs deadline = cluster_.now() + request_timeout_ms_;
  const TimeMs arrives = service ? service->arrival_time(endpoint_, leader, bytes) : cluster_.now();
  const int64_t broker_wait_ms = std::max<int64_t>(0, deadline - cluster_.network_latency_ms() - arrives);
  std::weak_ptr<bool> alive = alive_;
  auto gone = [alive, request] { return alive.expired() || !*alive.lock() || request->over; };
  auto time_out = [this, gone, leader, request, deadline] {
    cluster_.scheduler().schedule_at(deadline, [this, gone, leader, request] {
      if (gone()) return;
      request->over = true;
      --in_flight_requests_[leader];
      metadata_.request_update();
      wake_sender_at(cluster_.now());
      Error timed_out{ErrorCode::REQUEST_TIMED_OUT,
                      fmt::format("No answer from broker {} within request.timeout.ms ({} ms).", leader, request_timeout_ms_)};
      for (ProducerBatch* batch : request->batches) finish(batch, timed_out);
    });
  };
  const TimeMs sent_ms = cluster_.now();
  auto answered = [this, gone, leader, request, time_out, sent_ms](Result<broker::TypedReply> reply) {
    if (!reply) return time_out();
    if (gone()) return;
    metrics_.record_latency(cluster_.now(), cluster_.now() - sent_ms);
    request->over = true;
    --in_flight_requests_[leader];
    wake_sender_at(cluster_.now());
    const std::vector<Result<AppendInfo>> outcomes = read_response(request->batches, *reply);
    for (std::size_t i = 0; i < request->batches.size(); ++i) finish(request->batches[i], outcomes[i]);
  };
  if (!service) return answered(Error{ErrorCode::NETWORK_EXCEPTION, "The cluster is shutting down."});
  service->call(endpoint_, leader, header, build_request(request->batches, static_cast<int32_t>(broker_wait_ms)), bytes,
                std::move(answered), gone);
}

bool Producer::retriable(const ProducerBatch& batch, const Error& error) const {
  if (error.retriable()) return true;
  // An idempotent producer retries a batch refused as out of sequence while an earlier batch of the
  // same partition is still unacknowledged (Kafka's TransactionManager.canRetry: the batch is not the
  // next sequence after the last acknowledged one): that earlier batch is being retried and will
  // close the gap. The retry then waits for it (waits_for_earlier_batch).
  if (!idempotent_ || error.code != ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER) return false;
  auto it = unacknowledged_.find({batch.topic, batch.partition});
  return it != unacknowledged_.end() && !it->second.empty() && *it->second.begin() < batch.base_sequence;
}

// Kafka's shouldStopDrainBatchesForPartition: a batch that already has a sequence (a retry) is sent
// again only when it is the first batch of its partition still in flight, so retries go out one at a
// time, in sequence order, each after the previous one was answered. A batch never sent has no
// sequence yet and is not held here (it can only leave once it heads its partition's queue anyway).
bool Producer::waits_for_earlier_batch(const ProducerBatch& batch) const {
  if (batch.base_sequence < 0) return false;
  auto it = unacknowledged_.find({batch.topic, batch.partition});
  return it != unacknowledged_.end() && !it->second.empty() && *it->second.begin() != batch.base_sequence;
}

// KIP-580 (Kafka 3.7): retry.backoff.ms doubles with every attempt up to retry.backoff.max.ms, with
// +/-20% jitter (from the cluster's seeded RNG, so a run replays exactly).
int64_t Producer::retry_backoff(int32_t previous_attempts) {
  if (retry_backoff_max_ms_ <= retry_backoff_ms_) return retry_backoff_ms_;
  const double exp_max = std::log(static_cast<double>(retry_backoff_max_ms_) / static_cast<double>(retry_backoff_ms_)) /
                         std::log(2.0);
  const double term = static_cast<double>(retry_backoff_ms_) * std::pow(2.0, std::min<double>(previous_attempts, exp_max));
  const double jitter = 0.8 + 0.4 * cluster_.rng().uniform_unit();
  return std::min(retry_backoff_max_ms_, static_cast<int64_t>(jitter * term));
}

void Producer::finish(ProducerBatch* batch, const Result<AppendInfo>& outcome) {
  const TimeMs now = cluster_.now();
  // Kafka's InvalidMetadataException, and a timed-out request (the client disconnects then).
  if (!outcome && (outcome.error().code == ErrorCode::NOT_LEADER_OR_FOLLOWER ||
                   outcome.error().code == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION ||
                   outcome.error().code == ErrorCode::REQUEST_TIMED_OUT))
    metadata_.request_update();
  const int64_t backoff = outcome ? 0 : retry_backoff(batch->attempts - 1);
  if (!outcome && retriable(*batch, outcome.error()) && batch->attempts <= retries_ &&
      now + backoff - batch->created_ms < delivery_timeout_ms_) {
    --in_flight_batches_;
    metrics_.record_retry(now, batch->topic, batch->builder.record_count());
    accumulator_.reenqueue(batch, now + backoff);
    wake_sender_at(now + backoff);
    return;
  }
  complete(batch, outcome);
}

void Producer::complete(ProducerBatch* batch, const Result<AppendInfo>& outcome) {
  if (!outcome) metrics_.record_error(cluster_.now(), batch->topic, batch->builder.record_count());
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
  if (batch->base_sequence >= 0) {
    unacknowledged_[{batch->topic, batch->partition}].erase(batch->base_sequence);
    if (!outcome) epoch_bump_required_ = true;
  }
  accumulator_.release(batch);
}

Result<RecordMetadata> Producer::send_and_wait(const ProducerRecord& record) {
  std::optional<Result<RecordMetadata>> outcome;
  Result<int32_t> queued = send(record, [&](const RecordMetadata& metadata, const Error* error) {
    if (error) outcome.emplace(*error);
    else outcome.emplace(metadata);
  });
  if (!queued) return queued.error();
  cluster_.scheduler().run_until_done([&] { return outcome.has_value(); });
  if (!outcome) return make_error(ErrorCode::REQUEST_TIMED_OUT, "the record was never sent (nothing left to simulate)");
  if (outcome->ok()) outcome->value().topic = record.topic;
  return std::move(*outcome);
}

void Producer::flush() {
  accumulator_.set_flushing(true);
  wake_sender_at(cluster_.now());
  cluster_.scheduler().run_until_done([this] { return buffered_batches() == 0; });
  accumulator_.set_flushing(false);
}

}  // namespace klab
