// Inspector: what one sample writes. Reads the cluster only (Cluster's const API, the group
// coordinator's reads, the metrics registry's collect), never the scheduler or the RNG.
#include <fmt/format.h>

#include "group/group_admin.hpp"
#include "group/group_coordinator.hpp"
#include "inspect/inspect_schema.hpp"
#include "inspect/inspector.hpp"
#include "inspect/inspector_statements.hpp"

namespace klab::inspect {
namespace {

std::string join_ids(const std::vector<BrokerId>& ids) { return fmt::format("{}", fmt::join(ids, ",")); }

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", static_cast<int>(c));
        else out += c;
    }
  }
  out += '"';
}

// Tags as a JSON object, keys in Kafka's order: {"topic":"orders","partition":"0"}.
std::string tags_json(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string out = "{";
  for (const auto& [key, value] : tags) {
    if (out.size() > 1) out += ',';
    append_json_string(out, key);
    out += ':';
    append_json_string(out, value);
  }
  return out + "}";
}

std::optional<int64_t> optional_id(BrokerId id) {
  return id >= 0 ? std::optional<int64_t>(id) : std::nullopt;
}

}  // namespace

Status Inspector::write_header() {
  const std::pair<std::string, std::string> rows[] = {
      {"format", "klab-inspector"},
      {"schema_version", std::to_string(kSchemaVersion)},
      {"seed", std::to_string(cluster_.seed())},
      {"brokers", std::to_string(cluster_.broker_ids().size())},
      {"sample_ms", std::to_string(options_.sample_ms)},
      {"recording_started_ms", std::to_string(cluster_.now())},
  };
  for (const auto& [key, value] : rows)
    if (Status written = statements_->header.bind(1, key).bind(2, value).run(); !written) return written;
  return ok_status();
}

Result<int64_t> Inspector::write_sample(TimeMs time, std::string_view reason) {
  if (Status written = statements_->sample.bind(1, int64_t{time}).bind(2, reason).run(); !written) return written.error();
  const int64_t sample_id = database_->connection().last_insert_rowid();
  for (auto part : {&Inspector::write_brokers, &Inspector::write_topics, &Inspector::write_groups, &Inspector::write_metrics})
    if (Status written = (this->*part)(sample_id, time); !written) return written.error();
  ++samples_written_;
  return sample_id;
}

Status Inspector::write_brokers(int64_t sample_id, TimeMs time) {
  for (const Broker& broker : cluster_.brokers()) {
    Status written = statements_->broker.bind(1, sample_id)
                         .bind(2, int64_t{time})
                         .bind(3, int64_t{broker.id})
                         .bind(4, int64_t{broker.alive})
                         .bind(5, int64_t{broker.isolated})
                         .bind(6, int64_t{broker.fenced})
                         .bind(7, int64_t{broker.id == cluster_.controller()})
                         .run();
    if (!written) return written;
  }
  return ok_status();
}

Status Inspector::write_topics(int64_t sample_id, TimeMs time) {
  for (const std::string& name : cluster_.topic_names()) {
    const Topic& topic = *cluster_.find_topic(name);
    const auto replication_factor = static_cast<int64_t>(topic.partitions.front()->replicas.size());
    Status written = statements_->topic.bind(1, sample_id)
                         .bind(2, int64_t{time})
                         .bind(3, std::string_view(name))
                         .bind(4, std::string_view(topic.topic_id.to_string()))
                         .bind(5, int64_t{topic.partition_count()})
                         .bind(6, replication_factor)
                         .bind(7, int64_t{name.starts_with("__")})
                         .run();
    if (!written) return written;
    for (const auto& partition : topic.partitions) {
      const PartitionLog& log = partition->log();
      const auto replicas = static_cast<int64_t>(partition->replicas.size());
      const auto isr = static_cast<int64_t>(partition->in_sync_replicas.size());
      written = statements_->partition.bind(1, sample_id)
                    .bind(2, int64_t{time})
                    .bind(3, std::string_view(name))
                    .bind(4, int64_t{partition->id})
                    .bind(5, optional_id(partition->leader))
                    .bind(6, int64_t{partition->leader_epoch})
                    .bind(7, std::string_view(join_ids(partition->replicas)))
                    .bind(8, std::string_view(join_ids(partition->in_sync_replicas)))
                    .bind(9, replicas)
                    .bind(10, isr)
                    .bind(11, int64_t{isr < replicas})
                    .bind(12, int64_t{!partition->online()})
                    .bind(13, log.log_start_offset())
                    .bind(14, partition->high_watermark())
                    .bind(15, log.log_end_offset())
                    .bind(16, log.size_bytes())
                    .run();
      if (!written) return written;
      for (const auto& replica : partition->copies) {
        written = statements_->replica.bind(1, sample_id)
                      .bind(2, int64_t{time})
                      .bind(3, std::string_view(name))
                      .bind(4, int64_t{partition->id})
                      .bind(5, int64_t{replica->broker})
                      .bind(6, std::string_view(replica->broker == partition->leader ? "leader" : "follower"))
                      .bind(7, int64_t{partition->in_isr(replica->broker)})
                      .bind(8, int64_t{cluster_.broker_alive(replica->broker)})
                      .bind(9, replica->log.log_start_offset())
                      .bind(10, replica->high_watermark)
                      .bind(11, replica->log.log_end_offset())
                      .bind(12, replica->log.size_bytes())
                      .run();
        if (!written) return written;
      }
    }
  }
  return ok_status();
}

