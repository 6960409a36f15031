// Writes the fuzz seed corpus: one valid request frame per served api and version (sampled), plus the
// hand-written golden frames of tests/kernel/protocol_golden_test.cpp. Usage: protocol_seed_corpus DIR
#include <fstream>
#include <iostream>
#include <string>

#include "protocol/codec.hpp"
#include "protocol/samples.hpp"

using namespace klab::protocol;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: protocol_seed_corpus DIR\n";
    return 2;
  }
  std::string dir = argv[1];
  int count = 0;
  for (const auto& api : supported_apis()) {
    for (int16_t v = api.min_version; v <= api.max_version; ++v) {
      for (uint64_t seed = 1; seed <= 2; ++seed) {
        std::string frame = encode_request(RequestHeader{api.api_key, v, 1, "seed"}, *sample_request(api.api_key, v, seed));
        std::ofstream(dir + "/" + std::string(api.name) + "_v" + std::to_string(v) + "_" + std::to_string(seed), std::ios::binary)
            << frame;
        ++count;
      }
    }
  }
  // librdkafka's ApiVersions v3 and kafka-python's Metadata v0 probe, byte for byte.
  std::ofstream(dir + "/golden_librdkafka_api_versions_v3", std::ios::binary)
      << std::string("\x00\x12\x00\x03\x00\x00\x00\x01\x00\x07rdkafka\x00\x0blibrdkafka\x06" "2.0.2\x00", 31);
  std::ofstream(dir + "/golden_kafka_python_metadata_v0", std::ios::binary)
      << std::string("\x00\x03\x00\x00\x00\x00\x00\x02\x00\x0c" "kafka-python\x00\x00\x00\x00", 26);
  std::cout << "wrote " << count + 2 << " seeds to " << dir << "\n";
  return 0;
}
