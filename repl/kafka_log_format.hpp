// Text layouts of Kafka 3.7's log tools: kafka-dump-log.sh --print-data-log for one replica's
// partition log, and kafka-configs.sh --describe --all for a topic's configs with their sources.
#pragma once
#include <string>

#include "cluster/topic.hpp"

namespace klab {

// One "Dumping <segment file>" block per segment: batch lines, then "| offset: ..." record lines.
// The crc is printed as 0: klab does not compute it (nothing crosses a wire or a disk).
std::string format_dump_log(const std::string& topic, int32_t partition, const PartitionLog& log);
// "All configs for topic T are:" then "  key=value sensitive=false synonyms={SOURCE:key=value}".
std::string format_describe_configs(const TopicDescription& description);
// Kafka's names for config sources: DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG.
const char* config_source_name(ConfigSource source);

}  // namespace klab