Status Inspector::write_groups(int64_t sample_id, TimeMs time) {
  // Only a coordinator that exists: creating one would change the cluster.
  if (!group::GroupCoordinator::find(cluster_)) return ok_status();
  for (const group::GroupOverview& overview : group::list_groups(cluster_)) {
    const group::GroupDescription description = group::describe_group(cluster_, overview.group_id);
    Status written = statements_->group.bind(1, sample_id)
                         .bind(2, int64_t{time})
                         .bind(3, std::string_view(description.group_id))
                         .bind(4, std::string_view(description.state))
                         .bind(5, std::string_view(description.protocol_type))
                         .bind(6, std::string_view(description.assignment_strategy))
                         .bind(7, int64_t{description.generation})
                         .bind(8, optional_id(description.coordinator))
                         .bind(9, static_cast<int64_t>(description.members.size()))
                         .run();
    if (!written) return written;
    for (const group::GroupPartitionRow& row : description.partitions) {
      written = statements_->group_offset.bind(1, sample_id)
                    .bind(2, int64_t{time})
                    .bind(3, std::string_view(description.group_id))
                    .bind(4, std::string_view(row.topic))
                    .bind(5, int64_t{row.partition})
                    .bind(6, row.current_offset)
                    .bind(7, row.log_end_offset)
                    .bind(8, row.lag)
                    .bind(9, std::string_view(row.consumer_id))
                    .bind(10, std::string_view(row.client_id))
                    .bind(11, std::string_view(row.host))
                    .run();
      if (!written) return written;
    }
  }
  return ok_status();
}

Status Inspector::write_metrics(int64_t sample_id, TimeMs time) {
  for (const MetricSample& metric : cluster_.metrics_registry().collect(time)) {
    Status written = statements_->metric.bind(1, sample_id)
                         .bind(2, int64_t{time})
                         .bind(3, std::string_view(metric.group))
                         .bind(4, std::string_view(metric.name))
                         .bind(5, std::string_view(tags_json(metric.tags)))
                         .bind(6, metric.value)
                         .run();
    if (!written) return written;
  }
  return ok_status();
}

Status Inspector::write_new_events() {
  const std::vector<ClusterEvent>& events = cluster_.events();
  for (; events_written_ < events.size(); ++events_written_) {
    const ClusterEvent& event = events[events_written_];
    Statement& insert = statements_->event;
    insert.bind(1, int64_t{event.time}).bind(2, std::string_view(event.kind));
    if (event.topic.empty()) insert.bind(3, std::optional<int64_t>());
    else insert.bind(3, std::string_view(event.topic));
    insert.bind(4, event.partition >= 0 ? std::optional<int64_t>(event.partition) : std::nullopt)
        .bind(5, optional_id(event.broker))
        .bind(6, std::string_view(event.description));
    if (Status written = insert.run(); !written) return written;
  }
  return ok_status();
}

}  // namespace klab::inspect
