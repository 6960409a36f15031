// Same seed, same script: the same member ids, generations, assignments and event timeline.
#include <doctest/doctest.h>

#include "group_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::string run_script(uint64_t seed, const std::string& strategy) {
  auto cluster = test::make_cluster(ClusterOptions{.seed = seed});
  test::make_topic(*cluster, "orders", 5, 3);
  test::fill(*cluster, "orders", 20);
  std::vector<std::unique_ptr<Consumer>> consumers;
  std::vector<Consumer*> running;
  for (int i = 0; i < 3; ++i) {
    consumers.push_back(test::group_consumer(*cluster, "g", {{"partition.assignment.strategy", str(strategy)}}));
    REQUIRE(consumers.back()->subscribe({"orders"}).ok());
    running.push_back(consumers.back().get());
    test::poll_together(*cluster, running, 2000);
  }
  test::poll_together(*cluster, running, 10000);
  consumers[1]->crash();
  running.erase(running.begin() + 1);
  test::poll_together(*cluster, running, 60000);
  std::string out;
  for (const auto& consumer : consumers) {
    out += consumer->member_id() + " gen " + std::to_string(consumer->generation()) + ":";
    for (const TopicPartition& tp : consumer->assignment()) out += " " + tp.to_string();
    out += "\n";
  }
  for (const ClusterEvent& event : cluster->events())
    out += std::to_string(event.time) + " " + event.kind + " " + event.description + "\n";
  return out;
}

}  // namespace

TEST_CASE("a group scenario replays byte for byte from its seed") {
  for (const char* strategy : {"range", "cooperative-sticky"}) {
    CAPTURE(strategy);
    const std::string first = run_script(7, strategy);
    CHECK(first == run_script(7, strategy));
    CHECK(first != run_script(8, strategy));  // other member ids
    CHECK(first.find("MemberSessionExpired") != std::string::npos);
  }
}
