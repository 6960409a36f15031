// Converters, transforms and the worker: what a sink writes, each errors.* outcome with the dead
// letter queue's headers, source offsets across a restart, lifecycle and bad input.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "connect/converters.hpp"
#include "connect/sqlite_query.hpp"
#include "connect/transforms.hpp"
#include "connect/worker.hpp"
#include "test_support.hpp"

namespace klab::connect {
namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "klab-connect-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string read(const std::string& name) const {
    std::ifstream in(path / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

Worker& start_worker(Cluster& cluster, const TempDir& dir) {
  WorkerOptions options;
  options.directory = dir.path.string();
  Result<Worker*> worker = Worker::start(cluster, options);
  REQUIRE(worker.ok());
  return **worker;
}

void send_values(Cluster& cluster, const std::string& topic, const std::vector<std::string>& values) {
  auto producer = test::make_producer(cluster);
  for (const std::string& value : values) REQUIRE(producer->send(ProducerRecord{.topic = topic, .value = value}).ok());
  producer->flush();
}

TEST_CASE("StringConverter and JsonConverter turn bytes into what FileStreamSink prints") {
  auto string_converter = make_converter("StringConverter", true).value();
  Attempt<SchemaAndValue> text = string_converter->to_connect("t", std::string_view("héllo"));
  REQUIRE(text.ok());
  CHECK(java_string(*text.value) == "héllo");
  auto plain = make_converter("org.apache.kafka.connect.json.JsonConverter", false).value();
  Attempt<SchemaAndValue> map = plain->to_connect("t", std::string_view(R"({"b":1,"a":[1,2.5],"c":null})"));
  REQUIRE(map.ok());
  CHECK(java_string(*map.value) == "{a=[1, 2.5], b=1, c=null}");  // java.util.HashMap order
  auto enveloped = make_converter("Json", true).value();
  Attempt<SchemaAndValue> structured = enveloped->to_connect(
      "t", std::string_view(R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},)"
                            R"({"type":"string","optional":true,"field":"name"}]},"payload":{"id":7,"name":null}})"));
  REQUIRE(structured.ok());
  CHECK(java_string(*structured.value) == "Struct{id=7}");
  Attempt<std::optional<std::string>> back = enveloped->from_connect("t", *structured.value);
  REQUIRE(back.ok());
  CHECK(**back.value == R"({"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},)"
                        R"({"type":"string","optional":true,"field":"name"}],"optional":false},"payload":{"id":7,"name":null}})");
  auto bytes = make_converter("ByteArrayConverter", true).value();
  Attempt<std::optional<std::string>> refused = bytes->from_connect("t", SchemaAndValue{schema_of_type("string", false), "x"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.failure->message == "Invalid schema type for ByteArrayConverter: STRING");
}

TEST_CASE("JsonConverter fails as Kafka's does: malformed JSON, and plain JSON with schemas.enable") {
  auto enveloped = make_converter("JsonConverter", true).value();
  Attempt<SchemaAndValue> malformed = enveloped->to_connect("t", std::string_view("oops"));
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.failure->exception_class == kDataException);
  CHECK(malformed.failure->message == "Converting byte[] to Kafka Connect data failed due to serialization error: ");
  CHECK(malformed.failure->trace().find("Unrecognized token 'oops'") != std::string::npos);
  Attempt<SchemaAndValue> plain = enveloped->to_connect("t", std::string_view(R"({"id":1})"));
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.failure->message.starts_with("JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields"));
  CHECK(make_converter("AvroConverter", true).error().message.find("JsonConverter") != std::string::npos);
}

