// The Prometheus text output parses as the exposition format (version 0.0.4) says: every family
// has one HELP and one TYPE line before its samples, names and label names are valid, label values
// unescape to what was tagged, values are numbers (or NaN, +Inf); and names follow the JMX
// exporter's rules for Kafka.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "base/regex_match.hpp"
#include "metrics/prometheus_text.hpp"
#include "metrics_support.hpp"
#include "test_support.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

struct ParsedSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Parsed {
  std::map<std::string, std::string> types;  // family -> counter | gauge
  std::vector<ParsedSample> samples;
};

// A strict little parser: fails the test on anything the format does not allow.
Parsed parse_prometheus(const std::string& text) {
  static const RegexMatch name_re = *RegexMatch::compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  static const RegexMatch label_name_re = *RegexMatch::compile("[a-zA-Z_][a-zA-Z0-9_]*");
  Parsed parsed;
  std::set<std::string> helped, finished;
  std::string current;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    INFO("line: " << line);
    REQUIRE(!line.empty());
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string family, rest;
      words >> family;
      REQUIRE(name_re.matches(family));
      if (line[2] == 'H') {
        REQUIRE(helped.insert(family).second);  // one HELP per family
      } else {
        words >> rest;
        REQUIRE((rest == "counter" || rest == "gauge"));
        REQUIRE(parsed.types.emplace(family, rest).second);  // one TYPE per family
      }
      if (current != family) {
        if (!current.empty()) finished.insert(current);
        REQUIRE(finished.count(family) == 0);  // a family's lines stay together
        current = family;
      }
      continue;
    }
    if (line[0] == '#') continue;  // a comment
    ParsedSample sample;
    std::size_t pos = 0;
    while (pos < line.size() && line[pos] != '{' && line[pos] != ' ') ++pos;
    sample.name = line.substr(0, pos);
    REQUIRE(name_re.matches(sample.name));
    REQUIRE(sample.name == current);  // under its own HELP and TYPE
    if (line[pos] == '{') {
      ++pos;
      while (line[pos] != '}') {
        const std::size_t equals = line.find('=', pos);
        REQUIRE(equals != std::string::npos);
        const std::string label = line.substr(pos, equals - pos);
        REQUIRE(label_name_re.matches(label));
        REQUIRE(line[equals + 1] == '"');
        std::string value;
        pos = equals + 2;
        while (line[pos] != '"') {
          if (line[pos] == '\\') {
            const char escaped = line[++pos];
            REQUIRE((escaped == '\\' || escaped == '"' || escaped == 'n'));
            value += escaped == 'n' ? '\n' : escaped;
          } else {
            value += line[pos];
          }
          ++pos;
          REQUIRE(pos < line.size());
        }
        REQUIRE(sample.labels.emplace(label, value).second);
        ++pos;
        if (line[pos] == ',') ++pos;
      }
      ++pos;
    }
    REQUIRE(line[pos] == ' ');
    const std::string number = line.substr(pos + 1);
    if (number == "NaN") sample.value = std::nan("");
    else if (number == "+Inf") sample.value = INFINITY;
    else {
      std::size_t used = 0;
      sample.value = std::stod(number, &used);
      REQUIRE(used == number.size());
    }
    parsed.samples.push_back(sample);
  }
  return parsed;
}

const ParsedSample* find(const Parsed& parsed, const std::string& name, const std::map<std::string, std::string>& labels) {
  for (const ParsedSample& sample : parsed.samples)
    if (sample.name == name && sample.labels == labels) return &sample;
  return nullptr;
}

}  // namespace

