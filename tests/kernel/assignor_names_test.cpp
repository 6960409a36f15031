// Assignors are named by their protocol names and by the Java class names that
// partition.assignment.strategy lists.
#include <doctest/doctest.h>

#include "group/assignment.hpp"

using namespace klab::group;

TEST_CASE("assignors are found by protocol name and by Java class name, and nothing else") {
  CHECK(assignor_from_name("range") == AssignorKind::Range);
  CHECK(assignor_from_name("roundrobin") == AssignorKind::RoundRobin);
  CHECK(assignor_from_name("sticky") == AssignorKind::Sticky);
  CHECK(assignor_from_name("cooperative-sticky") == AssignorKind::CooperativeSticky);
  CHECK(assignor_from_name("org.apache.kafka.clients.consumer.RangeAssignor") == AssignorKind::Range);
  CHECK(assignor_from_name("org.apache.kafka.clients.consumer.RoundRobinAssignor") == AssignorKind::RoundRobin);
  CHECK(assignor_from_name("org.apache.kafka.clients.consumer.StickyAssignor") == AssignorKind::Sticky);
  CHECK(assignor_from_name("org.apache.kafka.clients.consumer.CooperativeStickyAssignor") ==
        AssignorKind::CooperativeSticky);
  CHECK(assignor_from_name("round-robin") == std::nullopt);
  CHECK(assignor_from_name("Range") == std::nullopt);
  CHECK(assignor_from_name("RangeAssignor") == std::nullopt);
  CHECK(assignor_from_name("") == std::nullopt);
}

TEST_CASE("assignor names round-trip and only cooperative-sticky is cooperative") {
  for (AssignorKind kind : {AssignorKind::Range, AssignorKind::RoundRobin, AssignorKind::Sticky,
                            AssignorKind::CooperativeSticky}) {
    CHECK(assignor_from_name(assignor_name(kind)) == kind);
    CHECK(is_cooperative(kind) == (kind == AssignorKind::CooperativeSticky));
  }
}
