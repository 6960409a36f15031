// WorkerSinkTask: a consumer in group connect-<name> (enable.auto.commit=false,
// auto.offset.reset=earliest, as Connect configures it) feeds records through the key and value
// converters and the transforms into the connector's put(). A record that fails conversion or a
// transform is handled by errors.tolerance; with tolerance all it is logged (errors.log.enable) and
// its original bytes go to the dead letter queue (errors.deadletterqueue.topic.name), with the
// failure's context as __connect.errors.* headers when errors.deadletterqueue.context.headers.enable.
// Offsets of records put or skipped are committed every offset.flush.interval.ms and on stop.
// Deviation: topics.regex is matched against the topics that exist when the task starts.
#include <fmt/format.h>

#include <map>

#include "base/regex_match.hpp"
#include "client/consumer.hpp"
#include "client/producer.hpp"
#include "connect/task_runner.hpp"

namespace klab::connect {
namespace {

class SinkRunner final : public TaskRunner {
 public:
  SinkRunner(const ConnectorConfig& config, int32_t id, TaskEnvironment environment)
      : TaskRunner(config, id, std::move(environment)) {}
  ~SinkRunner() override { *alive_ = false; }

  void start() override {
    if (auto failure = build_pipeline()) return fail(*failure);
    Cluster& cluster = *env_.cluster;
    Result<std::unique_ptr<Consumer>> consumer = Consumer::create(
        cluster, {{"group.id", "connect-" + config_.name},
                  {"client.id", fmt::format("connector-consumer-{}-{}", config_.name, id_)},
                  {"enable.auto.commit", false},
                  {"auto.offset.reset", std::string("earliest")}});
    if (!consumer) return fail(Failure{kConnectException, consumer.error().message, {}});
    consumer_ = std::move(*consumer);
    std::vector<std::string> topics = std::get<std::vector<std::string>>(config_.values.get("topics"));
    if (const std::string& pattern = config_.values.get_string("topics.regex"); !pattern.empty()) {
      Result<RegexMatch> regex = RegexMatch::compile(pattern);  // checked when the connector was created
      if (!regex) return fail(Failure{kConnectException, regex.error().message, {}});
      for (const std::string& topic : cluster.topic_names())
        if (regex->matches(topic) && !topic.starts_with("__")) topics.push_back(topic);
    }
    if (Status subscribed = consumer_->subscribe(topics); !subscribed)
      return fail(Failure{kConnectException, subscribed.error().message, {}});
    if (auto failure = start_dead_letter_queue()) return fail(*failure);
    logic_ = make_sink_task(config_, id_, env_.directory, env_.scripted);
    if (auto failure = logic_->start()) return fail(*failure);
    state_ = State::Running;
    schedule_poll();
    schedule_commits([this] { commit(false); });
  }

  void stop() override {
    *alive_ = false;
    commit(true);
    if (logic_) logic_->stop();
    if (consumer_ && !consumer_->closed()) (void)consumer_->close();
    if (dlq_producer_) dlq_producer_->flush();
  }

 private:
  void schedule_poll(int64_t delay_ms = kSinkPollIntervalMs) {
    std::weak_ptr<bool> alive = alive_;
    env_.cluster->scheduler().schedule_after(delay_ms, [this, alive] {
      if (auto a = alive.lock(); a && *a) poll_once();
    });
  }

  void poll_once() {
    if (state_ == State::Failed) return;
    Result<std::size_t> polled = consumer_->poll(0, records_);
    if (!polled) {
      fail(Failure{kConnectException, polled.error().message, {}});
      return release_after_failure();
    }
    if (state_ == State::Paused) {
      // A paused task keeps polling (so its membership holds) but hands nothing on: rewind.
      std::map<TopicPartition, int64_t> first;
      for (const ConsumerRecord& r : records_) first.emplace(TopicPartition{std::string(r.topic), r.partition}, r.offset);
      for (const auto& [partition, offset] : first) consumer_->seek(partition, offset);
    } else if (!records_.empty()) {
      deliver();
    }
    if (state_ == State::Failed) return release_after_failure();
    // A poll that brought records is followed at once (1 ms) by the next, as a task's loop does.
    if (*alive_) schedule_poll(records_.empty() || state_ == State::Paused ? kSinkPollIntervalMs : 1);
  }

  // As WorkerSinkTask closes its partitions when it dies: what was put is committed, the consumer
  // leaves the group, and a restarted task resumes at the record that failed.
  void release_after_failure() {
    commit(true);
    if (consumer_ && !consumer_->closed()) (void)consumer_->close();
  }

  std::string describe(const ConsumerRecord& r) const {
    return fmt::format(", where consumed record is {{topic='{}', partition={}, offset={}, timestamp={}, timestampType={}}}",
                       r.topic, r.partition, r.offset, r.timestamp, timestamp_type_name(r.timestamp_type));
  }

