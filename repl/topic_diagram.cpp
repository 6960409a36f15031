#include "topic_diagram.hpp"

#include "svg_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace klab {
namespace {

constexpr int kLeft = 150, kTop = 78, kColumn = 132, kRow = 46, kCellWidth = 116, kCellHeight = 32, kRight = 170;

bool contains(const std::vector<BrokerId>& ids, BrokerId id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

}  // namespace

Result<std::string> topic_diagram_svg(const Cluster& cluster, const std::string& topic) {
  Result<TopicDescription> described = cluster.describe_topic(topic);
  if (!described) return described.error();
  const TopicDescription& description = *described;
  const std::vector<Broker>& brokers = cluster.brokers();
  const int width = kLeft + static_cast<int>(brokers.size()) * kColumn + kRight;
  const int height = kTop + static_cast<int>(description.partitions.size()) * kRow + 56;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"13\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      width, height);
  svg += fmt::format("<text x=\"16\" y=\"26\" font-size=\"17\" font-weight=\"bold\">topic {}</text>\n", svg_escape(description.name));
  svg += fmt::format("<text x=\"16\" y=\"46\" fill=\"#555\">{} partition(s), replication factor {}, t = {} ms</text>\n",
                     description.partitions.size(), description.replication_factor, cluster.now());
  for (std::size_t b = 0; b < brokers.size(); ++b) {
    const Broker& broker = brokers[b];
    const int x = kLeft + static_cast<int>(b) * kColumn;
    std::string status = !broker.alive ? "stopped" : broker.isolated ? (broker.fenced ? "cut off, fenced" : "cut off")
                         : broker.id == cluster.controller() ? "controller" : "";
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"{}\">broker {}</text>\n",
                       x + kCellWidth / 2, kTop - 14, broker.alive ? "#222" : "#999", broker.id);
    if (!status.empty())
      svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#777\">{}</text>\n",
                         x + kCellWidth / 2, kTop - 1, status);
  }
  for (std::size_t p = 0; p < description.partitions.size(); ++p) {
    const PartitionDescription& partition = description.partitions[p];
    const int y = kTop + 6 + static_cast<int>(p) * kRow;
    const bool offline = partition.leader < 0;
    svg += fmt::format("<text x=\"16\" y=\"{}\" font-weight=\"bold\">partition {}</text>\n", y + 21, partition.partition);
    if (offline) svg += fmt::format("<text x=\"92\" y=\"{}\" fill=\"#c0392b\">offline</text>\n", y + 21);
    for (std::size_t b = 0; b < brokers.size(); ++b) {
      const Broker& broker = brokers[b];
      if (!contains(partition.replicas, broker.id)) continue;
      const int x = kLeft + static_cast<int>(b) * kColumn;
      const bool leader = partition.leader == broker.id;
      const bool in_sync = contains(partition.in_sync_replicas, broker.id);
      std::string fill = "#ffffff", stroke = "#2e6da4", text_color = "#2e6da4", dash, label = "follower";
      if (leader) fill = "#2e6da4", text_color = "#ffffff", label = "leader";
      else if (!in_sync) stroke = "#999999", text_color = "#888888", dash = " stroke-dasharray=\"5,4\"", label = "out of sync";
      if (!broker.alive) fill = leader ? fill : "#eeeeee", stroke = "#999999", text_color = leader ? text_color : "#888888";
      if (offline && in_sync) label = "last in sync";
      const Topic* live = cluster.find_topic(topic);
      if (live && cluster.is_zombie_leader(*live->partitions[p], broker.id))  // fenced, cut off, still leading
        stroke = "#c0392b", text_color = "#c0392b", fill = "#fdecea", dash = " stroke-dasharray=\"5,4\"",
        label = "zombie leader";
      if (broker.id == partition.replicas.front()) label += " *";
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\" fill=\"{}\" stroke=\"{}\" stroke-width=\"2\"{}/>\n",
                         x, y, kCellWidth, kCellHeight, fill, stroke, dash);
      svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n", x + kCellWidth / 2,
                         y + 21, text_color, label);
    }
    const int x = kLeft + static_cast<int>(brokers.size()) * kColumn;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"#333\">HW {} · LEO {}</text>\n", x, y + 14, partition.high_watermark,
                       partition.log_end_offset);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#777\">ISR {}</text>\n", x, y + 29,
                       fmt::join(partition.in_sync_replicas, ","));
  }
  svg += fmt::format("<text x=\"16\" y=\"{}\" font-size=\"11\" fill=\"#777\">* preferred leader (first replica). "
                     "Consumers read below the high watermark (HW); LEO = log end offset of the leader.</text>\n",
                     height - 18);
  svg += "</svg>\n";
  return svg;
}

}  // namespace klab
