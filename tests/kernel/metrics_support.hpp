// Looking up one metric sample in a cluster's registry by group, name and tags.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/cluster.hpp"

namespace klab::test {

using Tags = std::vector<std::pair<std::string, std::string>>;

inline std::optional<double> find_sample(const std::vector<MetricSample>& samples, const std::string& group,
                                         const std::string& name, const Tags& tags) {
  for (const MetricSample& sample : samples)
    if (sample.group == group && sample.name == name && sample.tags == tags) return sample.value;
  return std::nullopt;
}

// The value now; fails the test when no such sample is published.
inline double sample_value(const Cluster& cluster, const std::string& group, const std::string& name, const Tags& tags) {
  const std::optional<double> value = find_sample(cluster.metrics_registry().collect(cluster.now()), group, name, tags);
  INFO("metric " << group << " " << name);
  REQUIRE(value.has_value());
  return *value;
}

}  // namespace klab::test
