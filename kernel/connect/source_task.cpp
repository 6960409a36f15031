// WorkerSourceTask: polls the connector, passes each record through the transforms and the key and
// value converters, and sends it with a producer configured as Connect configures its own (acks=all,
// max.in.flight.requests.per.connection=1). A record's source offset becomes committable once its
// send is acknowledged; committable offsets are stored every offset.flush.interval.ms and when the
// task stops (standalone: the offsets file), which is what lets a restarted FileStreamSource resume.
// errors.tolerance covers conversion and transforms; a source connector has no dead letter queue.
#include <fmt/format.h>

#include <deque>
#include <map>

#include "client/producer.hpp"
#include "connect/connect_data.hpp"
#include "connect/task_runner.hpp"

namespace klab::connect {
namespace {

class SourceRunner final : public TaskRunner {
 public:
  SourceRunner(const ConnectorConfig& config, int32_t id, TaskEnvironment environment)
      : TaskRunner(config, id, std::move(environment)) {}
  ~SourceRunner() override { *alive_ = false; }

  void start() override {
    if (auto failure = build_pipeline()) return fail(*failure);
    Result<std::unique_ptr<Producer>> producer = Producer::create(
        *env_.cluster, {{"client.id", fmt::format("connector-producer-{}-{}", config_.name, id_)},
                        {"acks", std::string("all")},
                        {"max.in.flight.requests.per.connection", int64_t{1}}});
    if (!producer) return fail(Failure{kConnectException, producer.error().message, {}});
    producer_ = std::move(*producer);
    logic_ = make_source_task(config_, id_, env_.directory, env_.scripted);
    auto lookup = [this](const Json& partition) { return env_.read_offset(offset_key(partition)); };
    if (auto failure = logic_->start(lookup)) return fail(*failure);
    state_ = State::Running;
    schedule_poll(0);
    schedule_commits([this] { commit_offsets(); });
  }

  void stop() override {
    *alive_ = false;
    if (producer_) producer_->flush();
    commit_offsets();
    if (logic_) logic_->stop();
  }

 private:
  Json offset_key(const Json& partition) const {
    Json key = Json::array();
    key.push_back(config_.name);
    key.push_back(partition);
    return key;
  }

  void schedule_poll(int64_t delay_ms) {
    std::weak_ptr<bool> alive = alive_;
    env_.cluster->scheduler().schedule_after(delay_ms, [this, alive] {
      if (auto a = alive.lock(); a && *a) poll_once();
    });
  }

  void poll_once() {
    if (state_ == State::Failed) return;
    if (state_ == State::Paused) return schedule_poll(logic_->idle_wait_ms());
    Attempt<std::vector<ConnectRecord>> polled = logic_->poll();
    if (!polled.ok()) return fail(*polled.failure);
    for (ConnectRecord& record : *polled.value)
      if (!send(std::move(record))) return;
    schedule_poll(polled.value->empty() ? logic_->idle_wait_ms() : 1);
  }

  std::string describe(const ConnectRecord& record) const {
    return fmt::format(", where source record is = SourceRecord{{sourcePartition={}, sourceOffset={}}} "
                       "ConnectRecord{{topic='{}', kafkaPartition=null, key={}, value={}}}",
                       json_text(record.source_partition), json_text(record.source_offset), record.topic,
                       java_string(record.key), java_string(record.value));
  }

  // False when the task failed.
  bool send(ConnectRecord record) {
    const uint64_t sequence = next_sequence_++;
    pending_.push_back({sequence, record.source_partition, record.source_offset, false});
    auto skip = [&] {
      acknowledge(sequence);
      return true;
    };
    for (const auto& transform : transforms_) {
      Attempt<ConnectRecord> transformed = transform->apply(std::move(record), false);
      if (!transformed.ok()) return tolerate(*transformed.failure, "TRANSFORMATION", transform->class_name(), "") && skip();
      record = std::move(*transformed.value);
    }
    Attempt<std::optional<std::string>> key = key_converter_->from_connect(record.topic, record.key);
    if (!key.ok()) return tolerate(*key.failure, "KEY_CONVERTER", key_converter_->class_name(), describe(record)) && skip();
    Attempt<std::optional<std::string>> value = value_converter_->from_connect(record.topic, record.value);
    if (!value.ok()) return tolerate(*value.failure, "VALUE_CONVERTER", value_converter_->class_name(), describe(record)) && skip();
    std::vector<HeaderView> headers;
    for (const auto& [k, v] : record.headers) headers.push_back(HeaderView{k, v ? std::optional<std::string_view>(*v) : std::nullopt});
    ProducerRecord out;
    out.topic = record.topic;
    out.partition = record.partition;
    if (*key.value) out.key = **key.value;
    if (*value.value) out.value = **value.value;
    out.headers = headers;
    out.timestamp = record.timestamp;
    std::weak_ptr<bool> alive = alive_;
    Result<int32_t> sent = producer_->send(out, [this, alive, sequence](const RecordMetadata&, const Error* error) {
      auto a = alive.lock();
      if (!a || !*a) return;
      if (error) return fail(Failure{kConnectException, "Unrecoverable exception from producer send callback",
                                     {{"org.apache.kafka.common.errors." + std::string(error_name(error->code)), error->message}}});
      acknowledge(sequence);
    });
    if (!sent) {
      fail(Failure{kConnectException, fmt::format("Failed to send record to topic '{}'", record.topic),
                   {{"org.apache.kafka.common.errors." + std::string(error_name(sent.error().code)), sent.error().message}}});
      return false;
    }
    return true;
  }

  // Offsets become committable in poll order, each once its record and all before it are done.
  void acknowledge(uint64_t sequence) {
    for (Pending& p : pending_)
      if (p.sequence == sequence) p.done = true;
    while (!pending_.empty() && pending_.front().done) {
      if (!pending_.front().partition.is_null()) committable_[json_text(pending_.front().partition)] = pending_.front();
      pending_.pop_front();
    }
  }

  void commit_offsets() {
    if (committable_.empty()) return;
    for (const auto& [ignored, p] : committable_) env_.write_offset(offset_key(p.partition), p.offset);
    committable_.clear();
    env_.flush_offsets();
  }

  struct Pending {
    uint64_t sequence;
    Json partition;
    Json offset;
    bool done;
  };
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<SourceTaskLogic> logic_;
  std::deque<Pending> pending_;
  std::map<std::string, Pending> committable_;
  uint64_t next_sequence_ = 0;
};

}  // namespace

std::unique_ptr<TaskRunner> make_source_runner(const ConnectorConfig& config, int32_t id, TaskEnvironment environment) {
  return std::make_unique<SourceRunner>(config, id, std::move(environment));
}

}  // namespace klab::connect
