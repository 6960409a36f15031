// Connect's configuration keys: those of a connector (ConnectorConfig, SinkConnectorConfig, the
// built-in connectors' own keys) and of the standalone worker klab runs. Names, types and defaults
// follow Kafka 3.7 (and the Confluent JDBC sink for its keys); the prose is ours. Keys under
// transforms.<alias>., key.converter. and value.converter. are checked by kernel/connect.
#include "base/config.hpp"

namespace klab {
namespace {

using std::string;

ConfigCatalog make_connector_catalog() {
  return ConfigCatalog(ConfigScope::Connector, {
      {"name", ConfigType::String, std::monostate{}, {}, {}, {},
       "The connector's name, unique in the worker. A sink connector's consumer group is connect-<name>."},
      {"connector.class", ConfigType::String, std::monostate{}, {}, {}, {},
       "Which connector to run: Kafka's full class name (org.apache.kafka.connect.file.FileStreamSinkConnector) "
       "or an alias (FileStreamSinkConnector, FileStreamSink). klab knows FileStreamSource, FileStreamSink, "
       "the JDBC sink for SQLite (io.confluent.connect.jdbc.JdbcSinkConnector) and connectors written in Lua."},
      {"tasks.max", ConfigType::Int, int64_t{1}, 1, {}, {},
       "The most tasks the connector may run. A sink's tasks share the partitions of its topics as members "
       "of one consumer group; FileStreamSource always runs one task."},
      {"key.converter", ConfigType::String, std::monostate{}, {}, {}, {},
       "How record keys are converted between Kafka bytes and Connect data: StringConverter, "
       "ByteArrayConverter or JsonConverter (full names org.apache.kafka.connect.storage.StringConverter, "
       "...converters.ByteArrayConverter, ...json.JsonConverter). Unset: the worker's key.converter "
       "(JsonConverter, as in connect-standalone.properties)."},
      {"value.converter", ConfigType::String, std::monostate{}, {}, {}, {},
       "How record values are converted; as key.converter. value.converter.schemas.enable=false makes "
       "JsonConverter read and write plain JSON instead of the {\"schema\":...,\"payload\":...} envelope."},
      {"transforms", ConfigType::List, std::vector<string>{}, {}, {}, {},
       "Aliases of single message transforms applied in order, each configured by "
       "transforms.<alias>.type=org.apache.kafka.connect.transforms.InsertField$Value and its own keys. klab "
       "knows InsertField, ReplaceField, MaskField and ValueToKey (see help(\"connect\"))."},
      {"errors.tolerance", ConfigType::String, string("none"), {}, {}, {"none", "all"},
       "What a failure while converting or transforming a record does. none (default): the task fails "
       "(status FAILED with the trace) and stays failed until restarted. all: the record is skipped, "
       "logged with errors.log.enable and, for a sink, written to errors.deadletterqueue.topic.name."},
      {"errors.log.enable", ConfigType::Boolean, false, {}, {}, {},
       "With errors.tolerance=all, log each skipped record's failure (the stage, the class, the record's "
       "topic, partition and offset) in the worker log."},
      {"errors.deadletterqueue.topic.name", ConfigType::String, string(""), {}, {}, {},
       "Sink connectors only: with errors.tolerance=all, records that failed conversion or a transform are "
       "written, as their original bytes, to this topic (created with one partition when missing). Empty: "
       "no dead letter queue."},
      {"errors.deadletterqueue.topic.replication.factor", ConfigType::Int, int64_t{3}, {}, {}, {},
       "Replication factor of the dead letter queue topic when the worker creates it."},
      {"errors.deadletterqueue.context.headers.enable", ConfigType::Boolean, false, {}, {}, {},
       "Add the failure's context to each dead-letter record as headers: __connect.errors.topic, .partition, "
       ".offset, .connector.name, .task.id, .stage, .class.name, .exception.class.name, .exception.message, "
       ".exception.stacktrace."},
      {"topics", ConfigType::List, std::vector<string>{}, {}, {}, {},
       "Sink connectors: the topics to consume (comma-separated). Exactly one of topics and topics.regex."},
      {"topics.regex", ConfigType::String, string(""), {}, {}, {},
       "Sink connectors: consume every topic whose whole name matches this regular expression."},
      {"file", ConfigType::String, std::monostate{}, {}, {}, {},
       "FileStreamSource: the file whose lines become records. FileStreamSink: the file each record's value "
       "is appended to, one line per record. A path relative to the worker's working directory (klab refuses "
       "paths outside it)."},
      {"topic", ConfigType::String, std::monostate{}, {}, {}, {},
       "FileStreamSource: the topic the lines are written to."},
      {"batch.size", ConfigType::Int, int64_t{2000}, 1, {}, {},
       "FileStreamSource: the most lines one poll returns."},
      {"connection.url", ConfigType::String, std::monostate{}, {}, {}, {},
       "JDBC sink: the database, jdbc:sqlite:<file> (a file in the working directory)."},
      {"table.name.format", ConfigType::String, string("${topic}"), {}, {}, {},
       "JDBC sink: the table a record goes to; ${topic} is replaced by the record's topic."},
      {"auto.create", ConfigType::Boolean, false, {}, {}, {},
       "JDBC sink: create a missing table from the first record's fields (and the primary key of pk.mode)."},
      {"insert.mode", ConfigType::String, string("insert"), {}, {}, {"insert", "upsert", "update"},
       "JDBC sink: insert (a duplicate primary key fails the task), upsert (insert or replace by primary key), "
       "or update (only rows that exist)."},
      {"pk.mode", ConfigType::String, string("none"), {}, {}, {"none", "kafka", "record_key", "record_value"},
       "JDBC sink: where the primary key comes from. none: no key; kafka: the record's topic, partition and "
       "offset (__connect_topic, __connect_partition, __connect_offset); record_key: the record key (a "
       "primitive key needs one name in pk.fields, a struct or map key gives its fields); record_value: "
       "fields of the value named by pk.fields."},
      {"pk.fields", ConfigType::List, std::vector<string>{}, {}, {}, {},
       "JDBC sink: the primary key's column names (see pk.mode)."},
      {"delete.enabled", ConfigType::Boolean, false, {}, {}, {},
       "JDBC sink: a tombstone (null value) deletes the row with the record key's primary key. Needs "
       "pk.mode=record_key."},
      {"offset.flush.interval.ms", ConfigType::Long, int64_t{60000}, 0, {}, {},
       "Worker: how often tasks commit offsets: a sink task commits its consumer group's offsets, a source "
       "task's source offsets are stored (standalone: in offset.storage.file.filename). Tasks also commit "
       "when they stop."},
      {"offset.storage.file.filename", ConfigType::String, string("connect.offsets"), {}, {}, {},
       "Worker (standalone): the file, in the working directory, where source offsets are kept across "
       "restarts of the worker. klab writes it as JSON (Kafka writes a serialized Java map)."},
  });
}

}  // namespace

const ConfigCatalog& connector_config_catalog() {
  static const ConfigCatalog catalog = make_connector_catalog();
  return catalog;
}

}  // namespace klab