TEST_CASE("transforms: InsertField, ReplaceField, MaskField and ValueToKey by Kafka's names") {
  Result<ConnectorConfig> config = parse_connector_config(
      {{"name", "s"}, {"connector.class", "FileStreamSink"}, {"file", "f"}, {"topics", "t"},
       {"transforms", "insert,replace,mask,key"},
       {"transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
       {"transforms.insert.topic.field", "source_topic"},
       {"transforms.replace.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
       {"transforms.replace.exclude", "secret"}, {"transforms.replace.renames", "id:order_id"},
       {"transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value"},
       {"transforms.mask.fields", "card"},
       {"transforms.key.type", "org.apache.kafka.connect.transforms.ValueToKey"}, {"transforms.key.fields", "order_id"}});
  REQUIRE(config.ok());
  Result<std::vector<std::unique_ptr<Transform>>> transforms = make_transforms(*config);
  REQUIRE(transforms.ok());
  ConnectRecord record;
  record.topic = "t";
  record.value = SchemaAndValue{std::nullopt, Json::parse(R"({"id":5,"secret":"s","card":"4111"})")};
  for (const auto& transform : *transforms) {
    Attempt<ConnectRecord> next = transform->apply(record, true);
    REQUIRE(next.ok());
    record = std::move(*next.value);
  }
  CHECK(record.value.value == Json::parse(R"({"order_id":5,"card":"","source_topic":"t"})"));
  CHECK(record.key.value == Json::parse(R"({"order_id":5})"));
  record.value = SchemaAndValue{std::nullopt, "plain"};
  Attempt<ConnectRecord> refused = (*transforms)[0]->apply(record, true);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.failure->message == "Only Map objects supported in absence of schema for [field insertion], found: java.lang.String");
  record.value = SchemaAndValue{schema_of_type("string", true), "plain"};
  refused = (*transforms)[0]->apply(record, true);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.failure->message == "Only Struct objects supported for [field insertion], found: java.lang.String");
}

TEST_CASE("InsertField on a struct adds an optional field to the schema and the value") {
  Result<ConnectorConfig> config = parse_connector_config(
      {{"name", "s"}, {"connector.class", "FileStreamSink"}, {"file", "f"}, {"topics", "t"}, {"transforms", "where"},
       {"transforms.where.type", "InsertField$Value"}, {"transforms.where.partition.field", "from_partition"}});
  REQUIRE(config.ok());
  auto transforms = std::move(make_transforms(*config).value());
  ConnectRecord record;
  record.topic = "t";
  record.partition = 2;
  record.value = SchemaAndValue{Json::parse(R"({"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false})"),
                                Json::parse(R"({"id":1})")};
  Attempt<ConnectRecord> inserted = transforms[0]->apply(record, true);
  REQUIRE(inserted.ok());
  CHECK(java_string(inserted.value->value) == "Struct{id=1,from_partition=2}");
  CHECK((*inserted.value->value.schema)["fields"][1] == Json::parse(R"({"type":"int32","optional":true,"field":"from_partition"})"));
}

TEST_CASE("connector configs: unknown class, missing key, typo, and a sink without topics are refused") {
  CHECK(parse_connector_config({{"name", "x"}, {"connector.class", "Nope"}}).error().message.find("FileStreamSink") != std::string::npos);
  CHECK(parse_connector_config({{"name", "x"}, {"connector.class", "FileStreamSink"}, {"topics", "t"}}).error().message ==
        "Missing required configuration \"file\" which has no default value.");
  CHECK(parse_connector_config({{"name", "x"}, {"connector.class", "FileStreamSink"}, {"topics", "t"}, {"fille", "f"}})
            .error().message.find("did you mean 'file'") != std::string::npos);
  CHECK(parse_connector_config({{"name", "x"}, {"connector.class", "FileStreamSink"}, {"file", "f"}}).error().message ==
        "Must configure one of topics or topics.regex");
}

