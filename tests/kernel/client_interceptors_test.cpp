// interceptor.classes in the kernel: ProducerInterceptor and ConsumerInterceptor hooks, called in order,
// once per record and commit, acknowledgement before the send's own callback.
#include <string>
#include <vector>

#include "test_support.hpp"

namespace klab {
namespace {

TEST_CASE("producer interceptors see every send and every acknowledgement, before the callback") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 2, 1);
  auto producer = test::make_producer(*cluster);
  std::vector<std::string> calls;
  producer->set_interceptors({ProducerInterceptor{
      [&](const ProducerRecord& record) { calls.push_back("send " + std::string(*record.value)); },
      [&](const RecordMetadata& metadata, const Error* error) {
        calls.push_back(error ? "error" : "ack " + std::to_string(metadata.offset));
      }}});
  for (const char* value : {"a", "b"})
    REQUIRE(producer->send(ProducerRecord{.topic = "t", .partition = 0, .value = value},
                           [&](const RecordMetadata&, const Error*) { calls.push_back("callback"); }).ok());
  CHECK(calls == std::vector<std::string>{"send a", "send b"});
  producer->flush();
  CHECK(calls == std::vector<std::string>{"send a", "send b", "ack 0", "callback", "ack 1", "callback"});
  // A send refused before queueing is acknowledged with its error.
  CHECK_FALSE(producer->send(ProducerRecord{.topic = "t", .partition = 9, .value = "x"}).ok());
  CHECK(calls.back() == "error");
}

TEST_CASE("consumer interceptors see each poll's records and each successful commit") {
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1);
  auto producer = test::make_producer(*cluster);
  for (const char* value : {"a", "b", "c"}) REQUIRE(producer->send(ProducerRecord{.topic = "t", .value = value}).ok());
  producer->flush();
  auto consumer = test::make_consumer(*cluster, {{"group.id", test::str("g")}, {"auto.offset.reset", test::str("earliest")},
                                                 {"enable.auto.commit", false}});
  std::size_t consumed = 0;
  int64_t committed = -1;
  consumer->set_interceptors({ConsumerInterceptor{
      [&](const std::vector<ConsumerRecord>& records) { consumed += records.size(); },
      [&](const std::map<TopicPartition, OffsetAndMetadata>& offsets) { committed = offsets.begin()->second.offset; }}});
  REQUIRE(consumer->assign({TopicPartition{"t", 0}}).ok());
  std::vector<ConsumerRecord> records;
  REQUIRE(consumer->poll(1000, records).ok());
  CHECK(consumed == 3);
  CHECK(committed == -1);
  REQUIRE(consumer->commit_sync().ok());
  CHECK(committed == 3);
}

}  // namespace
}  // namespace klab
