// librdkafka's mock cluster, hosted by an rd_kafka_t of its own (see mock_cluster.hpp).
#include "mock_cluster.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace klab_serve_bench {

std::unique_ptr<MockCluster> MockCluster::start(int32_t brokers, const std::string& topic, int32_t partitions,
                                                int32_t replication_factor, std::string& error) {
  std::unique_ptr<MockCluster> mock(new MockCluster());
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char message[256];
  rd_kafka_conf_set(conf, "log_level", "3", message, sizeof message);
  mock->host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, message, sizeof message);
  if (mock->host_ == nullptr) {
    error = message;
    return nullptr;
  }
  mock->cluster_ = rd_kafka_mock_cluster_new(mock->host_, brokers);
  if (mock->cluster_ == nullptr) {
    error = "rd_kafka_mock_cluster_new failed";
    return nullptr;
  }
  if (rd_kafka_resp_err_t status = rd_kafka_mock_topic_create(mock->cluster_, topic.c_str(), partitions, replication_factor);
      status != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = std::string("rd_kafka_mock_topic_create: ") + rd_kafka_err2str(status);
    return nullptr;
  }
  return mock;
}

MockCluster::~MockCluster() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
  if (host_ != nullptr) rd_kafka_destroy(host_);
}

std::string MockCluster::bootstrap() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

}  // namespace klab_serve_bench
