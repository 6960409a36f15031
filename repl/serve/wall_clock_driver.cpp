// Simulated time that follows the wall clock (see wall_clock_driver.hpp).
#include "serve/wall_clock_driver.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

namespace klab::serve {
namespace {

constexpr int64_t kMaxSleepMs = 60'000;  // poll(2) takes an int; wake up now and then anyway

int clamp_timeout(int64_t ms) { return static_cast<int>(std::clamp<int64_t>(ms, 0, kMaxSleepMs)); }

}  // namespace

int64_t WallClockDriver::steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

WallClockDriver::WallClockDriver(Scheduler& scheduler, Pump pump, WallClock clock)
    : scheduler_(scheduler), pump_(std::move(pump)), clock_(std::move(clock)) {
  anchor_wall_ = clock_();
  anchor_sim_ = scheduler_.now();
}

TimeMs WallClockDriver::wall_time() const {
  if (paused_) return scheduler_.now();
  const int64_t elapsed = std::max<int64_t>(0, clock_() - anchor_wall_);
  if (anchor_sim_ > std::numeric_limits<TimeMs>::max() - elapsed) return std::numeric_limits<TimeMs>::max();
  return std::max(scheduler_.now(), anchor_sim_ + elapsed);
}

void WallClockDriver::set_paused(bool paused) {
  if (paused == paused_) return;
  if (paused) catch_up();
  paused_ = paused;
  anchor_wall_ = clock_();
  anchor_sim_ = scheduler_.now();
}

void WallClockDriver::catch_up() {
  if (!paused_) scheduler_.simulate_until(wall_time());
}

int WallClockDriver::idle_timeout_ms() const {
  std::optional<TimeMs> next = scheduler_.next_event_time();
  if (paused_ || !next) return -1;
  return clamp_timeout(*next - wall_time());
}

void WallClockDriver::wait_for(TimeMs wake) {
  if (std::optional<TimeMs> next = scheduler_.next_event_time()) wake = std::min(wake, *next);
  pump_(clamp_timeout(wake - wall_time()));
}

bool WallClockDriver::run_until(Scheduler& scheduler, TimeMs deadline, const std::function<bool()>& done) {
  for (;;) {
    if (paused_) return scheduler.simulate_until(deadline, done);
    const TimeMs target = std::min(wall_time(), deadline);
    if (scheduler.simulate_until(target, done)) return true;
    if (target >= deadline || interrupted()) return false;
    wait_for(deadline);
  }
}

bool WallClockDriver::run_until_done(Scheduler& scheduler, const std::function<bool()>& done) {
  for (;;) {
    if (paused_) return scheduler.simulate_until_done(done);
    if (done()) return true;
    std::optional<TimeMs> next = scheduler.next_event_time();
    if (!next || interrupted()) return false;
    if (run_until(scheduler, *next, done)) return true;
  }
}

}  // namespace klab::serve
