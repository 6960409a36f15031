// The simulated clock: events run in (time, insertion) order, can be cancelled, and the clock
// only moves forward, to an event's time or to the end of a run_until.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/rng.hpp"
#include "base/scheduler.hpp"

using namespace klab;

TEST_CASE("events run by time, and in insertion order at the same time") {
  Scheduler scheduler;
  std::vector<std::string> log;
  auto note = [&](std::string what) { return [&log, what, &scheduler] { log.push_back(what + "@" + std::to_string(scheduler.now())); }; };
  scheduler.schedule_at(10, note("c"));
  scheduler.schedule_at(5, note("a"));
  scheduler.schedule_at(10, note("d"));
  scheduler.schedule_after(5, note("b"));  // also at 5, scheduled after "a"
  CHECK(scheduler.pending_events() == 4);
  CHECK(scheduler.next_event_time() == 5);
  while (scheduler.run_next()) {
  }
  CHECK(log == std::vector<std::string>{"a@5", "b@5", "c@10", "d@10"});
  CHECK(scheduler.now() == 10);
  CHECK_FALSE(scheduler.run_next());
  CHECK_FALSE(scheduler.next_event_time().has_value());
}

TEST_CASE("an event scheduled from inside an event for the same time runs after those already queued") {
  Scheduler scheduler;
  std::vector<int> order;
  scheduler.schedule_at(1, [&] {
    order.push_back(1);
    scheduler.schedule_after(0, [&] { order.push_back(3); });
  });
  scheduler.schedule_at(1, [&] { order.push_back(2); });
  scheduler.run_until(1);
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("a cancelled event does not run; cancelling twice or an unknown id is refused") {
  Scheduler scheduler;
  int runs = 0;
  Scheduler::EventId first = scheduler.schedule_at(3, [&] { runs += 1; });
  scheduler.schedule_at(4, [&] { runs += 10; });
  CHECK(scheduler.cancel(first));
  CHECK_FALSE(scheduler.cancel(first));
  CHECK_FALSE(scheduler.cancel(12345));
  CHECK(scheduler.pending_events() == 1);
  scheduler.run_until(100);
  CHECK(runs == 10);
  Scheduler::EventId done = scheduler.schedule_after(1, [] {});
  scheduler.run_until(200);
  CHECK_FALSE(scheduler.cancel(done));  // already ran
}

TEST_CASE("run_until runs what is due and moves the clock to the given time") {
  Scheduler scheduler;
  std::vector<TimeMs> seen;
  for (TimeMs t : {5, 15, 25}) scheduler.schedule_at(t, [&] { seen.push_back(scheduler.now()); });
  scheduler.run_until(15);
  CHECK(seen == std::vector<TimeMs>{5, 15});
  CHECK(scheduler.now() == 15);
  scheduler.run_until(20);
  CHECK(scheduler.now() == 20);
  CHECK(scheduler.pending_events() == 1);
  scheduler.run_until(10);  // never backwards
  CHECK(scheduler.now() == 20);
  Scheduler empty;
  empty.run_until(1000);
  CHECK(empty.now() == 1000);
}

TEST_CASE("an event scheduled in the past runs now") {
  Scheduler scheduler;
  scheduler.run_until(50);
  TimeMs ran_at = -1;
  scheduler.schedule_at(10, [&] { ran_at = scheduler.now(); });
  CHECK(scheduler.next_event_time() == 50);
  scheduler.run_next();
  CHECK(ran_at == 50);
}

TEST_CASE("run_until with a condition stops at the event that satisfies it, or gives up at the deadline") {
  Scheduler scheduler;
  bool arrived = false;
  scheduler.schedule_at(30, [&] { arrived = true; });
  scheduler.schedule_at(40, [] {});
  SUBCASE("satisfied at 30: the clock stays at 30 and the later event waits") {
    CHECK(scheduler.run_until(100, [&] { return arrived; }));
    CHECK(scheduler.now() == 30);
    CHECK(scheduler.pending_events() == 1);
  }
  SUBCASE("deadline 20 comes first: false, the clock at 20") {
    CHECK_FALSE(scheduler.run_until(20, [&] { return arrived; }));
    CHECK(scheduler.now() == 20);
    CHECK(scheduler.pending_events() == 2);
  }
  SUBCASE("already satisfied: nothing runs") {
    arrived = true;
    CHECK(scheduler.run_until(100, [&] { return arrived; }));
    CHECK(scheduler.now() == 0);
  }
}

TEST_CASE("the seeded RNG repeats its sequence and stays in range") {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.next_u64();
    CHECK(x == b.next_u64());
    differs = differs || x != c.next_u64();
  }
  CHECK(differs);
  CHECK(Rng(0).next_u64() == std::mt19937_64(0)());  // std::mt19937_64 is fully specified
  std::vector<int> histogram(7);
  for (int i = 0; i < 7000; ++i) {
    int32_t draw = a.uniform_int(7);
    REQUIRE(draw >= 0);
    REQUIRE(draw < 7);
    ++histogram[static_cast<std::size_t>(draw)];
  }
  for (int count : histogram) CHECK(count > 800);
  for (int i = 0; i < 1000; ++i) {
    double unit = a.uniform_unit();
    CHECK(unit >= 0.0);
    CHECK(unit < 1.0);
  }
}
