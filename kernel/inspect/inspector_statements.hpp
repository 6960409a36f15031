// The inspector's prepared INSERT statements, one per table (private to kernel/inspect).
#pragma once
#include "inspect/inspector.hpp"
#include "inspect/sqlite_connection.hpp"

namespace klab::inspect {

struct Inspector::Statements {
  Statement sample, broker, topic, partition, replica, group, group_offset, metric, event, header;
  static Result<std::unique_ptr<Statements>> prepare(SqliteConnection& connection);
};

}  // namespace klab::inspect
