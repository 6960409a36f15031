#include "group_diagram.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "group/group_admin.hpp"
#include "svg_text.hpp"

namespace klab {
namespace {

using group::TopicPartition;

constexpr int kGap = 16, kLeft = 16, kTop = 84, kBox = 40, kMinBoxWidth = 154;

// About how wide a line of 12 px bold Helvetica is: long names (a Streams application's client ids and
// internal topics) must widen their column instead of running into the next one.
int text_width(const std::string& text) { return static_cast<int>(text.size()) * 17 / 2; }

std::string short_member(const group::GroupMemberRow& member) {
  // consumer-site-1-2a3b4c5d-... -> consumer-site-1 (2a3b4c5d): the id is long; its first part tells members apart.
  std::string id = member.consumer_id;
  const std::size_t at = id.size() > member.client_id.size() + 1 ? member.client_id.size() + 1 : 0;
  return fmt::format("{} ({})", member.client_id, id.substr(at, 8));
}

}  // namespace

Result<std::string> group_diagram_svg(Cluster& cluster, const std::string& group_id) {
  const group::GroupDescription description = group::describe_group(cluster, group_id);
  if (description.state == "Dead")
    return make_error(ErrorCode::GROUP_ID_NOT_FOUND, fmt::format("Consumer group '{}' does not exist.", group_id));
  std::map<TopicPartition, const group::GroupPartitionRow*> rows;
  for (const group::GroupPartitionRow& row : description.partitions) rows[TopicPartition{row.topic, row.partition}] = &row;
  std::vector<std::pair<std::string, std::vector<TopicPartition>>> columns;
  std::map<TopicPartition, bool> owned;
  for (const group::GroupMemberRow& member : description.members) {
    std::vector<TopicPartition> partitions = member.assignment;
    std::sort(partitions.begin(), partitions.end());
    for (const TopicPartition& tp : partitions) owned[tp] = true;
    columns.emplace_back(short_member(member), std::move(partitions));
  }
  std::vector<TopicPartition> unowned;
  for (const auto& [tp, row] : rows)
    if (!owned.count(tp)) unowned.push_back(tp);
  if (!unowned.empty()) columns.emplace_back("no owner (committed only)", unowned);
  std::size_t tallest = 1;
  for (const auto& column : columns) tallest = std::max(tallest, column.second.size());
  std::vector<int> column_x, box_width;
  int x_next = kLeft;
  for (const auto& column : columns) {
    int widest = std::max(kMinBoxWidth, text_width(column.first));
    for (const TopicPartition& tp : column.second)
      widest = std::max(widest, text_width(fmt::format("{}-{}", tp.topic, tp.partition)) + 16);
    column_x.push_back(x_next);
    box_width.push_back(widest);
    x_next += widest + kGap;
  }
  const int width = std::max(x_next, kLeft + kMinBoxWidth + kGap) + kLeft - kGap;
  const int height = kTop + static_cast<int>(tallest) * (kBox + 8) + 40;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      width, height);
  svg += fmt::format("<text x=\"{}\" y=\"26\" font-size=\"17\" font-weight=\"bold\">group {}</text>\n", kLeft,
                     svg_escape(group_id));
  svg += fmt::format("<text x=\"{}\" y=\"46\" fill=\"#555\">{}, generation {}, {} member(s){}, t = {} ms</text>\n", kLeft,
                     description.state, description.generation, description.members.size(),
                     description.assignment_strategy.empty() ? "" : ", " + description.assignment_strategy,
                     cluster.now());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const int x = column_x[c];
    const bool idle = columns[c].second.empty();
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\" fill=\"{}\">{}</text>\n", x, kTop - 12,
                       idle ? "#999" : "#222", svg_escape(columns[c].first));
    if (idle) svg += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#999\">idle: no partition</text>\n", x, kTop + 20);
    const bool orphan_column = !unowned.empty() && c + 1 == columns.size();
    for (std::size_t i = 0; i < columns[c].second.size(); ++i) {
      const TopicPartition& tp = columns[c].second[i];
      const int y = kTop + static_cast<int>(i) * (kBox + 8);
      const auto found = rows.find(tp);
      std::string detail = "no commit yet";
      if (found != rows.end() && found->second->current_offset)
        detail = fmt::format("committed {} · lag {}", *found->second->current_offset, found->second->lag.value_or(0));
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{}\" stroke=\"{}\" "
                         "stroke-width=\"2\"{}/>\n",
                         x, y, box_width[c], kBox, orphan_column ? "#f4f4f4" : "#eaf2fb", orphan_column ? "#999" : "#2e6da4",
                         orphan_column ? " stroke-dasharray=\"5,4\"" : "");
      svg += fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">{}-{}</text>\n", x + 8, y + 16,
                         svg_escape(tp.topic), tp.partition);
      svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#555\">{}</text>\n", x + 8, y + 32, detail);
    }
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace klab
