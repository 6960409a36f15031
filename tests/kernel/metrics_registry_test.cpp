// The metrics registry: sources are asked at collection time, in the order they were added, and a
// removed source is never asked again.
#include <doctest/doctest.h>

#include <memory>

#include "cluster/cluster.hpp"
#include "metrics/metrics_registry.hpp"

using namespace klab;

TEST_CASE("a registry collects every source at the time asked, in the order added") {
  MetricsRegistry registry;
  int asked = 0;
  registry.add_source([&](TimeMs now, std::vector<MetricSample>& out) {
    ++asked;
    out.push_back({"g", "first", {{"client-id", "p-1"}}, static_cast<double>(now)});
  });
  const auto second = registry.add_source(
      [](TimeMs, std::vector<MetricSample>& out) { out.push_back({"g", "second", {}, 2}); });
  CHECK(asked == 0);
  auto samples = registry.collect(1500);
  REQUIRE(samples.size() == 2);
  CHECK(samples[0].name == "first");
  CHECK(samples[0].value == 1500);
  CHECK(samples[0].tags.front().second == "p-1");
  CHECK(samples[1].name == "second");
  registry.remove_source(second);
  samples = registry.collect(1600);
  REQUIRE(samples.size() == 1);
  CHECK(asked == 2);
}

TEST_CASE("a cluster publishes its controller metrics through its registry") {
  ClusterOptions options;
  options.brokers = 3;
  auto cluster = std::move(Cluster::create(options).value());
  const auto samples = cluster->metrics_registry().collect(cluster->now());
  int reporting = 0;
  double active = 0;
  for (const auto& sample : samples)
    if (sample.name == "ActiveControllerCount") {
      ++reporting;
      active += sample.value;
      CHECK(sample.group == "kafka.controller:type=KafkaController");
      CHECK(sample.tags.front().first == "broker");
    }
  CHECK(reporting == 3);  // every broker reports it: 1 on the active controller, 0 elsewhere
  CHECK(active == 1);
}
