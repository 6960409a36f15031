// What one broker measures about itself, as Kafka's server names it (Yammer meters, histograms and
// gauges; kernel/metrics has the arithmetic). The cluster owns one per broker, marks it where the
// broker does the work, and publishes it through its MetricsRegistry (cluster_metrics.cpp):
//   kafka.server:type=BrokerTopicMetrics   BytesInPerSec, BytesOutPerSec, MessagesInPerSec
//                                          (all topics; per topic in Topic::broker_meters)
//   kafka.server:type=ReplicaManager       IsrShrinksPerSec, IsrExpandsPerSec (marked by the
//                                          partition's leader when its AlterPartition succeeds)
//   kafka.controller:type=ControllerStats  LeaderElectionRateAndTimeMs, UncleanLeaderElectionsPerSec
//                                          (marked on the broker that is the active controller)
//   kafka.network:type=RequestMetrics      RequestsPerSec, TotalTimeMs per request name
// A restarted broker starts with new meters, as a new JVM does.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "base/scheduler.hpp"
#include "metrics/histogram.hpp"
#include "metrics/meter.hpp"

namespace klab {

// The request names of kafka.network:type=RequestMetrics that klab serves. A fetch counts under
// Fetch and under FetchConsumer or FetchFollower, as Kafka's RequestChannel counts it.
enum class RequestName { Produce, Fetch, FetchConsumer, FetchFollower };
inline constexpr std::array<RequestName, 4> kRequestNames = {RequestName::Produce, RequestName::Fetch,
                                                            RequestName::FetchConsumer, RequestName::FetchFollower};
std::string_view request_name(RequestName name);
// The `version` tag of RequestsPerSec: the newest version a Kafka 3.7 client and broker agree on.
int32_t request_version(RequestName name);

struct RequestMetrics {
  explicit RequestMetrics(TimeMs now) : requests(now) {}
  Meter requests;          // RequestsPerSec
  Histogram total_time_ms;  // TotalTimeMs: arrival at the broker to response sent (simulated ms)
};

// BytesInPerSec, BytesOutPerSec, MessagesInPerSec for one broker (all topics, or one topic).
struct BrokerTopicMeters {
  explicit BrokerTopicMeters(TimeMs now) : bytes_in(now), bytes_out(now), messages_in(now) {}
  Meter bytes_in, bytes_out, messages_in;
};

struct BrokerMetrics {
  explicit BrokerMetrics(TimeMs now)
      : all_topics(now), isr_shrinks(now), isr_expands(now), leader_elections(now), unclean_elections(now),
        requests{RequestMetrics(now), RequestMetrics(now), RequestMetrics(now), RequestMetrics(now)} {}
  RequestMetrics& request(RequestName name) { return requests[static_cast<std::size_t>(name)]; }
  const RequestMetrics& request(RequestName name) const { return requests[static_cast<std::size_t>(name)]; }

  BrokerTopicMeters all_topics;
  Meter isr_shrinks, isr_expands;
  Meter leader_elections, unclean_elections;
  std::array<RequestMetrics, 4> requests;
};

}  // namespace klab
