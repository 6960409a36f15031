// Cycle detection over sub-topologies linked by topics. Both KafkaStreams::start() and the test
// driver refuse a cycle: every record would come back to be processed again, without end, and a
// student's laptop would run out of memory before anything useful is printed.
#include <fmt/format.h>

#include <functional>

#include "streams/topology.hpp"

namespace klab::streams {

std::optional<std::string> Topology::find_cycle() const {
  std::map<std::string, int> reader;
  for (const SubTopology& sub : subtopologies_)
    for (const std::string& topic : sub.source_topics) reader[topic] = sub.id;
  std::vector<int> mark(subtopologies_.size(), 0);  // 0 new, 1 on the path, 2 done
  std::string where;
  std::function<bool(int)> visit = [&](int id) {
    mark[static_cast<std::size_t>(id)] = 1;
    for (const std::string& topic : subtopologies_[static_cast<std::size_t>(id)].sink_topics) {
      auto next = reader.find(topic);
      if (next == reader.end()) continue;
      int target = next->second;
      if (mark[static_cast<std::size_t>(target)] == 1) {
        where = target == id ? fmt::format("sub-topology {} writes to topic {}, which it reads itself", id, topic)
                             : fmt::format("sub-topology {} writes to topic {}, which leads back to sub-topology {}",
                                           id, topic, target);
        return true;
      }
      if (mark[static_cast<std::size_t>(target)] == 0 && visit(target)) return true;
    }
    mark[static_cast<std::size_t>(id)] = 2;
    return false;
  };
  for (const SubTopology& sub : subtopologies_)
    if (mark[static_cast<std::size_t>(sub.id)] == 0 && visit(sub.id))
      return fmt::format(
          "TopologyException: Invalid topology: a cycle: {}. Every record would come back to be processed again, "
          "forever; write to another topic.",
          where);
  return std::nullopt;
}

}  // namespace klab::streams
