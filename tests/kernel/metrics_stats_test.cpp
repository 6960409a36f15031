// The arithmetic of kernel/metrics against Kafka's: Yammer meters (ticks every 5 s, EWMA with
// alpha = 1 - exp(-5/60/minutes)), Yammer histogram percentiles (position q * (n + 1)), and Kafka's
// client sensors (metrics.num.samples windows of metrics.sample.window.ms; Rate.windowSize).
#include <doctest/doctest.h>

#include <cmath>

#include "metrics/histogram.hpp"
#include "metrics/meter.hpp"
#include "metrics/windowed_stat.hpp"

using namespace klab;

namespace {
double alpha(double minutes) { return 1.0 - std::exp(-5.0 / 60.0 / minutes); }
}  // namespace

TEST_CASE("a meter's moving averages start at the first tick's rate and decay while idle") {
  Meter meter(0);
  for (TimeMs t = 0; t < 5000; t += 10) meter.mark(t, 1);  // 500 events in the first 5 s
  MeterReading before_tick = meter.read(4999);
  CHECK(before_tick.count == 500);
  CHECK(before_tick.one_minute_rate == 0);  // no tick yet
  MeterReading at_tick = meter.read(5000);
  CHECK(at_tick.one_minute_rate == doctest::Approx(100.0));
  CHECK(at_tick.five_minute_rate == doctest::Approx(100.0));
  CHECK(at_tick.mean_rate == doctest::Approx(100.0));
  // Twelve idle ticks later (one minute): each tick multiplies by 1 - alpha.
  MeterReading later = meter.read(65000);
  CHECK(later.one_minute_rate == doctest::Approx(100.0 * std::pow(1 - alpha(1), 12)));
  CHECK(later.fifteen_minute_rate == doctest::Approx(100.0 * std::pow(1 - alpha(15), 12)));
  CHECK(later.mean_rate == doctest::Approx(500.0 / 65.0));
  CHECK(later.count == 500);
}

TEST_CASE("a meter reads the same however often it is read, and catches up after a long idle time") {
  Meter watched(0), unwatched(0);
  for (TimeMs t = 0; t < 60000; t += 700) {
    watched.mark(t, 3);
    unwatched.mark(t, 3);
    (void)watched.read(t);
  }
  CHECK(watched.read(61000).one_minute_rate == unwatched.read(61000).one_minute_rate);
  // A week idle: the average has decayed to nothing; the count stays.
  MeterReading week = unwatched.read(7LL * 24 * 3600 * 1000);
  CHECK(week.one_minute_rate < 1e-9);
  CHECK(week.count == unwatched.count());
}

TEST_CASE("an event marked at a tick's instant counts in the next interval; the first tick starts the average") {
  Meter meter(0);
  meter.mark(5000, 10);
  CHECK(meter.read(5000).one_minute_rate == 0);  // the tick at 5000 saw no event: the average starts at 0
  CHECK(meter.read(10000).one_minute_rate == doctest::Approx(alpha(1) * 2.0));  // then moves towards 10 / 5 s
}

TEST_CASE("histogram percentiles interpolate at q * (n + 1) as Yammer's snapshot does") {
  Histogram histogram;
  CHECK(histogram.percentile(0.5) == 0);
  CHECK(histogram.mean() == 0);
  for (int64_t value = 1; value <= 100; ++value) histogram.update(value);
  CHECK(histogram.count() == 100);
  CHECK(histogram.min() == 1);
  CHECK(histogram.max() == 100);
  CHECK(histogram.mean() == doctest::Approx(50.5));
  CHECK(histogram.percentile(0.5) == doctest::Approx(50.5));
  CHECK(histogram.percentile(0.99) == doctest::Approx(99.99));
  CHECK(histogram.percentile(0.999) == 100);  // position beyond n: the largest
  CHECK(histogram.percentile(0.001) == 1);    // position below 1: the smallest
  Histogram repeated;
  for (int i = 0; i < 9; ++i) repeated.update(4);
  repeated.update(40);
  CHECK(repeated.percentile(0.5) == 4);
  CHECK(repeated.percentile(0.95) == 40);
}

TEST_CASE("a client rate divides by at least one whole window: metrics.num.samples - 1") {
  WindowedStat stat(MetricWindow{30000, 2});
  for (TimeMs t = 0; t < 5000; t += 5) stat.record(t, 1);  // 1000 in the first 5 s
  CHECK(stat.rate(5000) == doctest::Approx(1000.0 / 35.0));
  CHECK(stat.count_rate(5000) == doctest::Approx(1000.0 / 35.0));
  CHECK(stat.avg(5000) == 1);
  CHECK(stat.total() == 1000);
  // 40 s in: the sample started at 0 is still live (younger than 2 x 30 s); one full window passed.
  CHECK(stat.rate(40000) == doctest::Approx(1000.0 / 40.0));
  // 60 s after its start the sample is obsolete: nothing left to average.
  CHECK(stat.rate(60000) == 0);
  CHECK(std::isnan(stat.avg(60000)));
  CHECK(std::isnan(stat.max(60000)));
  CHECK(stat.total() == 1000);
}

TEST_CASE("a client sensor moves to a new sample each window and recycles the oldest") {
  WindowedStat stat(MetricWindow{1000, 2});
  stat.record(0, 5);
  stat.record(1000, 7);   // new sample at 1000
  stat.record(2000, 9);   // new sample at 2000 (three slots: samples + 1)
  CHECK(stat.max(2000) == 9);
  CHECK(stat.avg(2000) == doctest::Approx(8.0));  // the sample of t=0 is 2 s old: obsolete
  stat.record(3000, 1);   // recycles the slot of t=0
  CHECK(stat.avg(3000) == doctest::Approx(5.0));  // samples of 2000 and 3000
  CHECK(stat.max(3500) == 9);
  CHECK(stat.rate(3500) == doctest::Approx(10.0 / 1.5));  // from the start of the 2000 sample
  CHECK(stat.total_count() == 4);
}