TEST_CASE("a file sink writes each value on a line and commits as group connect-<name>") {
  TempDir dir;
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "news", 1, 3);
  Worker& worker = start_worker(*cluster, dir);
  REQUIRE(worker.create({{"name", "sink"}, {"connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector"},
                         {"file", "out.txt"}, {"topics", "news"},
                         {"value.converter", "org.apache.kafka.connect.storage.StringConverter"}}).ok());
  send_values(*cluster, "news", {"a", "b", "c"});
  cluster->advance(70000);
  CHECK(dir.read("out.txt") == "a\nb\nc\n");
  auto reader = test::make_consumer(*cluster, {{"group.id", test::str("connect-sink")}});
  Result<std::optional<OffsetAndMetadata>> committed = reader->committed(TopicPartition{"news", 0});
  REQUIRE(committed.ok());
  REQUIRE(committed->has_value());
  CHECK((*committed)->offset == 3);
}

TEST_CASE("errors.tolerance: none fails the task, all skips, and the dead letter queue has Kafka's headers") {
  TempDir dir;
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "orders", 1, 3);
  Worker& worker = start_worker(*cluster, dir);
  send_values(*cluster, "orders", {R"({"id":1})", "oops", R"({"id":2})"});
  Entries common = {{"connector.class", "FileStreamSink"}, {"topics", "orders"},
                    {"key.converter", "StringConverter"}, {"value.converter", "JsonConverter"},
                    {"value.converter.schemas.enable", "false"}};
  auto with = [&](Entries extra) {
    Entries all = common;
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  };
  REQUIRE(worker.create(with({{"name", "strict"}, {"file", "strict.txt"}})).ok());
  REQUIRE(worker.create(with({{"name", "tolerant"}, {"file", "tolerant.txt"}, {"errors.tolerance", "all"}})).ok());
  REQUIRE(worker.create(with({{"name", "dlq"}, {"file", "dlq.txt"}, {"errors.tolerance", "all"},
                              {"errors.deadletterqueue.topic.name", "dlq-orders"},
                              {"errors.deadletterqueue.context.headers.enable", "true"}})).ok());
  cluster->advance(10000);
  Result<ConnectorStatus> strict = worker.status("strict");
  REQUIRE(strict.ok());
  CHECK(strict->tasks.at(0).state == State::Failed);
  CHECK(strict->tasks.at(0).trace.starts_with("org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n"
                                              "Caused by: org.apache.kafka.connect.errors.DataException: "));
  CHECK(dir.read("strict.txt").empty());
  CHECK(worker.status("tolerant")->tasks.at(0).state == State::Running);
  CHECK(dir.read("tolerant.txt") == "{id=1}\n{id=2}\n");
  auto reader = test::make_consumer(*cluster, {{"auto.offset.reset", test::str("earliest")}});
  REQUIRE(reader->assign({TopicPartition{"dlq-orders", 0}}).ok());
  std::vector<ConsumerRecord> records;
  REQUIRE(reader->poll(1000, records).ok());
  REQUIRE(records.size() == 1);
  CHECK(records[0].value == std::optional<std::string_view>("oops"));
  std::vector<std::pair<std::string, std::string>> headers;
  records[0].headers.for_each([&](const HeaderView& h) { headers.emplace_back(std::string(h.key), std::string(h.value.value_or(""))); });
  REQUIRE(headers.size() == 10);
  CHECK(headers[0] == std::pair<std::string, std::string>{"__connect.errors.topic", "orders"});
  CHECK(headers[1] == std::pair<std::string, std::string>{"__connect.errors.partition", "0"});
  CHECK(headers[2] == std::pair<std::string, std::string>{"__connect.errors.offset", "1"});
  CHECK(headers[3] == std::pair<std::string, std::string>{"__connect.errors.connector.name", "dlq"});
  CHECK(headers[4] == std::pair<std::string, std::string>{"__connect.errors.task.id", "0"});
  CHECK(headers[5] == std::pair<std::string, std::string>{"__connect.errors.stage", "VALUE_CONVERTER"});
  CHECK(headers[6] == std::pair<std::string, std::string>{"__connect.errors.class.name", "org.apache.kafka.connect.json.JsonConverter"});
  CHECK(headers[7] == std::pair<std::string, std::string>{"__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException"});
  CHECK(headers[8].first == "__connect.errors.exception.message");
  CHECK(headers[9].first == "__connect.errors.exception.stacktrace");
  // A restarted failed task fails again on the same record: its offset was never committed.
  REQUIRE(worker.restart("strict").ok());
  CHECK(worker.status("strict")->tasks.at(0).state == State::Failed);  // connector only, as in Kafka
  REQUIRE(worker.restart("strict", true, true).ok());
  CHECK(worker.status("strict")->tasks.at(0).state == State::Running);
  cluster->advance(10000);
  CHECK(worker.status("strict")->tasks.at(0).state == State::Failed);
}

