#include "metrics/windowed_stat.hpp"

#include <algorithm>
#include <limits>

namespace klab {

void WindowedStat::record(TimeMs now, double value) {
  if (samples_.empty()) samples_.push_back(Sample{now});
  if (now - samples_[current_].start_ms >= window_.window_ms) {
    // The current sample is complete: move to the next slot (samples + 1 of them), recycling it.
    current_ = (current_ + 1) % static_cast<std::size_t>(window_.samples + 1);
    if (current_ >= samples_.size()) samples_.push_back(Sample{now});
    else samples_[current_] = Sample{now};
  }
  Sample& sample = samples_[current_];
  sample.max = sample.count == 0 ? value : std::max(sample.max, value);
  ++sample.count;
  sample.sum += value;
  total_ += value;
  ++total_count_;
}

double WindowedStat::avg(TimeMs now) const {
  double sum = 0;
  int64_t count = 0;
  for (const Sample& sample : samples_)
    if (live(sample, now)) {
      sum += sample.sum;
      count += sample.count;
    }
  return count == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(count);
}

double WindowedStat::max(TimeMs now) const {
  double largest = -std::numeric_limits<double>::infinity();
  int64_t count = 0;
  for (const Sample& sample : samples_)
    if (live(sample, now) && sample.count > 0) {
      largest = std::max(largest, sample.max);
      count += sample.count;
    }
  return count == 0 ? std::numeric_limits<double>::quiet_NaN() : largest;
}

// Kafka's Rate.windowSize: from the start of the oldest live sample (a stale one counts as
// starting now), at least samples - 1 whole windows.
double WindowedStat::window_seconds(TimeMs now) const {
  TimeMs oldest = now;
  for (const Sample& sample : samples_)
    if (live(sample, now)) oldest = std::min(oldest, sample.start_ms);
  int64_t elapsed = now - oldest;
  const int64_t full_windows = elapsed / window_.window_ms;
  const int64_t required = window_.samples - 1;
  if (full_windows < required) elapsed += (required - full_windows) * window_.window_ms;
  return static_cast<double>(elapsed) / 1000.0;
}

double WindowedStat::rate(TimeMs now) const {
  double sum = 0;
  for (const Sample& sample : samples_)
    if (live(sample, now)) sum += sample.sum;
  return sum / window_seconds(now);
}

double WindowedStat::count_rate(TimeMs now) const {
  int64_t count = 0;
  for (const Sample& sample : samples_)
    if (live(sample, now)) count += sample.count;
  return static_cast<double>(count) / window_seconds(now);
}

}  // namespace klab
