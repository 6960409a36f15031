// Text layouts of Kafka's command-line tools (Kafka 3.7), so what klab prints is what a student
// will read on a real cluster.
#pragma once
#include <string>

#include "cluster/topic.hpp"

namespace klab {

// kafka-topics.sh --describe: a summary line, then one tab-indented line per partition.
std::string format_topic_describe(const TopicDescription& description);

}  // namespace klab
