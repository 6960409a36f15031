#include "metrics/meter.hpp"

#include <algorithm>
#include <cmath>

namespace klab {

namespace {

constexpr double kMinutes[3] = {1, 5, 15};

double alpha(int index) { return 1.0 - std::exp(-5.0 / 60.0 / kMinutes[index]); }

}  // namespace

// Settles every tick at or before `now`: the first one takes the events counted since the last
// tick; any further ones saw no events and only decay the averages (in closed form, so a meter
// idle for simulated days catches up in constant time).
void Meter::tick_until(TimeMs now) {
  const int64_t ticks = (now - next_tick_ms_) / kTickIntervalMs + 1;
  const double instant_rate = static_cast<double>(uncounted_) / static_cast<double>(kTickIntervalMs);
  for (int i = 0; i < 3; ++i) {
    MovingAverage& average = averages_[i];
    if (average.initialized) average.rate += alpha(i) * (instant_rate - average.rate);
    else average = MovingAverage{instant_rate, true};
    if (ticks > 1) average.rate *= std::pow(1.0 - alpha(i), static_cast<double>(ticks - 1));
  }
  uncounted_ = 0;
  next_tick_ms_ += ticks * kTickIntervalMs;
}

MeterReading Meter::read(TimeMs now) const {
  Meter settled = *this;
  if (now >= settled.next_tick_ms_) settled.tick_until(now);
  MeterReading reading;
  reading.count = count_;
  const double elapsed_seconds = static_cast<double>(std::max<TimeMs>(1, now - created_ms_)) / 1000.0;
  reading.mean_rate = count_ == 0 ? 0.0 : static_cast<double>(count_) / elapsed_seconds;
  reading.one_minute_rate = settled.averages_[0].rate * 1000.0;
  reading.five_minute_rate = settled.averages_[1].rate * 1000.0;
  reading.fifteen_minute_rate = settled.averages_[2].rate * 1000.0;
  return reading;
}

void Meter::publish(TimeMs now, const std::string& group, const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& tags,
                    std::vector<MetricSample>& out) const {
  const MeterReading reading = read(now);
  out.push_back(MetricSample{group, name, tags, static_cast<double>(reading.count)});
  const std::pair<const char*, double> attributes[] = {
      {".MeanRate", reading.mean_rate},
      {".OneMinuteRate", reading.one_minute_rate},
      {".FiveMinuteRate", reading.five_minute_rate},
      {".FifteenMinuteRate", reading.fifteen_minute_rate},
  };
  for (const auto& [attribute, value] : attributes) out.push_back(MetricSample{group, name + attribute, tags, value});
}

}  // namespace klab
