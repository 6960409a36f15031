// An SVG picture of a consumer group: one column per member (client id and the start of its member
// id), the partitions it owns as boxes with their committed offset and lag, and the partitions the
// group has committed offsets for that nobody owns. For the slides and diagram{group = id}.
#pragma once
#include <string>

#include "cluster/cluster.hpp"

namespace klab {

// GROUP_ID_NOT_FOUND when the group does not exist.
Result<std::string> group_diagram_svg(Cluster& cluster, const std::string& group_id);

}  // namespace klab
