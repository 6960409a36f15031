#include "connect/worker.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "connect/connect_data.hpp"
#include "connect/json_reader.hpp"
#include "connect/utf8.hpp"

namespace klab::connect {
namespace {

constexpr const char* kServiceName = "connect-worker";
constexpr std::size_t kMaxLogLines = 10000;

Error not_found(const std::string& name) {
  return make_error(ErrorCode::INVALID_REQUEST, fmt::format("Connector {} not found", name));
}

// A key that may not be UTF-8, shown in a message: ASCII only, at most 80 characters.
std::string one_line_for_error(std::string_view key) {
  std::string out;
  for (char c : key.substr(0, 80)) out += static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f ? '?' : c;
  return out;
}

}  // namespace

Worker* Worker::of(Cluster& cluster) { return dynamic_cast<Worker*>(cluster.find_service(kServiceName)); }

Result<Worker*> Worker::start(Cluster& cluster, const WorkerOptions& options) {
  if (of(cluster)) return make_error(ErrorCode::INVALID_REQUEST, "this cluster already has a Connect worker");
  if (options.offset_flush_interval_ms < 1)
    return make_error(ErrorCode::INVALID_CONFIG, "Invalid value for configuration offset.flush.interval.ms: Value must be at least 1");
  Result<std::shared_ptr<WorkDirectory>> directory = WorkDirectory::open(options.directory, options.max_written_bytes);
  if (!directory) return directory.error();
  if (Result<std::filesystem::path> offsets = (*directory)->resolve(options.offsets_file); !offsets) return offsets.error();
  auto worker = std::unique_ptr<Worker>(new Worker(cluster, options, *directory));
  worker->load_offsets();
  return static_cast<Worker*>(&cluster.add_service(kServiceName, std::move(worker)));
}

Worker::Worker(Cluster& cluster, WorkerOptions options, std::shared_ptr<WorkDirectory> directory)
    : cluster_(cluster), options_(std::move(options)), directory_(std::move(directory)) {}

Worker::~Worker() {
  // The cluster is going away and its other services may already be gone: tasks are dropped without
  // the graceful stop (commits, LeaveGroup) that would talk to them. Source offsets are flushed.
  flush_offsets();
  connectors_.clear();
  if (options_.owns_directory) {
    std::error_code ignored;
    std::filesystem::remove_all(directory_->root(), ignored);
  }
}

void Worker::append_log(std::string line) {
  if (log_.size() >= kMaxLogLines) return;
  log_.push_back(fmt::format("[{} ms] {}", cluster_.now(), std::move(line)));
}

void Worker::load_offsets() {
  Result<std::optional<std::string>> text = directory_->read(options_.offsets_file);
  if (!text || !*text) return;
  JsonReadResult read = read_json(**text);
  if (!read.ok || !read.value.is_object()) {
    append_log(fmt::format("WARN Ignoring the unreadable offsets file {}", options_.offsets_file));
    return;
  }
  for (auto it = read.value.begin(); it != read.value.end(); ++it) offsets_[it.key()] = it.value();
}

void Worker::flush_offsets() {
  if (!offsets_dirty_) return;
  Json all = Json::object();
  for (const auto& [key, offset] : offsets_) all[key] = offset;
  if (Status written = directory_->write(options_.offsets_file, json_text(all) + "\n", false); !written)
    append_log("ERROR Failed to flush offsets to storage: " + written.error().message);
  offsets_dirty_ = false;
}

Status Worker::check_not_in_callback() const {
  if (in_callback_ > 0)
    return make_error(ErrorCode::INVALID_REQUEST, "a connector's own callback cannot create, change or delete connectors");
  return ok_status();
}

std::unique_ptr<TaskRunner> Worker::start_task(Connector& connector, int32_t id) {
  TaskEnvironment env;
  env.cluster = &cluster_;
  env.directory = directory_;
  env.offset_flush_interval_ms = options_.offset_flush_interval_ms;
  env.log = [this](std::string line) { append_log(std::move(line)); };
  env.read_offset = [this](const Json& key) -> std::optional<Json> {
    auto it = offsets_.find(json_text(key));
    if (it == offsets_.end()) return std::nullopt;
    return it->second;
  };
  env.write_offset = [this](const Json& key, const Json& offset) {
    offsets_[json_text(key)] = offset;
    offsets_dirty_ = true;
  };
  env.flush_offsets = [this] { flush_offsets(); };
  if (connector.scripted) {
    // Mark Lua callbacks so they cannot change connectors under a running task.
    auto inner = connector.scripted;
    auto guarded = std::make_shared<ScriptedConnector>(*inner);
    if (inner->poll)
      guarded->poll = [this, inner](int32_t task) {
        ++in_callback_;
        auto result = inner->poll(task);
        --in_callback_;
        return result;
      };
    if (inner->put)
      guarded->put = [this, inner](int32_t task, const std::vector<ConnectRecord>& records) {
        ++in_callback_;
        auto result = inner->put(task, records);
        --in_callback_;
        return result;
      };
    env.scripted = guarded;
  }
  std::unique_ptr<TaskRunner> task = connector.config.type() == ConnectorType::Sink
                                         ? make_sink_runner(connector.config, id, std::move(env))
                                         : make_source_runner(connector.config, id, std::move(env));
  task->start();
  if (task->state() == State::Running && connector.state == State::Paused) task->pause();
  return task;
}

void Worker::stop_tasks(Connector& connector) {
  for (auto& task : connector.tasks) task->stop();
  connector.tasks.clear();
}

Result<ConnectorStatus> Worker::create(const std::vector<std::pair<std::string, std::string>>& entries,
                                       std::shared_ptr<ScriptedConnector> scripted) {
  if (Status allowed = check_not_in_callback(); !allowed) return allowed.error();
  // Everything is checked before anything is created, so an error leaves no connector behind. A Java
  // String is Unicode text: bytes that are not UTF-8 (from a config table) are refused here, by name,
  // instead of failing later in JSON (a .properties file is ISO-8859-1, always valid once read).
  for (const auto& [key, value] : entries)
    for (const std::string* text : {&key, &value})
      if (const std::size_t at = invalid_utf8_at(*text); at != std::string::npos)
        return make_error(ErrorCode::INVALID_CONFIG,
                          fmt::format("the {} of the connector configuration's entry '{}' is not UTF-8 text (byte "
                                      "{:#04x} at offset {}); give Unicode text, or \\uXXXX escapes in a .properties file",
                                      text == &key ? "key" : "value", one_line_for_error(key),
                                      static_cast<unsigned char>((*text)[at]), at));
  Result<ConnectorConfig> config =
      parse_connector_config(entries, scripted ? std::optional<ConnectorType>(scripted->type) : std::nullopt);
  if (!config) return config.error();
  if (connectors_.count(config->name))
    return make_error(ErrorCode::INVALID_CONFIG, fmt::format("Connector {} already exists", config->name));
  // Transforms and converters are checked now, so a typo is an error at creation, not a FAILED task.
  if (Result<std::vector<std::unique_ptr<Transform>>> transforms = make_transforms(*config); !transforms)
    return transforms.error();
  auto connector = std::make_unique<Connector>();
  connector->config = std::move(*config);
  connector->scripted = std::move(scripted);
  Connector& added = *connectors_.emplace(connector->config.name, std::move(connector)).first->second;
  append_log(fmt::format("INFO Creating connector {} of type {}", added.config.name, added.config.plugin->class_name));
  const int32_t count = task_count(added.config);
  for (int32_t id = 0; id < count; ++id) added.tasks.push_back(start_task(added, id));
  return status(added.config.name);
}

Result<Worker::Connector*> Worker::find(const std::string& name) {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return not_found(name);
  return it->second.get();
}

Status Worker::pause(const std::string& name) {
  if (Status allowed = check_not_in_callback(); !allowed) return allowed;
  Result<Connector*> connector = find(name);
  if (!connector) return connector.error();
  (*connector)->state = State::Paused;
  for (auto& task : (*connector)->tasks) task->pause();
  append_log(fmt::format("INFO Connector {} paused", name));
  return ok_status();
}

Status Worker::resume(const std::string& name) {
  if (Status allowed = check_not_in_callback(); !allowed) return allowed;
  Result<Connector*> connector = find(name);
  if (!connector) return connector.error();
  (*connector)->state = State::Running;
  for (auto& task : (*connector)->tasks) task->resume();
  append_log(fmt::format("INFO Connector {} resumed", name));
  return ok_status();
}

Status Worker::restart(const std::string& name, bool include_tasks, bool only_failed) {
  if (Status allowed = check_not_in_callback(); !allowed) return allowed;
  Result<Connector*> found = find(name);
  if (!found) return found.error();
  Connector& connector = **found;
  append_log(fmt::format("INFO Restarting connector {}", name));
  if (!include_tasks) return ok_status();
  for (auto& task : connector.tasks) {
    if (only_failed && task->state() != State::Failed) continue;
    const int32_t id = task->id();
    task->stop();
    task.reset();
    task = start_task(connector, id);
  }
  return ok_status();
}

Status Worker::restart_task(const std::string& name, int32_t task_id) {
  if (Status allowed = check_not_in_callback(); !allowed) return allowed;
  Result<Connector*> found = find(name);
  if (!found) return found.error();
  Connector& connector = **found;
  if (task_id < 0 || task_id >= static_cast<int32_t>(connector.tasks.size()))
    return make_error(ErrorCode::INVALID_REQUEST, fmt::format("Task {}-{} not found", name, task_id));
  auto& task = connector.tasks[static_cast<std::size_t>(task_id)];
  task->stop();
  task.reset();
  task = start_task(connector, task_id);
  return ok_status();
}

Status Worker::remove(const std::string& name) {
  if (Status allowed = check_not_in_callback(); !allowed) return allowed;
  Result<Connector*> found = find(name);
  if (!found) return found.error();
  stop_tasks(**found);
  connectors_.erase(name);
  append_log(fmt::format("INFO Connector {} deleted (its source offsets and its consumer group stay)", name));
  return ok_status();
}

Result<ConnectorStatus> Worker::status(const std::string& name) const {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return not_found(name);
  const Connector& connector = *it->second;
  ConnectorStatus status;
  status.name = name;
  status.type = connector.config.type();
  status.state = connector.state;
  for (const auto& task : connector.tasks) status.tasks.push_back(TaskStatus{task->id(), task->state(), task->trace()});
  return status;
}

Result<std::vector<std::pair<std::string, std::string>>> Worker::config(const std::string& name) const {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return not_found(name);
  return it->second->config.given;
}

std::vector<std::string> Worker::list() const {
  std::vector<std::string> names;
  for (const auto& [name, connector] : connectors_) names.push_back(name);
  return names;
}

std::string ConnectorStatus::to_json() const {
  Json json = Json::object();
  json["name"] = name;
  json["connector"] = Json::object();
  json["connector"]["state"] = std::string(state_name(state));
  json["connector"]["worker_id"] = Worker::kWorkerId;
  if (!trace.empty()) json["connector"]["trace"] = trace;
  json["tasks"] = Json::array();
  for (const TaskStatus& task : tasks) {
    Json t = Json::object();
    t["id"] = task.id;
    t["state"] = std::string(state_name(task.state));
    t["worker_id"] = Worker::kWorkerId;
    if (task.state == State::Failed) t["trace"] = task.trace;
    json["tasks"].push_back(t);
  }
  json["type"] = std::string(connector_type_name(type));
  return json.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace klab::connect
