#include "base/scheduler.hpp"

#include <cassert>

namespace klab {

Scheduler::EventId Scheduler::schedule_at(TimeMs when, std::function<void()> action) {
  if (when < now_ms_) when = now_ms_;
  EventId id = next_sequence_++;
  Key key{when, id};
  events_.emplace(key, std::move(action));
  keys_by_id_.emplace(id, key);
  return id;
}

bool Scheduler::cancel(EventId id) {
  auto it = keys_by_id_.find(id);
  if (it == keys_by_id_.end()) return false;
  events_.erase(it->second);
  keys_by_id_.erase(it);
  return true;
}

Scheduler::ListenerId Scheduler::add_clock_listener(ClockListener listener) {
  const ListenerId id = next_listener_id_++;
  clock_listeners_.emplace(id, std::move(listener));
  return id;
}

void Scheduler::remove_clock_listener(ListenerId id) { clock_listeners_.erase(id); }

void Scheduler::move_clock_to(TimeMs when) {
  if (when <= now_ms_) return;
  const TimeMs from = now_ms_;
  for (auto it = clock_listeners_.begin(); it != clock_listeners_.end(); it = clock_listeners_.upper_bound(it->first))
    it->second(from, when);
  now_ms_ = when;
}

std::optional<TimeMs> Scheduler::next_event_time() const {
  if (events_.empty()) return std::nullopt;
  return events_.begin()->first.first;
}

bool Scheduler::run_next() {
  if (events_.empty()) return false;
  auto it = events_.begin();
  Key key = it->first;
  std::function<void()> action = std::move(it->second);
  events_.erase(it);
  keys_by_id_.erase(key.second);
  assert(key.first >= now_ms_);
  move_clock_to(key.first);
  action();
  return true;
}

void Scheduler::run_until(TimeMs when) {
  if (driver_) {
    driver_->run_until(*this, when, [] { return false; });
    return;
  }
  simulate_until(when);
}

bool Scheduler::run_until(TimeMs deadline, const std::function<bool()>& done) {
  if (driver_) return driver_->run_until(*this, deadline, done);
  return simulate_until(deadline, done);
}

bool Scheduler::run_until_done(const std::function<bool()>& done) {
  if (driver_) return driver_->run_until_done(*this, done);
  return simulate_until_done(done);
}

bool Scheduler::simulate_until_done(const std::function<bool()>& done) {
  while (!done() && run_next()) {
  }
  return done();
}

void Scheduler::simulate_until(TimeMs when) {
  while (!events_.empty() && events_.begin()->first.first <= when) run_next();
  move_clock_to(when);
}

bool Scheduler::simulate_until(TimeMs deadline, const std::function<bool()>& done) {
  while (!done()) {
    if (events_.empty() || events_.begin()->first.first > deadline) {
      move_clock_to(deadline);
      return done();
    }
    run_next();
  }
  return true;
}

}  // namespace klab
