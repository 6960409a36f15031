#include "metrics/metrics_registry.hpp"

namespace klab {

MetricsRegistry::SourceId MetricsRegistry::add_source(Source source) {
  const SourceId id = next_id_++;
  sources_.emplace(id, std::move(source));
  return id;
}

void MetricsRegistry::remove_source(SourceId id) { sources_.erase(id); }

std::vector<MetricSample> MetricsRegistry::collect(TimeMs now) const {
  std::vector<MetricSample> out;
  for (const auto& [id, source] : sources_) source(now, out);
  return out;
}

}  // namespace klab
