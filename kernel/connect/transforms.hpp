// Single message transforms by Kafka's names (org.apache.kafka.connect.transforms.*), applied in the
// order of `transforms`, each configured by transforms.<alias>.type and transforms.<alias>.<key>:
//   InsertField$Key / $Value   topic.field, partition.field, offset.field, timestamp.field,
//                              static.field + static.value (a trailing ! makes a field required)
//   ReplaceField$Key / $Value  exclude, include, renames (old:new,...) — Kafka 3.7's names; the
//                              deprecated blacklist / whitelist are accepted too
//   MaskField$Key / $Value     fields, replacement (default: the type's empty value)
//   ValueToKey                 fields: the key becomes those fields of the value
// A schemaless value must be a map (JSON object) and a schemaful one a struct, else Kafka's
// DataException ("Only Map objects supported in absence of schema for [field insertion], found:
// java.lang.String"). A null value (tombstone) passes InsertField, ReplaceField and MaskField untouched.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "connect/connect_record.hpp"
#include "connect/connector_config.hpp"

namespace klab::connect {

class Transform {
 public:
  virtual ~Transform() = default;
  virtual const std::string& class_name() const = 0;
  // The transformed record, or a Failure (a DataException).
  virtual Attempt<ConnectRecord> apply(ConnectRecord record, bool from_sink) const = 0;
};

// INVALID_CONFIG for an unknown type or a bad transform setting (Kafka's ConfigException text).
Result<std::vector<std::unique_ptr<Transform>>> make_transforms(const ConnectorConfig& config);
const std::vector<std::string>& known_transform_classes();

}  // namespace klab::connect
