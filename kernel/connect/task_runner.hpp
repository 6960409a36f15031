// A running task as the worker drives it (Kafka's WorkerSinkTask / WorkerSourceTask): the clients it
// owns, the converters and transforms its records pass, errors.* handling, and its state.
//
// Task states (status JSON): UNASSIGNED --start--> RUNNING <--pause/resume--> PAUSED
//   RUNNING|PAUSED --failure--> FAILED (trace kept; only a restart leaves it)   any --stop--> gone
//
// Timing on the cluster's scheduler: a sink task polls its consumer every kSinkPollIntervalMs (1 ms after a
// poll that brought records), a source
// task polls its connector again at once after records and after idle_wait_ms (1 s for FileStreamSource)
// after none; offsets are committed every offset.flush.interval.ms and when the task stops. These timers
// exist only while a task is RUNNING or PAUSED, so a cluster with no running connector stays idle.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/cluster.hpp"
#include "connect/connect_record.hpp"
#include "connect/connector_config.hpp"
#include "connect/connector_tasks.hpp"
#include "connect/converters.hpp"
#include "connect/transforms.hpp"

namespace klab::connect {

enum class State { Unassigned, Running, Paused, Failed };
std::string_view state_name(State state);

inline constexpr int64_t kSinkPollIntervalMs = 100;

// What a task needs from its worker.
struct TaskEnvironment {
  Cluster* cluster = nullptr;
  std::shared_ptr<WorkDirectory> directory;
  std::shared_ptr<ScriptedConnector> scripted;
  int64_t offset_flush_interval_ms = 60000;
  std::function<void(std::string)> log;  // one worker-log line
  // Source offsets (standalone store): read at start, written at each commit.
  std::function<std::optional<Json>(const Json& key)> read_offset;
  std::function<void(const Json& key, const Json& offset)> write_offset;
  std::function<void()> flush_offsets;
};

class TaskRunner {
 public:
  virtual ~TaskRunner() = default;
  State state() const { return state_; }
  const std::string& trace() const { return trace_; }
  int32_t id() const { return id_; }
  virtual void start() = 0;
  // A paused task keeps its clients and timers but hands no records on.
  void pause() {
    if (state_ == State::Running) state_ = State::Paused;
  }
  void resume() {
    if (state_ == State::Paused) state_ = State::Running;
  }
  // Commits what it can and releases its clients; the runner is destroyed next.
  virtual void stop() = 0;

 protected:
  TaskRunner(const ConnectorConfig& config, int32_t id, TaskEnvironment environment);
  void fail(const Failure& failure);
  std::string task_name() const { return config_.name + "-" + std::to_string(id_); }
  // Runs `commit` every offset.flush.interval.ms while the task lives and has not failed.
  void schedule_commits(std::function<void()> commit);
  // Converters and transforms from the config (INVALID_CONFIG was ruled out at creation).
  std::optional<Failure> build_pipeline();
  // errors.tolerance: true when the record is to be skipped, false when the task failed.
  bool tolerate(const Failure& failure, const char* stage, const std::string& executing_class,
                const std::string& record_description);

  ConnectorConfig config_;
  int32_t id_;
  TaskEnvironment env_;
  State state_ = State::Unassigned;
  std::string trace_;
  std::unique_ptr<Converter> key_converter_, value_converter_;
  std::vector<std::unique_ptr<Transform>> transforms_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

std::unique_ptr<TaskRunner> make_sink_runner(const ConnectorConfig& config, int32_t id, TaskEnvironment environment);
std::unique_ptr<TaskRunner> make_source_runner(const ConnectorConfig& config, int32_t id, TaskEnvironment environment);

}  // namespace klab::connect
