#include "connect/connector_tasks.hpp"

#include <string_view>

namespace klab::connect {
namespace {

class ScriptedSink final : public SinkTaskLogic {
 public:
  ScriptedSink(std::shared_ptr<ScriptedConnector> scripted, int32_t task_id) : scripted_(std::move(scripted)), task_id_(task_id) {}
  std::optional<Failure> put(const std::vector<ConnectRecord>& records) override {
    if (!scripted_->put) return std::nullopt;
    return scripted_->put(task_id_, records);
  }

 private:
  std::shared_ptr<ScriptedConnector> scripted_;
  int32_t task_id_;
};

class ScriptedSource final : public SourceTaskLogic {
 public:
  ScriptedSource(std::shared_ptr<ScriptedConnector> scripted, int32_t task_id, std::string topic)
      : scripted_(std::move(scripted)), task_id_(task_id), topic_(std::move(topic)) {}
  std::optional<Failure> start(const OffsetLookup&) override { return std::nullopt; }
  Attempt<std::vector<ConnectRecord>> poll() override {
    Attempt<std::vector<ConnectRecord>> polled = scripted_->poll(task_id_);
    if (polled.ok())
      for (ConnectRecord& record : *polled.value)
        if (record.topic.empty()) record.topic = topic_;
    return polled;
  }

 private:
  std::shared_ptr<ScriptedConnector> scripted_;
  int32_t task_id_;
  std::string topic_;
};

bool is(const ConnectorConfig& config, std::string_view class_name) { return config.plugin->class_name == class_name; }

}  // namespace

int32_t task_count(const ConnectorConfig& config) {
  if (is(config, "org.apache.kafka.connect.file.FileStreamSourceConnector")) return 1;
  return config.tasks_max;
}

std::unique_ptr<SinkTaskLogic> make_sink_task(const ConnectorConfig& config, int32_t task_id,
                                              std::shared_ptr<WorkDirectory> directory,
                                              std::shared_ptr<ScriptedConnector> scripted) {
  if (scripted) return std::make_unique<ScriptedSink>(std::move(scripted), task_id);
  if (is(config, "io.confluent.connect.jdbc.JdbcSinkConnector")) return make_sqlite_sink(config, std::move(directory));
  return make_file_stream_sink(config, std::move(directory));
}

std::unique_ptr<SourceTaskLogic> make_source_task(const ConnectorConfig& config, int32_t task_id,
                                                  std::shared_ptr<WorkDirectory> directory,
                                                  std::shared_ptr<ScriptedConnector> scripted) {
  if (scripted) return std::make_unique<ScriptedSource>(std::move(scripted), task_id, config.values.get_string("topic"));
  return make_file_stream_source(config, std::move(directory));
}

}  // namespace klab::connect
