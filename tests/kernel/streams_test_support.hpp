// Helpers shared by the Kafka Streams tests: a test driver for a builder, records as "key=value"
// lines (a count's Long value as its decimal text), and the word splitter of the word-count topologies.
#pragma once
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "streams/long_serde.hpp"
#include "streams/streams_builder.hpp"
#include "streams/topology_test_driver.hpp"

namespace klab::streams::test {

inline std::unique_ptr<TopologyTestDriver> driver_for(const StreamsBuilder& builder) {
  auto topology = builder.build();
  REQUIRE(topology.ok());
  auto driver = TopologyTestDriver::create(*topology);
  REQUIRE(driver.ok());
  return std::move(*driver);
}

inline std::vector<std::string> pairs_of(const std::vector<TestRecord>& records) {
  std::vector<std::string> out;
  for (const TestRecord& record : records) out.push_back(record.key.value_or("null") + "=" + shown(record.value, record.long_value).value_or("null"));
  return out;
}

inline std::vector<Bytes> split_words(const Bytes&, const Bytes& value) {
  std::vector<Bytes> words;
  std::string word;
  for (char c : value.value_or("") + " ")
    if (c == ' ') {
      if (!word.empty()) words.emplace_back(word);
      word.clear();
    } else {
      word += c;
    }
  return words;
}

}  // namespace klab::streams::test
