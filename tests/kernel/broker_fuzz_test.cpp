// The broker front end under seeded random and mutated frames (FrontEnd::handle_frame, not only the
// decoder), on a live in-memory cluster holding records: nothing crashes (ASan+UBSan in the test
// build), every frame gets exactly one reply (Send, NoResponse or Close) - or, for a long poll or join
// still waiting after five simulated minutes, none once its connection closed - and the stored
// records are unchanged. One connection at a time, as the serve layer's mute rule sends them.
#include "broker_support.hpp"
#include "fuzz_support.hpp"

using namespace klab;
using namespace klab::test;
using namespace klab::protocol::testing;

namespace {

constexpr uint64_t kSeed = 20261208;
constexpr int kInputs = 3000;
constexpr int64_t kReplyBudgetMs = 5 * 60 * 1000;

// Every replica's bytes and log start offset of every partition of `topic`.
std::vector<std::string> stored(const Cluster& cluster, const std::string& topic) {
  std::vector<std::string> out;
  const Topic* found = cluster.find_topic(topic);
  REQUIRE(found != nullptr);
  for (const auto& partition : found->partitions)
    for (const auto& copy : partition->copies) {
      std::string bytes = std::to_string(copy->log.log_start_offset()) + "@" + std::to_string(copy->broker) + ":";
      copy->log.read_batches(copy->log.log_start_offset(), INT64_MAX, [&](const RecordBatchView& batch) {
        bytes.append(batch.bytes());
        return true;
      });
      out.push_back(std::move(bytes));
    }
  return out;
}

struct Outcome {
  int replies = 0;
  broker::ReplyKind kind = broker::ReplyKind::Send;
};

}  // namespace

TEST_CASE("3000 random and mutated frames through the front end: one reply each, stored records unchanged") {
  auto cluster = make_cluster();
  make_topic(*cluster, "orders", 3, 3, {{"retention.ms", num(-1)}});
  auto producer = make_producer(*cluster, {{"acks", str("all")}});
  for (int i = 0; i < 30; ++i) {
    const std::string key = "k" + std::to_string(i);
    REQUIRE(producer->send_and_wait(ProducerRecord{.topic = "orders", .key = key, .value = "v"}).ok());
  }
  const std::vector<std::string> before = stored(*cluster, "orders");
  broker::FrontEnd front_end(*cluster);

  SplitMix rng{kSeed};
  const std::vector<std::string> frames = valid_frames();
  broker::ConnectionContext connection{1, 1, "127.0.0.1:40000", {}, {}, {}, {}};
  int sent = 0, closed = 0, unanswered = 0;
  std::vector<std::shared_ptr<Outcome>> abandoned;  // must stay unanswered after their connection closed
  for (int i = 0; i < kInputs; ++i) {
    const std::string input = i % 4 == 0 ? random_frame(rng) : mutate(frames[rng.next() % frames.size()], rng);
    connection.broker = static_cast<BrokerId>(1 + rng.next() % 3);
    auto outcome = std::make_shared<Outcome>();
    front_end.handle_frame(connection, input, [outcome](broker::FrameReply reply) {
      ++outcome->replies;
      outcome->kind = reply.kind;
    });
    cluster->scheduler().run_until(cluster->now() + kReplyBudgetMs, [&] { return outcome->replies > 0; });
    if (outcome->replies == 0) {  // still parked: the client gives up and disconnects
      ++unanswered;
      abandoned.push_back(outcome);
      front_end.connection_closed(connection.connection_id);
      cluster->advance(1000);
    }
    if (outcome->replies > 1) FAIL("input " << i << " got " << outcome->replies << " replies (seed " << kSeed << ")");
    if (outcome->replies == 1 && outcome->kind == broker::ReplyKind::Close) ++closed;
    if (outcome->replies == 1 && outcome->kind == broker::ReplyKind::Send) ++sent;
    if (outcome->replies == 0 || outcome->kind == broker::ReplyKind::Close) ++connection.connection_id;
  }
  cluster->advance(kReplyBudgetMs);
  for (const auto& outcome : abandoned) CHECK(outcome->replies == 0);
  CHECK(stored(*cluster, "orders") == before);
  CHECK(sent > 100);    // the mutations reach the handlers, not only the decoder
  CHECK(closed > 100);  // and malformed frames close the connection
  CHECK(unanswered < kInputs / 10);
  MESSAGE("sent ", sent, ", closed ", closed, ", unanswered ", unanswered, " of ", kInputs);
}
