#include "kafka_group_format.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace klab {
namespace {

std::string optional_number(const std::optional<int64_t>& value) { return value ? std::to_string(*value) : "-"; }

}  // namespace

std::string format_group_list(const std::vector<group::GroupOverview>& groups) {
  std::string out;
  for (const group::GroupOverview& overview : groups) out += overview.group_id + "\n";
  return out;
}

std::string format_group_describe(const group::GroupDescription& description) {
  const std::string& id = description.group_id;
  std::string out;
  if (description.state == "Dead") return fmt::format("\nError: Consumer group '{}' does not exist.\n", id);
  if (description.state == "Empty") out += fmt::format("\nConsumer group '{}' has no active members.\n", id);
  if (description.state == "PreparingRebalance" || description.state == "CompletingRebalance")
    out += fmt::format("\nWarning: Consumer group '{}' is rebalancing.\n", id);
  if (description.partitions.empty()) return out;
  std::size_t group_width = std::max<std::size_t>(15, id.size()), topic_width = 15, consumer_width = 15, host_width = 15;
  for (const group::GroupPartitionRow& row : description.partitions) {
    topic_width = std::max(topic_width, row.topic.size());
    consumer_width = std::max(consumer_width, row.consumer_id.size());
    host_width = std::max(host_width, row.host.size());
  }
  auto line = [&](std::string_view group, std::string_view topic, std::string_view partition, std::string_view current,
                  std::string_view end, std::string_view lag, std::string_view consumer, std::string_view host,
                  std::string_view client) {
    return fmt::format("{:<{}} {:<{}} {:<10} {:<15} {:<15} {:<15} {:<{}} {:<{}} {}\n", group, group_width, topic,
                       topic_width, partition, current, end, lag, consumer, consumer_width, host, host_width, client);
  };
  out += '\n';
  out += line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST",
                     "CLIENT-ID");
  for (const group::GroupPartitionRow& row : description.partitions)
    out += line(id, row.topic, std::to_string(row.partition), optional_number(row.current_offset),
                std::to_string(row.log_end_offset), optional_number(row.lag), row.consumer_id, row.host, row.client_id);
  return out;
}

std::string format_reset_offsets(const std::string& group_id, const group::ResetOffsetsResult& result) {
  std::string out;
  for (const std::string& warning : result.warnings) out += "WARN " + warning + "\n";
  if (result.plan.empty()) return out;
  out += '\n';
  out += fmt::format("{:<30} {:<30} {:<10} {:<15}\n", "GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
  for (const group::ResetOffsetsRow& row : result.plan)
    out += fmt::format("{:<30} {:<30} {:<10} {:<15}\n", group_id, row.topic, row.partition, row.new_offset);
  return out;
}

}  // namespace klab
