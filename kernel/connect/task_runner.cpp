#include "connect/task_runner.hpp"

#include <fmt/format.h>

namespace klab::connect {

std::string_view state_name(State state) {
  switch (state) {
    case State::Unassigned: return "UNASSIGNED";
    case State::Running: return "RUNNING";
    case State::Paused: return "PAUSED";
    case State::Failed: return "FAILED";
  }
  return "?";
}

TaskRunner::TaskRunner(const ConnectorConfig& config, int32_t id, TaskEnvironment environment)
    : config_(config), id_(id), env_(std::move(environment)) {}

void TaskRunner::fail(const Failure& failure) {
  state_ = State::Failed;
  trace_ = failure.trace();
  env_.log(fmt::format("ERROR [{}|task-{}] {} Task threw an uncaught and unrecoverable exception. Task is being killed "
                       "and will not recover until manually restarted\n{}", config_.name, id_, task_name(), trace_));
}

void TaskRunner::schedule_commits(std::function<void()> commit) {
  std::weak_ptr<bool> alive = alive_;
  env_.cluster->scheduler().schedule_after(env_.offset_flush_interval_ms, [this, alive, commit = std::move(commit)] {
    auto a = alive.lock();
    if (!a || !*a || state_ == State::Failed) return;
    commit();
    schedule_commits(commit);
  });
}

std::optional<Failure> TaskRunner::build_pipeline() {
  auto converter = [&](const char* key, std::unique_ptr<Converter>& out) -> std::optional<Failure> {
    const std::string name = config_.values.is_set(key) ? config_.values.get_string(key) : "JsonConverter";
    const std::string schemas_key = std::string(key) + ".schemas.enable";
    const bool schemas = config_.prefixed_value(schemas_key).value_or("true") == "true";
    Result<std::unique_ptr<Converter>> made = make_converter(name, schemas);
    if (!made) return Failure{"org.apache.kafka.common.config.ConfigException", made.error().message, {}};
    out = std::move(*made);
    return std::nullopt;
  };
  if (auto failure = converter("key.converter", key_converter_)) return failure;
  if (auto failure = converter("value.converter", value_converter_)) return failure;
  Result<std::vector<std::unique_ptr<Transform>>> transforms = make_transforms(config_);
  if (!transforms) return Failure{"org.apache.kafka.common.config.ConfigException", transforms.error().message, {}};
  transforms_ = std::move(*transforms);
  return std::nullopt;
}

bool TaskRunner::tolerate(const Failure& failure, const char* stage, const std::string& executing_class,
                          const std::string& record_description) {
  if (config_.values.get_string("errors.tolerance") != "all") {
    Failure exceeded{kConnectException, "Tolerance exceeded in error handler", {}};
    exceeded.causes.emplace_back(failure.exception_class, failure.message);
    for (const auto& cause : failure.causes) exceeded.causes.push_back(cause);
    fail(exceeded);
    return false;
  }
  if (config_.values.get_bool("errors.log.enable"))
    env_.log(fmt::format("ERROR [{}|task-{}] Error encountered in task {}. Executing stage '{}' with class '{}'{}.\n{}",
                         config_.name, id_, task_name(), stage, executing_class, record_description, failure.trace()));
  return true;
}

}  // namespace klab::connect
