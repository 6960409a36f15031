// The inspector's prepared statements (private to kernel/inspect): INSERTs for samples, events and
// the header, and a SpanTable per sampled table.
#pragma once
#include "inspect/inspector.hpp"
#include "inspect/span_table.hpp"
#include "inspect/sqlite_connection.hpp"

namespace klab::inspect {

struct Inspector::Statements {
  Statement sample, event, header;
  SpanTable brokers, topics, partitions, replicas, groups, group_offsets, metrics;
  static Result<std::unique_ptr<Statements>> prepare(SqliteConnection& connection);
  // Ends sample `sample_id` in every span table.
  Status finish_sample(int64_t sample_id);
};

}  // namespace klab::inspect
