// A broker meter as Kafka's server reports it (Yammer Metrics 2.2, the library behind every
// kafka.server "...PerSec" MBean): a count of events and, over the simulated clock,
//   MeanRate          count / seconds since the meter was created,
//   OneMinuteRate, FiveMinuteRate, FifteenMinuteRate
//                     exponentially weighted moving averages, ticked every 5 seconds from the
//                     meter's creation: at each tick the events since the last tick give an
//                     instant rate r = n / 5 s, and rate += alpha * (r - rate) with
//                     alpha = 1 - exp(-5 / (60 * minutes)); the first tick sets rate = r.
// Rates are per second. Nothing is scheduled: mark() only adds, after settling the ticks that
// are due (an integer compare on the hot path), and read() settles a copy, so a meter costs
// nothing while idle and its figures do not depend on how often anyone looks.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/scheduler.hpp"
#include "metrics/metric_sample.hpp"

namespace klab {

struct MeterReading {
  int64_t count = 0;
  double mean_rate = 0, one_minute_rate = 0, five_minute_rate = 0, fifteen_minute_rate = 0;
};

class Meter {
 public:
  static constexpr int64_t kTickIntervalMs = 5000;

  explicit Meter(TimeMs created_ms = 0) : created_ms_(created_ms), next_tick_ms_(created_ms + kTickIntervalMs) {}

  void mark(TimeMs now, int64_t events = 1) {
    if (now >= next_tick_ms_) tick_until(now);
    count_ += events;
    uncounted_ += events;
  }
  int64_t count() const { return count_; }
  TimeMs created_ms() const { return created_ms_; }
  MeterReading read(TimeMs now) const;
  // The meter's JMX attributes: Count as `name`, then name.MeanRate, name.OneMinuteRate, ...
  void publish(TimeMs now, const std::string& group, const std::string& name,
               const std::vector<std::pair<std::string, std::string>>& tags, std::vector<MetricSample>& out) const;

 private:
  struct MovingAverage {
    double rate = 0;  // events per ms
    bool initialized = false;
  };
  void tick_until(TimeMs now);

  TimeMs created_ms_;
  TimeMs next_tick_ms_;
  int64_t count_ = 0;
  int64_t uncounted_ = 0;  // events since the last tick
  MovingAverage averages_[3];  // 1, 5 and 15 minutes
};

}  // namespace klab
