// How simulated time passes while a client waits. A waiting call in the kernel (Cluster::advance, a
// synchronous send, a consumer poll, a coordinator write) asks its Scheduler to run "until X"; the
// Scheduler hands that to its TimeDriver when one is installed, and otherwise runs the simulation
// at once (the default, which every test and transcript relies on: byte-identical runs).
//
// The kernel ships no driver of its own: `klab serve` installs a wall-clock driver (repl/serve) that
// makes simulated time follow real time and serves its sockets while a call waits.
//
// Invariants a driver keeps:
//  1. It moves time only through Scheduler::simulate_until / run_next, so the Scheduler's
//     invariants (never backwards, events in order) hold whatever the driver.
//  2. run_until returns with every event due by `deadline` run (or done() true), as the default does.
#pragma once
#include <cstdint>
#include <functional>

namespace klab {

class Scheduler;
using TimeMs = int64_t;

class TimeDriver {
 public:
  virtual ~TimeDriver() = default;
  // Runs events while `done()` is false until the clock reaches `deadline`; returns done().
  virtual bool run_until(Scheduler& scheduler, TimeMs deadline, const std::function<bool()>& done) = 0;
  // Runs events until `done()` or nothing is left to wait for; returns done().
  virtual bool run_until_done(Scheduler& scheduler, const std::function<bool()>& done) = 0;
  // A driver whose clock follows something outside (the wall clock) can freeze it on purpose.
  virtual bool can_pause() const { return false; }
  virtual void set_paused(bool) {}
  virtual bool paused() const { return false; }
};

}  // namespace klab
