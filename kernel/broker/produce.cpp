// Produce, versions 3-7 (record batches of magic 2 only; v0-2 carried the old message sets).
//   v3: transactional_id.  v4-v7: the same request (v4: KAFKA_STORAGE_ERROR may be answered, v7:
//   zstd allowed). Response: log_append_time_ms from v2 (-1 under CreateTime), log_start_offset
//   from v5; throttle_time_ms throughout.
// The one implementation of produce: wire clients and klab's own producer (broker_service.hpp) alike.
// Each partition's records are checked as Kafka checks a client's bytes (wire_batch.hpp), then
// appended through Cluster::append_at at the broker the client reached, so a zombie leader appends
// and a follower answers NOT_LEADER_OR_FOLLOWER; idempotent sequences are checked by the cluster.
// An error's message goes to in-process callers with the response (request_context.hpp).
// acks=0 sends no response; acks=-1 waits for the high watermark with
// the request's timeout_ms; acks other than 0, 1, -1 are INVALID_REQUIRED_ACKS.
#include <fmt/format.h>

#include "broker/handlers.hpp"
#include "broker/wire_batch.hpp"

namespace klab::broker {
namespace {

struct PartitionOutcome {
  std::string topic;
  int32_t partition = 0;
  ErrorCode error = ErrorCode::NONE;
  std::string message;  // the broker's words for `error` (in-process callers hear them)
  AppendInfo info;
  int64_t log_start_offset = -1;
};

// Everything the response needs once the last acks=all wait is over.
struct PendingProduce {
  RequestPtr request;
  std::vector<PartitionOutcome> outcomes;
  std::size_t waiting = 1;  // one for the loop itself
  TimeMs arrived_ms = 0;
};

PartitionOutcome append_partition(Request& request, const std::string& topic_name, int32_t partition,
                                  const std::optional<std::string>& records, int16_t acks) {
  PartitionOutcome outcome{topic_name, partition, ErrorCode::NONE, {}, {}, -1};
  const auto fail = [&](const Error& error) {
    outcome.error = error.code;
    outcome.message = error.message;
    return outcome;
  };
  Cluster& cluster = request.cluster();
  Topic* topic = cluster.find_topic(topic_name);
  if (!topic || partition < 0 || partition >= topic->partition_count())
    return fail(Error{ErrorCode::UNKNOWN_TOPIC_OR_PARTITION,
                      fmt::format("Partition {} of topic '{}' does not exist on this broker.", partition, topic_name)});
  if (acks != 0 && acks != 1 && acks != -1)
    return fail(Error{ErrorCode::INVALID_REQUIRED_ACKS, fmt::format("Invalid required acks: {}.", acks)});
  const std::string_view bytes = records ? std::string_view(*records) : std::string_view();
  if (Status checked = check_wire_batch(bytes); !checked) return fail(checked.error());
  Result<AppendInfo> appended = cluster.append_at(request.broker(), *topic, partition, bytes, acks);
  if (!appended) return fail(appended.error());
  outcome.info = *appended;
  const Partition& stored = *topic->partitions[static_cast<std::size_t>(partition)];
  if (const Replica* replica = stored.replica_on(request.broker())) outcome.log_start_offset = replica->log.log_start_offset();
  return outcome;
}

void respond(PendingProduce& pending) {
  Request& request = *pending.request;
  request.cluster().record_request(request.broker(), RequestName::Produce, request.cluster().now() - pending.arrived_ms);
  protocol::ProduceResponse response;
  ErrorMessages messages;
  for (const PartitionOutcome& outcome : pending.outcomes) {
    if (outcome.error != ErrorCode::NONE) messages[{outcome.topic, outcome.partition}] = outcome.message;
    if (response.responses.empty() || response.responses.back().name != outcome.topic)
      response.responses.emplace_back().name = outcome.topic;
    auto& out = response.responses.back().partition_responses.emplace_back();
    out.index = outcome.partition;
    out.error_code = static_cast<int16_t>(outcome.error);
    const bool ok = outcome.error == ErrorCode::NONE;
    out.base_offset = ok ? outcome.info.base_offset : -1;
    out.log_append_time_ms = ok ? outcome.info.log_append_time : -1;
    out.log_start_offset = ok ? outcome.log_start_offset : -1;
  }
  request.respond(response, std::move(messages));
}

}  // namespace

void handle(const RequestPtr& request, const protocol::ProduceRequest& body) {
  auto pending = std::make_shared<PendingProduce>();
  pending->request = request;
  pending->arrived_ms = request->cluster().now();
  for (const auto& topic : body.topic_data)
    for (const auto& partition : topic.partition_data)
      pending->outcomes.push_back(append_partition(*request, topic.name, partition.index, partition.records, body.acks));
  if (body.acks == 0) {
    request->cluster().record_request(request->broker(), RequestName::Produce, 0);
    request->no_response();
    return;
  }
  for (std::size_t i = 0; i < pending->outcomes.size(); ++i) {
    const PartitionOutcome& outcome = pending->outcomes[i];
    if (body.acks != -1 || outcome.error != ErrorCode::NONE || outcome.info.duplicate) continue;
    ++pending->waiting;
    request->cluster().await_high_watermark(outcome.topic, outcome.partition, outcome.info.last_offset + 1,
                                            std::max<int64_t>(0, body.timeout_ms), [pending, i](const Error* error) {
                                              if (error) {
                                                pending->outcomes[i].error = error->code;
                                                pending->outcomes[i].message = error->message;
                                              }
                                              if (--pending->waiting == 0) respond(*pending);
                                            });
  }
  if (--pending->waiting == 0) respond(*pending);
}

}  // namespace klab::broker
