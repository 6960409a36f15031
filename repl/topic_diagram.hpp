// An SVG picture of a topic: one column per broker, one row per partition; in each cell the role
// of that broker's replica (leader, in-sync follower, out-of-sync follower, a zombie leader cut off
// by a network partition), brokers that are
// stopped or cut off greyed or dashed, and each partition's high watermark and log end offset.
// Used by klab.diagram / diagram() in the REPL and `klab diagram` for the slides.
#pragma once
#include <string>

#include "cluster/cluster.hpp"

namespace klab {

// UNKNOWN_TOPIC_OR_PARTITION when the topic does not exist.
Result<std::string> topic_diagram_svg(const Cluster& cluster, const std::string& topic);

}  // namespace klab
