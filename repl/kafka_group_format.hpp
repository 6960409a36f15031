// kafka-consumer-groups.sh's text layouts (Kafka 3.7, kafka.admin.ConsumerGroupCommand): --list,
// --describe (the offsets table, with its column widths computed as the tool computes them, "-"
// for missing values, and the notices it prints for empty, rebalancing or missing groups) and
// --reset-offsets' plan.
#pragma once
#include <string>
#include <vector>

#include "group/group_admin.hpp"

namespace klab {

std::string format_group_list(const std::vector<group::GroupOverview>& groups);
std::string format_group_describe(const group::GroupDescription& description);
std::string format_reset_offsets(const std::string& group_id, const group::ResetOffsetsResult& result);

}  // namespace klab
