#include "metrics/prometheus_text.hpp"

#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>

namespace klab {

namespace {

std::string sanitized_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += std::isalnum(u) || c == '_' ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (!out.empty() && std::isdigit(static_cast<unsigned char>(out.front()))) out.insert(out.begin(), '_');
  return out;
}

// "kafka.server:type=BrokerTopicMetrics" -> {"server", "BrokerTopicMetrics"}; clients have no ':'.
bool split_jmx_group(const std::string& group, std::string& domain, std::string& type) {
  const auto colon = group.find(':');
  if (colon == std::string::npos || group.rfind("kafka.", 0) != 0) return false;
  domain = group.substr(6, colon - 6);
  const auto equals = group.find('=', colon);
  type = equals == std::string::npos ? group.substr(colon + 1) : group.substr(equals + 1);
  return true;
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_percentile(const std::string& attribute) {
  return attribute.size() > 12 && ends_with(attribute, "thPercentile");
}

std::string quantile_of(const std::string& attribute) {
  return "0." + attribute.substr(0, attribute.size() - 12);  // "99thPercentile" -> "0.99"
}


std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

std::string escape_help(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

struct Family {
  std::string name, type, help;
  std::vector<std::string> lines;
};

}  // namespace

std::string prometheus_label_name(const std::string& tag) {
  std::string out;
  for (char c : tag) out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out.insert(out.begin(), '_');
  return out;
}

std::string prometheus_escape_label_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string prometheus_metric_name(const MetricSample& sample, bool counted) {
  std::string domain, type;
  if (!split_jmx_group(sample.group, domain, type)) {
    // Client metrics: the JMX domain is kafka.producer or kafka.consumer, named by the group.
    const char* domain_prefix = sample.group.rfind("consumer", 0) == 0   ? "kafka_consumer_"
                                : sample.group.rfind("producer", 0) == 0 ? "kafka_producer_"
                                                                         : "kafka_";
    return domain_prefix + sanitized_lower(sample.group) + "_" + sanitized_lower(sample.name);
  }
  const std::string base = "kafka_" + sanitized_lower(domain) + "_" + sanitized_lower(type) + "_";
  const auto dot = sample.name.find('.');
  const std::string name = sample.name.substr(0, dot);
  if (dot != std::string::npos) {
    const std::string attribute = sample.name.substr(dot + 1);
    return is_percentile(attribute) ? base + sanitized_lower(name) : "";
  }
  if (!counted) return base + sanitized_lower(name);  // a gauge's Value
  const auto per_sec = name.find("PerSec");
  if (per_sec != std::string::npos) return base + sanitized_lower(name.substr(0, per_sec)) + "_total";
  return base + sanitized_lower(name) + "_count";
}

std::string prometheus_text(const std::vector<MetricSample>& samples, TimeMs now) {
  // A plain name with "Name.Attribute" siblings is a meter's or histogram's Count.
  std::set<std::pair<std::string, std::string>> counted;
  for (const MetricSample& sample : samples)
    if (auto dot = sample.name.find('.'); dot != std::string::npos) counted.emplace(sample.group, sample.name.substr(0, dot));
  std::vector<Family> families;
  std::map<std::string, std::size_t> index;
  for (const MetricSample& sample : samples) {
    const std::string name = prometheus_metric_name(sample, counted.count({sample.group, sample.name}) > 0);
    if (name.empty()) continue;
    auto [it, added] = index.emplace(name, families.size());
    if (added) {
      const bool counter = ends_with(name, "_total") || ends_with(name, "_count");
      const std::string base_name = sample.name.substr(0, sample.name.find('.'));
      std::string help = sample.group.find(':') != std::string::npos
                             ? fmt::format("{},name={}", sample.group, base_name)
                             : fmt::format("{} {}", sample.group, base_name);
      if (counted.count({sample.group, sample.name})) help += " (Count)";
      families.push_back(Family{name, counter ? "counter" : "gauge", escape_help(help), {}});
    }
    std::string labels;
    for (const auto& [tag, value] : sample.tags)
      labels += fmt::format("{}{}=\"{}\"", labels.empty() ? "" : ",", prometheus_label_name(tag),
                            prometheus_escape_label_value(value));
    if (auto dot = sample.name.find('.'); dot != std::string::npos)  // only percentiles get here
      labels += fmt::format("{}quantile=\"{}\"", labels.empty() ? "" : ",", quantile_of(sample.name.substr(dot + 1)));
    families[it->second].lines.push_back(
        fmt::format("{}{}{}{} {}", name, labels.empty() ? "" : "{", labels, labels.empty() ? "" : "}",
                    format_value(sample.value)));
  }
  std::string out = fmt::format("# klab simulated time: {} ms\n", now);
  for (const Family& family : families) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", family.name, family.help, family.name, family.type);
    for (const std::string& line : family.lines) out += line + "\n";
  }
  return out;
}

}  // namespace klab
