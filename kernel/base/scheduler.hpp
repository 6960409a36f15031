// The simulated clock: milliseconds since the cluster started, and the timed events waiting on it.
// Nothing in the kernel reads the wall clock; a timed behaviour (linger.ms, request latency,
// segment.ms, ...) is an event here. Ties at the same millisecond run in the order they were
// scheduled (a sequence number), so a run is the same every time.
//
// Invariants:
//  1. now() never goes backwards.
//  2. An event runs at exactly its time, after every event scheduled before it for that time.
//  3. Clock listeners hear every forward move of the clock, after every event due at the old time
//     has run; they only observe (the inspector samples there), so a run is the same with or without them.
//  4. The waiting calls (run_until, run_until_done) go through the installed TimeDriver when there is
//     one (base/time_driver.hpp); without one they are simulate_until / the run_next loop, unchanged.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include "base/time_driver.hpp"

namespace klab {

using TimeMs = int64_t;

class Scheduler {
 public:
  using EventId = uint64_t;

  TimeMs now() const { return now_ms_; }
  EventId schedule_at(TimeMs when, std::function<void()> action);
  EventId schedule_after(int64_t delay_ms, std::function<void()> action) {
    return schedule_at(now_ms_ + delay_ms, std::move(action));
  }
  bool cancel(EventId id);

  // Called as the clock is about to move forward from `from` to `to` (no event lies in between).
  // A listener reads state; it must not schedule, cancel or run events, nor add or remove listeners.
  using ClockListener = std::function<void(TimeMs from, TimeMs to)>;
  using ListenerId = uint64_t;
  ListenerId add_clock_listener(ClockListener listener);
  void remove_clock_listener(ListenerId id);

  std::optional<TimeMs> next_event_time() const;
  std::size_t pending_events() const { return events_.size(); }
  // Moves the clock to the earliest event and runs it; false when nothing is scheduled.
  bool run_next();
  // Runs every event due up to and including `when`, then sets the clock to `when`.
  void run_until(TimeMs when);
  // Runs events while `done()` is false and the next event is due no later than `deadline`.
  // Returns done(); leaves the clock at `deadline` when it gave up.
  bool run_until(TimeMs deadline, const std::function<bool()>& done);
  // Runs events until `done()` or none is left (a coordinator write waiting for its replicas).
  bool run_until_done(const std::function<bool()>& done);

  // The same three without the driver: what they do in a pure simulation (drivers call these).
  void simulate_until(TimeMs when);
  bool simulate_until(TimeMs deadline, const std::function<bool()>& done);
  bool simulate_until_done(const std::function<bool()>& done);

  // Not owned; nullptr restores the pure simulation. The driver must outlive its installation.
  void set_time_driver(TimeDriver* driver) { driver_ = driver; }
  TimeDriver* time_driver() const { return driver_; }

 private:
  using Key = std::pair<TimeMs, uint64_t>;
  void move_clock_to(TimeMs when);
  TimeMs now_ms_ = 0;
  uint64_t next_sequence_ = 0;
  std::map<Key, std::function<void()>> events_;
  std::map<EventId, Key> keys_by_id_;
  std::map<ListenerId, ClockListener> clock_listeners_;
  ListenerId next_listener_id_ = 1;
  TimeDriver* driver_ = nullptr;
};

}  // namespace klab
