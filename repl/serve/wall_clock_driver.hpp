// The TimeDriver of `klab serve`: simulated time follows the wall clock at rate 1 from the moment it is
// installed. A waiting call (c:advance(ms), a synchronous send, a consumer poll) waits that long in real
// time while the pump keeps the sockets served; idle, the event loop sleeps in poll(2) until the next
// event's wall time. pause() freezes the clock on purpose: while paused the clock moves only when a
// call asks it to, at once, as in a pure simulation; resume() makes it follow the wall from there on.
//
// Invariants:
//  1. Sim time never runs ahead of the wall by itself: the clock is at most anchor_sim + elapsed wall ms
//     (except for steps taken while paused, after which resume() re-anchors).
//  2. No busy loop: every wait is a pump call with a timeout until the next thing due.
//  3. No overflow: deadlines up to INT64_MAX are compared, never added to.
#pragma once
#include <cstdint>
#include <functional>

#include "base/scheduler.hpp"
#include "base/time_driver.hpp"

namespace klab::serve {

class WallClockDriver final : public TimeDriver {
 public:
  using Pump = std::function<void(int timeout_ms)>;  // waits for I/O at most timeout_ms, serves it
  using WallClock = std::function<int64_t()>;        // monotonic milliseconds
  static int64_t steady_ms();

  WallClockDriver(Scheduler& scheduler, Pump pump, WallClock clock = steady_ms);
  WallClockDriver(const WallClockDriver&) = delete;
  WallClockDriver& operator=(const WallClockDriver&) = delete;

  bool run_until(Scheduler& scheduler, TimeMs deadline, const std::function<bool()>& done) override;
  bool run_until_done(Scheduler& scheduler, const std::function<bool()>& done) override;
  bool can_pause() const override { return true; }
  void set_paused(bool paused) override;
  bool paused() const override { return paused_; }

  // A waiting call gives up early (its done() stays false) once this says so (Ctrl-C, SIGTERM).
  void set_interrupted_check(std::function<bool()> check) { interrupted_ = std::move(check); }

  // What the simulated clock should read now (the current time while paused).
  TimeMs wall_time() const;
  // Runs every event the wall clock says is due and moves the clock to the wall's time.
  void catch_up();
  // How long poll(2) may sleep: ms until the next event is due (-1: nothing scheduled, or paused).
  int idle_timeout_ms() const;

 private:
  bool interrupted() const { return interrupted_ && interrupted_(); }
  void wait_for(TimeMs wake);  // one pump call until `wake` (sim ms) at most

  Scheduler& scheduler_;
  Pump pump_;
  WallClock clock_;
  std::function<bool()> interrupted_;
  int64_t anchor_wall_ = 0;
  TimeMs anchor_sim_ = 0;
  bool paused_ = false;
};

}  // namespace klab::serve
