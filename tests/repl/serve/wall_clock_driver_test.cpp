// The TimeDriver seam and the wall-clock driver: without a driver the scheduler is the pure simulation;
// with the wall-clock driver simulated time follows real time (only bounds and order are asserted, never
// an exact wall time), waiting calls pump I/O meanwhile, and pause() freezes the clock.
#include <doctest/doctest.h>

#include <poll.h>

#include <limits>
#include <vector>

#include "base/scheduler.hpp"
#include "serve/wall_clock_driver.hpp"

namespace {

using klab::Scheduler;
using klab::TimeMs;
using klab::serve::WallClockDriver;

void sleep_ms(int ms) { ::poll(nullptr, 0, ms); }

struct Driven {
  Scheduler scheduler;
  int pumps = 0;
  WallClockDriver driver{scheduler, [this](int timeout_ms) {
                           ++pumps;
                           sleep_ms(timeout_ms);
                         }};
  Driven() { scheduler.set_time_driver(&driver); }
  ~Driven() { scheduler.set_time_driver(nullptr); }
};

// A driver that records what it was asked and then simulates, as the default does.
struct RecordingDriver : klab::TimeDriver {
  std::vector<TimeMs> deadlines;
  int until_done = 0;
  bool run_until(Scheduler& s, TimeMs deadline, const std::function<bool()>& done) override {
    deadlines.push_back(deadline);
    return s.simulate_until(deadline, done);
  }
  bool run_until_done(Scheduler& s, const std::function<bool()>& done) override {
    ++until_done;
    return s.simulate_until_done(done);
  }
};

}  // namespace

TEST_CASE("time driver: the scheduler hands its waiting calls to an installed driver, and simulates without one") {
  Scheduler scheduler;
  RecordingDriver driver;
  std::vector<int> ran;
  scheduler.schedule_at(10, [&] { ran.push_back(10); });
  scheduler.schedule_at(20, [&] { ran.push_back(20); });
  scheduler.set_time_driver(&driver);
  scheduler.run_until(15);
  CHECK(driver.deadlines == std::vector<TimeMs>{15});
  CHECK(scheduler.run_until_done([&] { return ran.size() == 2; }));
  CHECK(driver.until_done == 1);
  scheduler.set_time_driver(nullptr);
  scheduler.schedule_at(30, [&] { ran.push_back(30); });
  scheduler.run_until(100);
  CHECK(ran == std::vector<int>{10, 20, 30});
  CHECK(scheduler.now() == 100);
  CHECK(driver.deadlines.size() == 1);
}

TEST_CASE("time driver: run_until_done without a driver stops when nothing is left, leaving the clock") {
  Scheduler scheduler;
  scheduler.schedule_at(7, [] {});
  CHECK_FALSE(scheduler.run_until_done([] { return false; }));
  CHECK(scheduler.now() == 7);
}

TEST_CASE("wall clock: advancing waits in real time and runs each event no earlier than its wall time") {
  Driven driven;
  const int64_t start = WallClockDriver::steady_ms();
  int64_t ran_at = -1;
  driven.scheduler.schedule_after(40, [&] { ran_at = WallClockDriver::steady_ms(); });
  driven.scheduler.run_until(driven.scheduler.now() + 80);
  const int64_t elapsed = WallClockDriver::steady_ms() - start;
  CHECK(elapsed >= 79);
  CHECK(elapsed < 5000);
  REQUIRE(ran_at >= 0);
  CHECK(ran_at - start >= 39);
  CHECK(driven.scheduler.now() >= 80);
  CHECK(driven.pumps >= 2);  // slept until the event, then until the deadline
  CHECK(driven.pumps < 40);  // no busy loop
}

TEST_CASE("wall clock: idle, the clock catches up with the wall and poll may sleep until the next event") {
  Driven driven;
  CHECK(driven.driver.idle_timeout_ms() == -1);
  driven.scheduler.schedule_after(1000, [] {});
  const int timeout = driven.driver.idle_timeout_ms();
  CHECK(timeout > 900);
  CHECK(timeout <= 1000);
  sleep_ms(30);
  driven.driver.catch_up();
  CHECK(driven.scheduler.now() >= 29);
  CHECK(driven.scheduler.now() < 1000);
  CHECK(driven.scheduler.pending_events() == 1);
}

TEST_CASE("wall clock: a waiting call ends when its condition holds, not at its deadline") {
  Driven driven;
  bool answered = false;
  driven.scheduler.schedule_after(20, [&] { answered = true; });
  const int64_t start = WallClockDriver::steady_ms();
  CHECK(driven.scheduler.run_until(1'000'000, [&] { return answered; }));
  CHECK(WallClockDriver::steady_ms() - start < 900);
  CHECK(driven.scheduler.run_until_done([&] { return answered; }));
}

TEST_CASE("wall clock: an interrupted wait gives up early with its condition false") {
  Driven driven;
  driven.driver.set_interrupted_check([] { return true; });
  const int64_t start = WallClockDriver::steady_ms();
  CHECK_FALSE(driven.scheduler.run_until(60'000, [] { return false; }));
  CHECK(WallClockDriver::steady_ms() - start < 5000);
}

TEST_CASE("wall clock: a far deadline does not overflow") {
  Driven driven;
  driven.driver.set_interrupted_check([] { return true; });
  CHECK_FALSE(driven.scheduler.run_until(std::numeric_limits<TimeMs>::max(), [] { return false; }));
  CHECK(driven.scheduler.now() < 5000);
  driven.scheduler.schedule_at(std::numeric_limits<TimeMs>::max(), [] {});
  CHECK(driven.driver.idle_timeout_ms() > 0);
}

TEST_CASE("wall clock: pause freezes simulated time; advancing while paused steps at once; resume follows the wall again") {
  Driven driven;
  driven.driver.set_paused(true);
  CHECK(driven.driver.paused());
  const TimeMs frozen = driven.scheduler.now();
  sleep_ms(40);
  driven.driver.catch_up();
  CHECK(driven.scheduler.now() == frozen);
  const int64_t start = WallClockDriver::steady_ms();
  driven.scheduler.run_until(frozen + 10'000);
  CHECK(WallClockDriver::steady_ms() - start < 1000);
  CHECK(driven.scheduler.now() == frozen + 10'000);
  driven.driver.set_paused(false);
  sleep_ms(30);
  driven.driver.catch_up();
  CHECK(driven.scheduler.now() >= frozen + 10'029);
  CHECK(driven.scheduler.now() < frozen + 15'000);
}
