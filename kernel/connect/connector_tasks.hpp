// The built-in connectors' tasks and the hooks of connectors written in Lua, made from a checked
// ConnectorConfig. How many tasks a connector runs is its own choice within tasks.max, as in Kafka:
// FileStreamSource always one, the sinks tasks.max.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "connect/connect_record.hpp"
#include "connect/connector_config.hpp"
#include "connect/work_directory.hpp"

namespace klab::connect {

// A connector written in Lua (the REPL builds the callbacks; a raised Lua error comes back as a
// Failure whose message holds the Lua traceback).
struct ScriptedConnector {
  ConnectorType type = ConnectorType::Sink;
  std::function<Attempt<std::vector<ConnectRecord>>(int32_t task_id)> poll;  // source
  std::function<std::optional<Failure>(int32_t task_id, const std::vector<ConnectRecord>&)> put;  // sink
};

int32_t task_count(const ConnectorConfig& config);
std::unique_ptr<SinkTaskLogic> make_sink_task(const ConnectorConfig& config, int32_t task_id,
                                              std::shared_ptr<WorkDirectory> directory,
                                              std::shared_ptr<ScriptedConnector> scripted);
std::unique_ptr<SourceTaskLogic> make_source_task(const ConnectorConfig& config, int32_t task_id,
                                                  std::shared_ptr<WorkDirectory> directory,
                                                  std::shared_ptr<ScriptedConnector> scripted);

// The built-in tasks (file_stream_sink.cpp, file_stream_source.cpp, sqlite_sink.cpp).
std::unique_ptr<SinkTaskLogic> make_file_stream_sink(const ConnectorConfig& config, std::shared_ptr<WorkDirectory> directory);
std::unique_ptr<SourceTaskLogic> make_file_stream_source(const ConnectorConfig& config, std::shared_ptr<WorkDirectory> directory);
std::unique_ptr<SinkTaskLogic> make_sqlite_sink(const ConnectorConfig& config, std::shared_ptr<WorkDirectory> directory);

}  // namespace klab::connect
