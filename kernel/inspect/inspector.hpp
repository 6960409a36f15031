// The inspector: records one cluster into an InspectDatabase as the simulation runs. It belongs to
// the cluster (a Cluster::Service), so every Lua state holding the cluster (the grader's and the
// sandboxed script's) finds the same record.
//
// When it samples (no timer of its own: a pending event would keep the scheduler busy forever and
// reorder other events):
//  1. A Scheduler clock listener hears each forward move of the clock, from `from` to `to`. Every
//     multiple of sample_ms in [from, to) sees the state the cluster has now (every event due at
//     `from` has run; none lies before `to`), and is sampled then.
//  2. A quiet stretch crossing more than three multiples is recorded at its first and last multiple
//     only: nothing changed between them (read values in between from the first), and a 7-day
//     advance must not write 600,000 samples.
//  3. The multiple equal to now is sampled when the clock leaves it, or earlier by catch_up() (each
//     query calls it, so a query sees the present); sample_now() adds an 'on demand' sample.
//  4. Events (Cluster::events()) are appended at each clock move and at catch_up(): every event
//     recorded before the clock moves past its time is in the database.
//  4b. Clock moves are committed in batches (kMovesPerCommit); catch_up(), sample_now() and stop()
//     commit, so whatever a query reported survives a kill.
//  5. Sampling only reads the cluster: the same seed gives the same run with or without it.
// A write that fails (disk full) stops the recording and is reported by failure().
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "base/scheduler.hpp"
#include "cluster/cluster.hpp"
#include "inspect/inspect_database.hpp"

namespace klab::inspect {

struct InspectorOptions {
  int64_t sample_ms = 1000;  // inspect.sample.ms
};

class Inspector : public Cluster::Service {
 public:
  // Starts recording `cluster` into `path` (":memory:" for no file), replacing a recording this
  // cluster already had. Errors: see InspectDatabase::create; INVALID_CONFIG for sample_ms < 1.
  static Result<Inspector*> start(Cluster& cluster, const std::string& path, const InspectorOptions& options);
  // The cluster's inspector, or nullptr when none was started.
  static Inspector* find(const Cluster& cluster);

  explicit Inspector(Cluster& cluster);
  ~Inspector() override;

  bool recording() const { return listener_.has_value(); }
  // Writes what is due (pending events, a sample due at now) and stops listening; the database
  // stays readable.
  void stop();
  // stop(), then lets go of the database (a file is closed once no reader holds it).
  void close() {
    stop();
    database_.reset();
  }
  // Writes events recorded so far and the sample due at now, if any.
  Status catch_up();
  // Takes an 'on demand' sample now; returns its sample_id.
  Result<int64_t> sample_now();

  std::shared_ptr<InspectDatabase> database() const { return database_; }
  int64_t sample_ms() const { return options_.sample_ms; }
  const std::optional<Error>& failure() const { return failure_; }
  int64_t samples_written() const { return samples_written_; }

 private:
  struct Statements;
  Status begin(const std::string& path, const InspectorOptions& options);
  void on_clock(TimeMs from, TimeMs to);
  // Inside a transaction: one sample of everything at `time` (sample_writer.cpp).
  Result<int64_t> write_sample(TimeMs time, std::string_view reason);
  Status write_brokers(int64_t sample_id, TimeMs time);
  Status write_topics(int64_t sample_id, TimeMs time);
  Status write_groups(int64_t sample_id, TimeMs time);
  Status write_metrics(int64_t sample_id, TimeMs time);
  Status write_new_events();
  Status write_header();
  // Runs `work` in the open transaction (begun if none), committed now or, for Batched, once
  // kMovesPerCommit moves are in it; a failure rolls back the uncommitted moves and stops the recording.
  enum class Commit { Now, Batched };
  template <class Work>
  Status transaction(Work&& work, Commit commit);

  Cluster& cluster_;
  InspectorOptions options_;
  std::shared_ptr<InspectDatabase> database_;
  std::unique_ptr<Statements> statements_;
  std::optional<Scheduler::ListenerId> listener_;
  TimeMs next_boundary_ = 0;
  std::size_t events_written_ = 0;
  int64_t samples_written_ = 0;
  std::optional<Error> failure_;
  bool batch_open_ = false;
  int64_t batched_moves_ = 0;
};

}  // namespace klab::inspect
