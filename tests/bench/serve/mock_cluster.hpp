// librdkafka's own mock cluster (rdkafka_mock.h) as a benchmark target: brokers on loopback ports in a
// thread of this process, reached by the same client code as `klab serve`.
//
// Invariants: the topic exists before bootstrap() is handed out; the cluster dies with the object.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace klab_serve_bench {

class MockCluster {
 public:
  // Empty with `error` when librdkafka cannot create it.
  static std::unique_ptr<MockCluster> start(int32_t brokers, const std::string& topic, int32_t partitions,
                                            int32_t replication_factor, std::string& error);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;
  std::string bootstrap() const;

 private:
  MockCluster() = default;
  rd_kafka_s* host_ = nullptr;  // the rd_kafka_t the mock cluster lives in
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
};

}  // namespace klab_serve_bench