TEST_CASE("a cluster's metrics in Prometheus text parse, with the JMX exporter's names for Kafka") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 2, 3);
  auto producer = test::make_producer(*cluster, {{"client.id", str("odd \"client\"\\name")}, {"acks", str("all")}});
  for (int i = 0; i < 20; ++i) REQUIRE(producer->send(ProducerRecord{"orders", i % 2, {}, std::string("v"), {}, {}}).ok());
  producer->flush();
  auto consumer = test::make_consumer(*cluster, {{"client.id", str("reader")}, {"auto.offset.reset", str("earliest")}});
  REQUIRE(consumer->assign({{"orders", 0}}).ok());
  std::vector<ConsumerRecord> records;
  REQUIRE(consumer->poll(0, records).value() == 10);

  const Parsed parsed = parse_prometheus(prometheus_text(cluster->metrics_registry().collect(cluster->now()), cluster->now()));
  const BrokerId leader = cluster->find_topic("orders")->partitions[0]->leader;
  const std::string b = std::to_string(leader);
  CHECK(parsed.types.at("kafka_server_brokertopicmetrics_messagesin_total") == "counter");
  const ParsedSample* messages = find(parsed, "kafka_server_brokertopicmetrics_messagesin_total", {{"broker", b}, {"topic", "orders"}});
  REQUIRE(messages);
  CHECK(messages->value == 10);
  CHECK(parsed.types.at("kafka_server_replicamanager_underreplicatedpartitions") == "gauge");
  CHECK(find(parsed, "kafka_server_replicamanager_underreplicatedpartitions", {{"broker", b}}));
  CHECK(find(parsed, "kafka_controller_kafkacontroller_activecontrollercount", {{"broker", "1"}})->value == 1);
  CHECK(find(parsed, "kafka_controller_controllerstats_leaderelectionrateandtimems_count", {{"broker", "1"}}));
  CHECK(find(parsed, "kafka_controller_controllerstats_uncleanleaderelections_total", {{"broker", "1"}}));
  CHECK(find(parsed, "kafka_server_replicamanager_isrshrinks_total", {{"broker", "1"}}));
  CHECK(find(parsed, "kafka_network_requestmetrics_requests_total", {{"broker", b}, {"request", "Produce"}, {"version", "10"}}));
  CHECK(find(parsed, "kafka_network_requestmetrics_totaltimems_count", {{"broker", b}, {"request", "Produce"}})->value > 0);
  CHECK(find(parsed, "kafka_network_requestmetrics_totaltimems", {{"broker", b}, {"request", "Produce"}, {"quantile", "0.99"}}));
  CHECK(find(parsed, "kafka_network_requestmetrics_totaltimems", {{"broker", b}, {"request", "Produce"}, {"quantile", "0.999"}}));
  // The client id comes back unescaped, under client_id.
  const ParsedSample* sent = find(parsed, "kafka_producer_producer_metrics_record_send_total", {{"client_id", "odd \"client\"\\name"}});
  REQUIRE(sent);
  CHECK(sent->value == 20);
  CHECK(parsed.types.at("kafka_producer_producer_metrics_record_send_total") == "counter");
  CHECK(parsed.types.at("kafka_producer_producer_metrics_record_send_rate") == "gauge");
  CHECK(find(parsed, "kafka_producer_producer_topic_metrics_record_send_total",
             {{"client_id", "odd \"client\"\\name"}, {"topic", "orders"}})->value == 20);
  CHECK(find(parsed, "kafka_consumer_consumer_fetch_manager_metrics_records_lag",
             {{"client_id", "reader"}, {"topic", "orders"}, {"partition", "0"}})->value == 0);
  CHECK(find(parsed, "kafka_consumer_consumer_fetch_manager_metrics_records_consumed_total", {{"client_id", "reader"}})->value == 10);
  // The meters' rate attributes are not exported: Prometheus computes rates from the _total counters.
  for (const auto& [family, type] : parsed.types) {
    INFO(family);
    CHECK(family.find("minuterate") == std::string::npos);
    CHECK(family.find("meanrate") == std::string::npos);
  }
}

TEST_CASE("Prometheus names and labels of unusual samples") {
  CHECK(prometheus_label_name("client-id") == "client_id");
  CHECK(prometheus_label_name("9lives") == "_9lives");
  CHECK(prometheus_escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(prometheus_metric_name(MetricSample{"kafka.server:type=BrokerTopicMetrics", "BytesInPerSec.OneMinuteRate", {}, 0}, false) == "");
  CHECK(prometheus_metric_name(MetricSample{"kafka.server:type=BrokerTopicMetrics", "BytesInPerSec", {}, 0}, true) ==
        "kafka_server_brokertopicmetrics_bytesin_total");
  CHECK(prometheus_metric_name(MetricSample{"consumer-fetch-manager-metrics", "records-lag-max", {}, 0}, false) ==
        "kafka_consumer_consumer_fetch_manager_metrics_records_lag_max");
  const std::string text = prometheus_text({MetricSample{"producer-metrics", "batch-size-avg", {{"client-id", "p"}},
                                                         std::nan("")}},
                                           0);
  CHECK(text.find("kafka_producer_producer_metrics_batch_size_avg{client_id=\"p\"} NaN\n") != std::string::npos);
  parse_prometheus(text);
}
