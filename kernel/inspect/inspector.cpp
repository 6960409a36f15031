#include "inspect/inspector.hpp"

#include <fmt/format.h>

#include "inspect/inspector_statements.hpp"

namespace klab::inspect {
namespace {

constexpr std::string_view kServiceName = "inspector";
// Up to this many multiples of sample_ms in one clock move are all written; beyond, the first and last.
constexpr int64_t kQuietStretchSamples = 3;
// Clock moves written into one transaction before it is committed: a commit per move costs a WAL
// write of every page touched; one per 64 moves shares them. Anything reported (a query, a sample
// on demand, stop) commits first, so a kill never loses what was reported.
constexpr int64_t kMovesPerCommit = 64;

TimeMs first_boundary_at_or_after(TimeMs time, int64_t sample_ms) {
  return (time + sample_ms - 1) / sample_ms * sample_ms;
}

}  // namespace

Result<std::unique_ptr<Inspector::Statements>> Inspector::Statements::prepare(SqliteConnection& connection) {
  auto statements = std::make_unique<Statements>();
  struct Entry {
    Statement* target;
    const char* sql;
  };
  const Entry entries[] = {
      {&statements->sample, "INSERT INTO samples (time_ms, reason) VALUES (?1, ?2)"},
      {&statements->event,
       "INSERT INTO events (time_ms, kind, topic, partition, broker, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&statements->header, "INSERT OR REPLACE INTO klab_database VALUES (?1, ?2)"},
  };
  for (const Entry& entry : entries) {
    Result<Statement> prepared = connection.prepare(entry.sql);
    if (!prepared) return prepared.error();
    *entry.target = std::move(*prepared);
  }
  struct Spans {
    SpanTable* target;
    const char* table;
    std::vector<std::string_view> columns;
    std::size_t key_columns;
  };
  const Spans spans[] = {
      {&statements->brokers, "broker_spans", {"broker", "alive", "isolated", "fenced", "controller"}, 1},
      {&statements->topics, "topic_spans", {"topic", "topic_id", "partitions", "replication_factor", "internal"}, 1},
      {&statements->partitions,
       "partition_spans",
       {"topic", "partition", "leader", "leader_epoch", "replicas", "isr", "replica_count", "isr_count",
        "under_replicated", "offline", "log_start_offset", "high_watermark", "log_end_offset", "size_bytes"},
       2},
      {&statements->replicas,
       "replica_spans",
       {"topic", "partition", "broker", "role", "in_sync", "broker_alive", "log_start_offset", "high_watermark",
        "log_end_offset", "size_bytes"},
       3},
      {&statements->groups,
       "group_spans",
       {"group_id", "state", "protocol_type", "assignment_strategy", "generation", "coordinator", "members"},
       1},
      {&statements->group_offsets,
       "group_offset_spans",
       {"group_id", "topic", "partition", "committed_offset", "log_end_offset", "lag", "consumer_id", "client_id", "host"},
       3},
      {&statements->metrics, "metric_spans", {"metric_group", "name", "tags", "value"}, 3},
  };
  for (const Spans& table : spans) {
    Result<SpanTable> prepared = SpanTable::prepare(connection, table.table, table.columns, table.key_columns);
    if (!prepared) return prepared.error();
    *table.target = std::move(*prepared);
  }
  return statements;
}

Status Inspector::Statements::finish_sample(int64_t sample_id) {
  for (SpanTable* table : {&brokers, &topics, &partitions, &replicas, &groups, &group_offsets, &metrics})
    if (Status finished = table->finish_sample(sample_id); !finished) return finished;
  return ok_status();
}

Result<Inspector*> Inspector::start(Cluster& cluster, const std::string& path, const InspectorOptions& options) {
  if (options.sample_ms < 1)
    return make_error(ErrorCode::INVALID_CONFIG,
                      fmt::format("Invalid value {} for configuration inspect.sample.ms: Value must be at least 1",
                                  options.sample_ms));
  Inspector* inspector = find(cluster);
  if (!inspector)
    inspector = static_cast<Inspector*>(
        &cluster.add_service(std::string(kServiceName), std::make_unique<Inspector>(cluster)));
  if (Status started = inspector->begin(path, options); !started) return started.error();
  return inspector;
}

Inspector* Inspector::find(const Cluster& cluster) {
  return static_cast<Inspector*>(cluster.find_service(kServiceName));
}

Inspector::Inspector(Cluster& cluster) : cluster_(cluster) {}

Inspector::~Inspector() {
  // The cluster is being destroyed and other services (the group coordinator) may already be gone:
  // write only the events (the cluster's own member), take no sample.
  if (!listener_) return;
  if (!failure_) (void)transaction([this] { return write_new_events(); }, Commit::Now);
  cluster_.scheduler().remove_clock_listener(*listener_);
}

Status Inspector::begin(const std::string& path, const InspectorOptions& options) {
  // Commit the current recording's open batch first: it may be the same file, which the new
  // connection clears.
  if (listener_) (void)catch_up();
  Result<std::unique_ptr<InspectDatabase>> created = InspectDatabase::create(path);
  if (!created) return created.error();
  stop();
  std::shared_ptr<InspectDatabase> database = std::move(*created);
  Result<std::unique_ptr<Statements>> statements = Statements::prepare(database->connection());
  if (!statements) return statements.error();
  database_ = std::move(database);
  statements_ = std::move(*statements);
  options_ = options;
  failure_.reset();
  events_written_ = 0;
  samples_written_ = 0;
  next_boundary_ = first_boundary_at_or_after(cluster_.now(), options_.sample_ms);
  batch_open_ = false;
  batched_moves_ = 0;
  if (Status header = transaction([this] { return write_header(); }, Commit::Now); !header) return header.error();
  listener_ = cluster_.scheduler().add_clock_listener([this](TimeMs from, TimeMs to) { on_clock(from, to); });
  return ok_status();
}

void Inspector::stop() {
  if (!listener_) return;
  (void)catch_up();
  cluster_.scheduler().remove_clock_listener(*listener_);
  listener_.reset();
}

template <class Work>
Status Inspector::transaction(Work&& work, Commit commit) {
  SqliteConnection& connection = database_->connection();
  Status done = ok_status();
  if (!batch_open_) {
    done = connection.exec("BEGIN");
    batch_open_ = done.ok();
  }
  if (done) done = work();
  if (done && (commit == Commit::Now || ++batched_moves_ >= kMovesPerCommit)) {
    done = connection.exec("COMMIT");
    if (done) {
      batch_open_ = false;
      batched_moves_ = 0;
    }
  }
  if (!done) {
    (void)connection.exec("ROLLBACK");
    batch_open_ = false;
    // Recording stops at the first failed write; the listener is removed by the next stop().
    failure_ = done.error();
  }
  return done;
}

void Inspector::on_clock(TimeMs from, TimeMs to) {
  if (failure_) return;
  const bool new_events = cluster_.events().size() > events_written_;
  if (next_boundary_ >= to && !new_events) return;  // the common case: nothing to write
  (void)transaction([&]() -> Status {
    if (next_boundary_ < to) {
      const int64_t step = options_.sample_ms;
      // Every multiple before `from` was written at an earlier move, so this is next_boundary_.
      const TimeMs first = std::max(next_boundary_, first_boundary_at_or_after(from, step));
      const int64_t count = (to - 1 - first) / step + 1;
      for (int64_t i = 0; i < count; ++i) {
        if (count > kQuietStretchSamples && i > 0 && i < count - 1) continue;
        if (Result<int64_t> sample = write_sample(first + i * step, "periodic"); !sample) return sample.error();
      }
      next_boundary_ = first + count * step;
    }
    return write_new_events();
  }, Commit::Batched);
}

Status Inspector::catch_up() {
  if (!listener_ || failure_) return failure_ ? Status(*failure_) : ok_status();
  const bool sample_due = next_boundary_ <= cluster_.now();
  if (!sample_due && cluster_.events().size() == events_written_ && !batch_open_) return ok_status();
  // Commits: what a query is about to report is in the file.
  return transaction([&]() -> Status {
    if (sample_due) {
      if (Result<int64_t> sample = write_sample(next_boundary_, "periodic"); !sample) return sample.error();
      next_boundary_ += options_.sample_ms;
    }
    return write_new_events();
  }, Commit::Now);
}

Result<int64_t> Inspector::sample_now() {
  if (!listener_)
    return make_error(ErrorCode::INVALID_REQUEST, "the inspector is not recording (inspect.open(cluster, path) starts it)");
  if (Status caught_up = catch_up(); !caught_up) return caught_up.error();
  int64_t id = 0;
  Status written = transaction([&]() -> Status {
    Result<int64_t> sample = write_sample(cluster_.now(), "on demand");
    if (!sample) return sample.error();
    id = *sample;
    return ok_status();
  }, Commit::Now);
  if (!written) return written.error();
  return id;
}

}  // namespace klab::inspect