TEST_CASE("FileStreamSource resumes after the last stored line when its task restarts") {
  TempDir dir;
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "lines", 1, 3);
  Worker& worker = start_worker(*cluster, dir);
  REQUIRE(worker.directory().write("in.txt", "one\ntwo\n", false).ok());
  REQUIRE(worker.create({{"name", "src"}, {"connector.class", "FileStreamSource"}, {"file", "in.txt"}, {"topic", "lines"},
                         {"value.converter", "StringConverter"}}).ok());
  cluster->advance(2000);
  REQUIRE(worker.restart_task("src", 0).ok());  // stopping stores the offsets
  CHECK(dir.read("connect.offsets").find(R"("position":8)") != std::string::npos);
  REQUIRE(worker.directory().write("in.txt", "three\npartial", true).ok());
  cluster->advance(2000);
  auto reader = test::make_consumer(*cluster, {{"auto.offset.reset", test::str("earliest")}});
  REQUIRE(reader->assign({TopicPartition{"lines", 0}}).ok());
  std::vector<ConsumerRecord> records;
  REQUIRE(reader->poll(1000, records).ok());
  std::vector<std::string> values;
  for (const ConsumerRecord& r : records) values.emplace_back(*r.value);
  CHECK(values == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("lifecycle: pause holds records back, resume delivers them, delete removes the connector") {
  TempDir dir;
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 3);
  Worker& worker = start_worker(*cluster, dir);
  REQUIRE(worker.create({{"name", "s"}, {"connector.class", "FileStreamSink"}, {"file", "o.txt"}, {"topics", "t"},
                         {"value.converter", "StringConverter"}}).ok());
  cluster->advance(5000);
  REQUIRE(worker.pause("s").ok());
  CHECK(worker.status("s")->state == State::Paused);
  CHECK(worker.status("s")->tasks.at(0).state == State::Paused);
  send_values(*cluster, "t", {"x"});
  cluster->advance(1000);
  CHECK(dir.read("o.txt").empty());
  REQUIRE(worker.resume("s").ok());
  cluster->advance(1000);
  CHECK(dir.read("o.txt") == "x\n");
  REQUIRE(worker.remove("s").ok());
  CHECK(worker.list().empty());
  CHECK_FALSE(worker.status("s").ok());
  CHECK(worker.status("s").error().message == "Connector s not found");
}

TEST_CASE("a sink file outside the working directory fails the task with the reason") {
  TempDir dir;
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1);
  Worker& worker = start_worker(*cluster, dir);
  Result<ConnectorStatus> created = worker.create({{"name", "s"}, {"connector.class", "FileStreamSink"}, {"file", "../escape.txt"}, {"topics", "t"}});
  REQUIRE(created.ok());
  CHECK(created->tasks.at(0).state == State::Failed);
  CHECK(created->tasks.at(0).trace.find("outside the Connect working directory") != std::string::npos);
}

}  // namespace
}  // namespace klab::connect

