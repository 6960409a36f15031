#include "metrics/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace klab {

void Histogram::update(int64_t value) {
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = count_ == 0 ? value : std::max(max_, value);
  ++count_;
  sum_ += value;
  ++counts_[value];
}

int64_t Histogram::value_at(int64_t index) const {
  int64_t seen = 0;
  for (const auto& [value, times] : counts_) {
    seen += times;
    if (index < seen) return value;
  }
  return max_;
}

double Histogram::percentile(double quantile) const {
  if (count_ == 0) return 0.0;
  const double position = quantile * static_cast<double>(count_ + 1);
  if (position < 1) return static_cast<double>(min_);
  if (position >= static_cast<double>(count_)) return static_cast<double>(max_);
  const auto index = static_cast<int64_t>(position);
  const double lower = static_cast<double>(value_at(index - 1));
  const double upper = static_cast<double>(value_at(index));
  return lower + (position - std::floor(position)) * (upper - lower);
}

void Histogram::publish(const std::string& group, const std::string& name,
                        const std::vector<std::pair<std::string, std::string>>& tags,
                        std::vector<MetricSample>& out) const {
  out.push_back(MetricSample{group, name, tags, static_cast<double>(count_)});
  out.push_back(MetricSample{group, name + ".Min", tags, min()});
  out.push_back(MetricSample{group, name + ".Max", tags, max()});
  out.push_back(MetricSample{group, name + ".Mean", tags, mean()});
  const std::pair<const char*, double> percentiles[] = {{".50thPercentile", 0.50}, {".75thPercentile", 0.75},
                                                        {".95thPercentile", 0.95}, {".98thPercentile", 0.98},
                                                        {".99thPercentile", 0.99}, {".999thPercentile", 0.999}};
  for (const auto& [attribute, quantile] : percentiles)
    out.push_back(MetricSample{group, name + attribute, tags, percentile(quantile)});
}

}  // namespace klab
