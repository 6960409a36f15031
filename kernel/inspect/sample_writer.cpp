// Inspector: what one sample writes. Reads the cluster only (Cluster's const API, the group
// coordinator's reads, the metrics registry's collect), never the scheduler or the RNG.
#include <fmt/format.h>

#include <cmath>

#include "group/group_admin.hpp"
#include "group/group_coordinator.hpp"
#include "inspect/inspect_schema.hpp"
#include <cmath>

#include "inspect/inspector.hpp"
#include "inspect/inspector_statements.hpp"

namespace klab::inspect {
namespace {

void join_ids(std::string& out, const std::vector<BrokerId>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
}

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
void append_tags_json(std::string& out, const std::vector<std::pair<std::string, std::string>>& tags) {
  out += '{';
  bool first = true;
  for (const auto& [key, value] : tags) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, key);
    out += ':';
    append_json_string(out, value);
  }
  out += '}';
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
  if (Status finished = statements_->finish_sample(sample_id); !finished) return finished.error();
  ++samples_written_;
  return sample_id;
}

Status Inspector::write_brokers(int64_t sample_id, TimeMs) {
  for (const Broker& broker : cluster_.brokers()) {
    Status written = statements_->brokers.set(0, int64_t{broker.id})
                         .set(1, int64_t{broker.alive})
                         .set(2, int64_t{broker.isolated})
                         .set(3, int64_t{broker.fenced})
                         .set(4, int64_t{broker.id == cluster_.controller()})
                         .record(sample_id);
    if (!written) return written;
  }
  return ok_status();
}

Status Inspector::write_topics(int64_t sample_id, TimeMs) {
  std::string ids;
  for (const std::string& name : cluster_.topic_names()) {
    const Topic& topic = *cluster_.find_topic(name);
    const auto replication_factor = static_cast<int64_t>(topic.partitions.front()->replicas.size());
    Status written = statements_->topics.set(0, std::string_view(name))
                         .set(1, std::string_view(topic.topic_id.to_string()))
                         .set(2, int64_t{topic.partition_count()})
                         .set(3, replication_factor)
                         .set(4, int64_t{name.starts_with("__")})
                         .record(sample_id);
    if (!written) return written;
    for (const auto& partition : topic.partitions) {
      const PartitionLog& log = partition->log();
      const auto replicas = static_cast<int64_t>(partition->replicas.size());
      const auto isr = static_cast<int64_t>(partition->in_sync_replicas.size());
      SpanTable& row = statements_->partitions;
      row.set(0, std::string_view(name))
          .set(1, int64_t{partition->id})
          .set(2, optional_id(partition->leader))
          .set(3, int64_t{partition->leader_epoch});
      ids.clear();
      join_ids(ids, partition->replicas);
      row.set(4, std::string_view(ids));
      ids.clear();
      join_ids(ids, partition->in_sync_replicas);
      written = row.set(5, std::string_view(ids))
                    .set(6, replicas)
                    .set(7, isr)
                    .set(8, int64_t{isr < replicas})
                    .set(9, int64_t{!partition->online()})
                    .set(10, log.log_start_offset())
                    .set(11, partition->high_watermark())
                    .set(12, log.log_end_offset())
                    .set(13, log.size_bytes())
                    .record(sample_id);
      if (!written) return written;
      for (const auto& replica : partition->copies) {
        written = statements_->replicas.set(0, std::string_view(name))
                      .set(1, int64_t{partition->id})
                      .set(2, int64_t{replica->broker})
                      .set(3, std::string_view(replica->broker == partition->leader ? "leader" : "follower"))
                      .set(4, int64_t{partition->in_isr(replica->broker)})
                      .set(5, int64_t{cluster_.broker_alive(replica->broker)})
                      .set(6, replica->log.log_start_offset())
                      .set(7, replica->high_watermark)
                      .set(8, replica->log.log_end_offset())
                      .set(9, replica->log.size_bytes())
                      .record(sample_id);
        if (!written) return written;
      }
    }
  }
  return ok_status();
}

Status Inspector::write_groups(int64_t sample_id, TimeMs) {
  // Only a coordinator that exists: creating one would change the cluster.
  if (!group::GroupCoordinator::find(cluster_)) return ok_status();
  for (const group::GroupOverview& overview : group::list_groups(cluster_)) {
    const group::GroupDescription description = group::describe_group(cluster_, overview.group_id);
    Status written = statements_->groups.set(0, std::string_view(description.group_id))
                         .set(1, std::string_view(description.state))
                         .set(2, std::string_view(description.protocol_type))
                         .set(3, std::string_view(description.assignment_strategy))
                         .set(4, int64_t{description.generation})
                         .set(5, optional_id(description.coordinator))
                         .set(6, static_cast<int64_t>(description.members.size()))
                         .record(sample_id);
    if (!written) return written;
    for (const group::GroupPartitionRow& row : description.partitions) {
      written = statements_->group_offsets.set(0, std::string_view(description.group_id))
                    .set(1, std::string_view(row.topic))
                    .set(2, int64_t{row.partition})
                    .set(3, row.current_offset)
                    .set(4, row.log_end_offset)
                    .set(5, row.lag)
                    .set(6, std::string_view(row.consumer_id))
                    .set(7, std::string_view(row.client_id))
                    .set(8, std::string_view(row.host))
                    .record(sample_id);
      if (!written) return written;
    }
  }
  return ok_status();
}

Status Inspector::write_metrics(int64_t sample_id, TimeMs time) {
  std::string tags;
  for (const MetricSample& metric : cluster_.metrics_registry().collect(time)) {
    // An average with nothing measured yet is NaN in Kafka (and SQLite would store NULL): such a
    // metric has no reading at this sample, so it has no row.
    if (!std::isfinite(metric.value)) continue;
    tags.clear();
    append_tags_json(tags, metric.tags);
    Status written = statements_->metrics.set(0, std::string_view(metric.group))
                         .set(1, std::string_view(metric.name))
                         .set(2, std::string_view(tags))
                         .set(3, metric.value)
                         .record(sample_id);
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