  void deliver() {
    batch_.clear();
    std::vector<std::pair<TopicPartition, int64_t>> processed;
    for (const ConsumerRecord& r : records_) {
      ConnectRecord record;
      record.topic = std::string(r.topic);
      record.partition = r.partition;
      record.offset = r.offset;
      record.timestamp = r.timestamp;
      r.headers.for_each([&](const HeaderView& h) {
        record.headers.emplace_back(std::string(h.key), h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt);
      });
      bool skipped = false;
      auto handle = [&](const Failure& failure, const char* stage, const std::string& cls) {
        if (!tolerate(failure, stage, cls, describe(r))) return false;
        send_to_dead_letter_queue(r, failure, stage, cls);
        skipped = true;
        return true;
      };
      Attempt<SchemaAndValue> key = key_converter_->to_connect(r.topic, r.key);
      if (!key.ok()) {
        if (!handle(*key.failure, "KEY_CONVERTER", key_converter_->class_name())) return;
      } else {
        record.key = std::move(*key.value);
        Attempt<SchemaAndValue> value = value_converter_->to_connect(r.topic, r.value);
        if (!value.ok()) {
          if (!handle(*value.failure, "VALUE_CONVERTER", value_converter_->class_name())) return;
        } else {
          record.value = std::move(*value.value);
          for (const auto& transform : transforms_) {
            Attempt<ConnectRecord> transformed = transform->apply(std::move(record), true);
            if (!transformed.ok()) {
              if (!handle(*transformed.failure, "TRANSFORMATION", transform->class_name())) return;
              break;
            }
            record = std::move(*transformed.value);
          }
        }
      }
      processed.emplace_back(TopicPartition{std::string(r.topic), r.partition}, r.offset + 1);
      if (!skipped) batch_.push_back(std::move(record));
    }
    if (auto failure = logic_->put(batch_)) {
      Failure wrapped{kConnectException, "Exiting WorkerSinkTask due to unrecoverable exception.", {}};
      wrapped.causes.emplace_back(failure->exception_class, failure->message);
      for (const auto& cause : failure->causes) wrapped.causes.push_back(cause);
      fail(wrapped);
      return;
    }
    for (const auto& [partition, next] : processed) delivered_[partition] = next;
  }

  std::optional<Failure> start_dead_letter_queue() {
    const std::string& topic = config_.values.get_string("errors.deadletterqueue.topic.name");
    if (topic.empty()) return std::nullopt;
    Cluster& cluster = *env_.cluster;
    if (!cluster.find_topic(topic)) {
      TopicSpec spec;
      spec.partitions = 1;
      spec.replication_factor = static_cast<int32_t>(config_.values.get_long("errors.deadletterqueue.topic.replication.factor"));
      if (Result<CreateTopicResult> created = cluster.create_topic(topic, spec); !created)
        return Failure{kConnectException, fmt::format("Could not initialize dead letter queue with topic={}", topic),
                       {{"org.apache.kafka.common.errors." + std::string(error_name(created.error().code)),
                         created.error().message}}};
    }
    Result<std::unique_ptr<Producer>> producer = Producer::create(
        cluster, {{"client.id", fmt::format("connector-dlq-producer-{}-{}", config_.name, id_)}, {"acks", std::string("all")}});
    if (!producer) return Failure{kConnectException, producer.error().message, {}};
    dlq_producer_ = std::move(*producer);
    return std::nullopt;
  }

  void send_to_dead_letter_queue(const ConsumerRecord& r, const Failure& failure, const char* stage, const std::string& cls) {
    if (!dlq_producer_) return;
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
    r.headers.for_each([&](const HeaderView& h) {
      headers.emplace_back(std::string(h.key), h.value ? std::optional<std::string>(std::string(*h.value)) : std::nullopt);
    });
    if (config_.values.get_bool("errors.deadletterqueue.context.headers.enable")) {
      headers.emplace_back("__connect.errors.topic", std::string(r.topic));
      headers.emplace_back("__connect.errors.partition", std::to_string(r.partition));
      headers.emplace_back("__connect.errors.offset", std::to_string(r.offset));
      headers.emplace_back("__connect.errors.connector.name", config_.name);
      headers.emplace_back("__connect.errors.task.id", std::to_string(id_));
      headers.emplace_back("__connect.errors.stage", stage);
      headers.emplace_back("__connect.errors.class.name", cls);
      headers.emplace_back("__connect.errors.exception.class.name", failure.exception_class);
      headers.emplace_back("__connect.errors.exception.message", failure.message);
      headers.emplace_back("__connect.errors.exception.stacktrace", failure.trace());
    }
    std::vector<HeaderView> views;
    for (const auto& [key, value] : headers) views.push_back(HeaderView{key, value ? std::optional<std::string_view>(*value) : std::nullopt});
    ProducerRecord record;
    const std::string& topic = config_.values.get_string("errors.deadletterqueue.topic.name");
    record.topic = topic;
    record.key = r.key;
    record.value = r.value;
    record.headers = views;
    record.timestamp = r.timestamp;
    if (Result<int32_t> sent = dlq_producer_->send(record); !sent)
      env_.log(fmt::format("ERROR [{}|task-{}] Could not produce message to dead letter queue. topic={}: {}", config_.name,
                           id_, topic, sent.error().message));
  }

  void commit(bool final) {
    if (!consumer_ || consumer_->closed() || delivered_.empty()) return;
    if (logic_ && state_ != State::Failed)
      if (auto failure = logic_->flush()) return fail(*failure);
    std::map<TopicPartition, OffsetAndMetadata> offsets;
    for (const auto& [partition, next] : delivered_) offsets[partition] = OffsetAndMetadata{next, "", -1};
    if (final) (void)consumer_->commit_sync(offsets);
    else consumer_->commit_async(offsets, nullptr);
  }

  std::unique_ptr<Consumer> consumer_;
  std::unique_ptr<Producer> dlq_producer_;
  std::unique_ptr<SinkTaskLogic> logic_;
  std::vector<ConsumerRecord> records_;
  std::vector<ConnectRecord> batch_;
  std::map<TopicPartition, int64_t> delivered_;
};

}  // namespace

std::unique_ptr<TaskRunner> make_sink_runner(const ConnectorConfig& config, int32_t id, TaskEnvironment environment) {
  return std::make_unique<SinkRunner>(config, id, std::move(environment));
}

}  // namespace klab::connect