namespace klab::connect {
namespace {

TEST_CASE("the JDBC sink for SQLite creates the table, upserts by key and deletes on tombstones") {
  TempDir dir;
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "customers", 1, 3);
  Worker& worker = start_worker(*cluster, dir);
  REQUIRE(worker.create({{"name", "db"}, {"connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector"},
                         {"connection.url", "jdbc:sqlite:shop.db"}, {"topics", "customers"}, {"auto.create", "true"},
                         {"insert.mode", "upsert"}, {"pk.mode", "record_key"}, {"pk.fields", "id"},
                         {"delete.enabled", "true"}, {"key.converter", "StringConverter"},
                         {"value.converter", "JsonConverter"}}).ok());
  const std::string schema = R"({"type":"struct","fields":[{"type":"string","optional":false,"field":"name"},)"
                             R"({"type":"int32","optional":true,"field":"age"}]})";
  auto producer = test::make_producer(*cluster);
  auto send = [&](std::string key, std::optional<std::string> value) {
    ProducerRecord record{.topic = "customers", .key = key};
    if (value) record.value = *value;
    REQUIRE(producer->send(record).ok());
  };
  const std::string alice1 = R"({"schema":)" + schema + R"(,"payload":{"name":"alice","age":30}})";
  const std::string bob = R"({"schema":)" + schema + R"(,"payload":{"name":"bob","age":null}})";
  const std::string alice2 = R"({"schema":)" + schema + R"(,"payload":{"name":"alice","age":31}})";
  send("a", alice1);
  send("b", bob);
  send("a", alice2);
  send("b", std::nullopt);
  producer->flush();
  cluster->advance(6000);
  REQUIRE(worker.status("db")->tasks.at(0).state == State::Running);
  Result<QueryResult> rows = query_sqlite(worker.directory(), "shop.db", "SELECT id, name, age FROM customers ORDER BY id");
  REQUIRE(rows.ok());
  REQUIRE(rows->rows.size() == 1);
  CHECK(rows->rows[0][0].text == "a");
  CHECK(rows->rows[0][1].text == "alice");
  CHECK(rows->rows[0][2].text == "31");
  CHECK_FALSE(query_sqlite(worker.directory(), "shop.db", "DELETE FROM customers").ok());  // read-only
  CHECK_FALSE(query_sqlite(worker.directory(), "../shop.db", "SELECT 1").ok());
}

TEST_CASE("the JDBC sink in insert mode fails its task on a duplicate key, and without auto.create on a missing table") {
  TempDir dir;
  auto cluster = test::make_cluster();
  test::make_topic(*cluster, "t", 1, 1);
  Worker& worker = start_worker(*cluster, dir);
  REQUIRE(worker.create({{"name", "missing"}, {"connector.class", "JdbcSink"}, {"connection.url", "jdbc:sqlite:a.db"},
                         {"topics", "t"}, {"value.converter", "JsonConverter"}, {"value.converter.schemas.enable", "false"},
                         {"key.converter", "StringConverter"}}).ok());
  REQUIRE(worker.create({{"name", "dupes"}, {"connector.class", "JdbcSink"}, {"connection.url", "jdbc:sqlite:b.db"},
                         {"topics", "t"}, {"value.converter", "JsonConverter"}, {"value.converter.schemas.enable", "false"},
                         {"key.converter", "StringConverter"}, {"auto.create", "true"}, {"pk.mode", "record_value"},
                         {"pk.fields", "id"}}).ok());
  auto producer = test::make_producer(*cluster);
  for (int i = 0; i < 2; ++i) REQUIRE(producer->send(ProducerRecord{.topic = "t", .value = R"({"id":1})"}).ok());
  producer->flush();
  cluster->advance(6000);
  ConnectorStatus missing = *worker.status("missing");
  CHECK(missing.tasks.at(0).state == State::Failed);
  CHECK(missing.tasks.at(0).trace.find("Table \"t\" is missing and auto-creation is disabled") != std::string::npos);
  ConnectorStatus dupes = *worker.status("dupes");
  CHECK(dupes.tasks.at(0).state == State::Failed);
  CHECK(dupes.tasks.at(0).trace.find("UNIQUE constraint failed") != std::string::npos);
}

}  // namespace
}  // namespace klab::connect
