// The inspector records what the kernel holds: every sampled table equals the kernel's own state at
// the sample's simulated time; it samples lazily (no timer of its own) and never changes a run; its
// database refuses writes, non-klab files and unwritable paths.
#include <doctest/doctest.h>

#include <cmath>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "group/group_admin.hpp"
#include "group_support.hpp"
#include "inspect/inspect_schema.hpp"
#include "inspect/inspector.hpp"

using namespace klab;
using test::num;
using test::str;

namespace {

std::string text(const inspect::SqlValue& value) {
  if (const auto* integer = std::get_if<int64_t>(&value)) return std::to_string(*integer);
  if (const auto* real = std::get_if<double>(&value)) return fmt::format("{}", *real);
  if (const auto* string = std::get_if<std::string>(&value)) return *string;
  return "NULL";
}

// Each row of a query as its values joined by '|'.
std::vector<std::string> rows(inspect::InspectDatabase& database, const std::string& sql) {
  Result<inspect::QueryResult> result = database.query(sql);
  REQUIRE_MESSAGE(result.ok(), result.error().message);
  std::vector<std::string> out;
  for (const auto& row : result->rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) line += (i ? "|" : "") + text(row[i]);
    out.push_back(line);
  }
  return out;
}

int64_t single_integer(inspect::InspectDatabase& database, const std::string& sql) {
  std::vector<std::string> found = rows(database, sql);
  REQUIRE(found.size() == 1);
  return std::stoll(found[0]);
}

std::string lines(const std::vector<std::string>& rows) { return fmt::format("{}", fmt::join(rows, "\n")); }

// What differs between two row lists, for a readable failure: "-" recorded only, "+" kernel only.
std::string difference(const std::vector<std::string>& recorded, const std::vector<std::string>& kernel) {
  if (recorded == kernel) return "";
  std::string out;
  for (std::size_t i = 0; i < std::max(recorded.size(), kernel.size()); ++i) {
    const std::string a = i < recorded.size() ? recorded[i] : "(none)", b = i < kernel.size() ? kernel[i] : "(none)";
    if (a != b) out += fmt::format("row {}: recorded {} kernel {}\n", i, a, b);
  }
  return out;
}

std::string optional_text(const std::optional<int64_t>& value) { return value ? std::to_string(*value) : "NULL"; }

// The kernel's own view at one instant, in the same shape as the queries below return it.
struct KernelView {
  std::vector<std::string> partitions, replicas, brokers, group_offsets, groups, metrics;
};

KernelView kernel_view(Cluster& cluster) {
  KernelView view;
  for (const std::string& name : cluster.topic_names()) {
    Result<TopicDescription> description = cluster.describe_topic(name);
    REQUIRE(description.ok());
    for (const PartitionDescription& p : description->partitions) {
      view.partitions.push_back(fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", name, p.partition,
                                            p.leader >= 0 ? std::to_string(p.leader) : "NULL",
                                            fmt::join(p.in_sync_replicas, ","), p.log_start_offset, p.high_watermark,
                                            p.log_end_offset, p.in_sync_replicas.size() < p.replicas.size() ? 1 : 0));
      for (BrokerId broker : p.replicas) {
        const Replica* replica = cluster.find_replica(name, p.partition, broker);
        REQUIRE(replica != nullptr);
        view.replicas.push_back(fmt::format("{}|{}|{}|{}|{}|{}", name, p.partition, broker, replica->log.log_start_offset(),
                                            replica->high_watermark, replica->log.log_end_offset()));
      }
    }
  }
  for (const Broker& broker : cluster.brokers())
    view.brokers.push_back(fmt::format("{}|{}|{}", broker.id, broker.alive ? 1 : 0, broker.id == cluster.controller() ? 1 : 0));
  for (const group::GroupOverview& overview : group::list_groups(cluster)) {
    const group::GroupDescription description = group::describe_group(cluster, overview.group_id);
    view.groups.push_back(fmt::format("{}|{}|{}|{}", description.group_id, description.state, description.generation,
                                      description.members.size()));
    for (const group::GroupPartitionRow& row : description.partitions)
      view.group_offsets.push_back(fmt::format("{}|{}|{}|{}|{}|{}", description.group_id, row.topic, row.partition,
                                               optional_text(row.current_offset), row.log_end_offset, optional_text(row.lag)));
  }
  std::sort(view.group_offsets.begin(), view.group_offsets.end());
  for (const MetricSample& metric : cluster.metrics_registry().collect(cluster.now()))
    if (std::isfinite(metric.value))  // NaN: nothing measured yet, no row
      view.metrics.push_back(fmt::format("{}|{}|{}", metric.group, metric.name, metric.value));
  // The views have no insertion order (rowid): compare as sorted lists.
  std::sort(view.replicas.begin(), view.replicas.end());
  std::sort(view.metrics.begin(), view.metrics.end());
  return view;
}

KernelView recorded_view(inspect::InspectDatabase& database, TimeMs time) {
  const std::string at = fmt::format(" WHERE time_ms = {} AND sample_id = (SELECT MIN(sample_id) FROM samples WHERE time_ms = {})", time, time);
  KernelView view;
  view.partitions = rows(database, "SELECT topic, partition, leader, isr, log_start_offset, high_watermark, log_end_offset, "
                                   "under_replicated FROM partitions" + at + " ORDER BY topic, partition");
  view.replicas = rows(database, "SELECT topic, partition, broker, log_start_offset, high_watermark, log_end_offset FROM "
                                 "replicas" + at);
  std::sort(view.replicas.begin(), view.replicas.end());
  view.brokers = rows(database, "SELECT broker, alive, controller FROM brokers" + at + " ORDER BY broker");
  view.groups = rows(database, "SELECT group_id, state, generation, members FROM groups" + at + " ORDER BY group_id");
  view.group_offsets = rows(database, "SELECT group_id, topic, partition, committed_offset, log_end_offset, lag FROM "
                                      "group_offsets" + at);
  std::sort(view.group_offsets.begin(), view.group_offsets.end());
  view.metrics = rows(database, "SELECT metric_group, name, value FROM metrics" + at);
  std::sort(view.metrics.begin(), view.metrics.end());
  return view;
}

ConfigEntries monitored_topic_config() { return {{"min.insync.replicas", num(2)}}; }

// A run with replication, a group that keeps up, one that polls rarely, and a broker failure.
// `at_boundary(time)` is called whenever the clock stands exactly on a multiple of 1000 ms.
template <class AtBoundary>
void monitored_run(Cluster& cluster, AtBoundary at_boundary) {
  test::make_topic(cluster, "orders", 3, 3, monitored_topic_config());
  auto producer = test::make_producer(cluster, {{"acks", str("all")}, {"linger.ms", num(5)}});
  auto fast = test::group_consumer(cluster, "fast");
  auto slow = test::group_consumer(cluster, "slow", {{"max.poll.records", num(5)}});
  REQUIRE(fast->subscribe({"orders"}).ok());
  REQUIRE(slow->subscribe({"orders"}).ok());
  std::vector<ConsumerRecord> records;
  for (int step = 1; step <= 24; ++step) {
    for (int i = 0; i < 20; ++i)
      REQUIRE(producer->send(ProducerRecord{.topic = "orders", .key = "k" + std::to_string(step * 31 + i), .value = "v"}).ok());
    REQUIRE(fast->poll(200, records).ok());
    if (step % 4 == 0) REQUIRE(slow->poll(50, records).ok());
    if (step == 8) REQUIRE(cluster.stop_broker(2).ok());
    if (step == 16) REQUIRE(cluster.start_broker(2).ok());
    const TimeMs boundary = (cluster.now() / 1000 + 1) * 1000;
    cluster.advance(boundary - cluster.now());
    at_boundary(cluster.now());
    // Off the boundary before anything else happens, so the sample taken as the clock leaves it
    // holds exactly the state at_boundary saw.
    cluster.advance(1);
  }
  producer->flush();
  REQUIRE(fast->close().ok());
  REQUIRE(slow->close().ok());
}

std::string temp_path(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() / fmt::format("klab-inspector-test-{}-{}", ::getpid(), name);
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  return path.string();
}

}  // namespace

TEST_CASE("every table the inspector samples equals the kernel's own state at the sample's simulated time") {
  auto cluster = test::make_cluster(ClusterOptions{3, 11, {}, 1});
  Result<inspect::Inspector*> inspector = inspect::Inspector::start(*cluster, ":memory:", {1000});
  REQUIRE(inspector.ok());
  std::map<TimeMs, KernelView> expected;
  monitored_run(*cluster, [&](TimeMs time) { expected[time] = kernel_view(*cluster); });
  REQUIRE((*inspector)->catch_up().ok());
  inspect::InspectDatabase& database = *(*inspector)->database();
  REQUIRE(expected.size() >= 20);
  bool saw_lag = false, saw_under_replicated = false;
  for (const auto& [time, view] : expected) {
    CAPTURE(time);
    const KernelView recorded = recorded_view(database, time);
    CHECK(difference(recorded.partitions, view.partitions) == "");
    CHECK(difference(recorded.replicas, view.replicas) == "");
    CHECK(difference(recorded.brokers, view.brokers) == "");
    CHECK(difference(recorded.groups, view.groups) == "");
    CHECK(difference(recorded.group_offsets, view.group_offsets) == "");
    CHECK(difference(recorded.metrics, view.metrics) == "");
    for (const std::string& row : view.group_offsets) saw_lag |= row.starts_with("slow|") && !row.ends_with("|0") && !row.ends_with("NULL");
    for (const std::string& row : view.partitions) saw_under_replicated |= row.ends_with("|1");
  }
  CHECK(saw_lag);                // the slow group fell behind
  CHECK(saw_under_replicated);   // broker 2 was down
  // Topics: one row per topic per sample, with the kernel's ids.
  CHECK(rows(database, fmt::format("SELECT topic, topic_id, partitions, replication_factor FROM topics WHERE time_ms = {} "
                                   "AND topic = 'orders'", expected.rbegin()->first)) ==
        std::vector<std::string>{"orders|" + cluster->find_topic("orders")->topic_id.to_string() + "|3|3"});
  // Events: all of them, in order, with their times.
  std::vector<std::string> events;
  for (const ClusterEvent& event : cluster->events())
    events.push_back(fmt::format("{}|{}|{}|{}", event.time, event.kind, event.topic.empty() ? "NULL" : event.topic, event.description));
  CHECK(rows(database, "SELECT time_ms, kind, topic, description FROM events ORDER BY event_id") == events);
  CHECK(rows(database, "SELECT DISTINCT new_leader FROM leader_elections WHERE topic = 'orders'").size() >= 1);
}

TEST_CASE("sampled tables are stored as spans: a sample writes rows only for what changed") {
  auto cluster = test::make_cluster(ClusterOptions{3, 17, {}, 1});
  test::make_topic(*cluster, "orders", 3, 3);
  test::make_topic(*cluster, "scratch", 1, 1);
  cluster->advance(2000);
  Result<inspect::Inspector*> inspector = inspect::Inspector::start(*cluster, ":memory:", {1000});
  REQUIRE(inspector.ok());
  // Half-second steps: every multiple is sampled (a longer idle move would keep its ends only).
  const auto advance = [&](int steps) {
    for (int i = 0; i < steps; ++i) cluster->advance(500);
  };
  advance(7);  // samples at 2000, 3000, 4000, 5000: nothing changes
  REQUIRE((*inspector)->catch_up().ok());
  inspect::InspectDatabase& database = *(*inspector)->database();
  CHECK(single_integer(database, "SELECT COUNT(*) FROM samples") == 4);
  // One open span per partition, read through the view as one row per partition per sample.
  CHECK(single_integer(database, "SELECT COUNT(*) FROM partition_spans WHERE topic = 'orders' AND last_sample IS NULL") == 3);
  CHECK(single_integer(database, "SELECT COUNT(*) FROM partition_spans WHERE topic = 'orders'") == 3);
  CHECK(single_integer(database, "SELECT COUNT(*) FROM partitions WHERE topic = 'orders'") == 12);
  CHECK(single_integer(database, "SELECT COUNT(*) FROM broker_spans") == 3);
  // A change closes the open span at the sample before it and opens another.
  const BrokerId stopped = cluster->controller() == 2 ? 1 : 2;  // the controller stays
  REQUIRE(cluster->stop_broker(stopped).ok());
  REQUIRE(cluster->delete_topic("scratch").ok());
  advance(4);  // samples at 6000, 7000
  REQUIRE((*inspector)->catch_up().ok());
  CHECK(rows(database, fmt::format("SELECT first_sample, IFNULL(last_sample, 'open'), alive FROM broker_spans "
                                   "WHERE broker = {} ORDER BY first_sample", stopped)) ==
        std::vector<std::string>{"1|4|1", "5|open|0"});
  CHECK(rows(database, fmt::format("SELECT time_ms, alive FROM brokers WHERE broker = {} ORDER BY sample_id", stopped)) ==
        std::vector<std::string>{"2000|1", "3000|1", "4000|1", "5000|1", "6000|0", "7000|0"});
  CHECK(single_integer(database, fmt::format("SELECT COUNT(*) FROM broker_spans WHERE broker <> {}", stopped)) == 2);
  // A topic that is gone: its spans end at the last sample that saw it.
  CHECK(rows(database, "SELECT DISTINCT last_sample FROM partition_spans WHERE topic = 'scratch'") == std::vector<std::string>{"4"});
  CHECK(single_integer(database, "SELECT MAX(time_ms) FROM topics WHERE topic = 'scratch'") == 5000);
}

TEST_CASE("a file recording commits clock moves in batches, and whatever is reported first") {
  auto cluster = test::make_cluster(ClusterOptions{1, 19, {}, 1});
  const std::string path = temp_path("batched.sqlite");
  Result<inspect::Inspector*> inspector = inspect::Inspector::start(*cluster, path, {100});
  REQUIRE(inspector.ok());
  for (int i = 0; i < 10; ++i) cluster->advance(100);  // 10 moves: fewer than a batch
  const auto committed_samples = [&] {
    Result<std::unique_ptr<inspect::InspectDatabase>> reader = inspect::InspectDatabase::open_existing(path);
    REQUIRE(reader.ok());
    return single_integer(**reader, "SELECT COUNT(*) FROM samples");
  };
  CHECK(committed_samples() == 0);  // another connection sees only what is committed
  REQUIRE((*inspector)->catch_up().ok());  // what a query does first
  CHECK(committed_samples() == 11);
  for (int i = 0; i < 200; ++i) cluster->advance(100);  // more than a batch: committed on the way
  CHECK(committed_samples() >= 11 + 64);
  (*inspector)->close();
  CHECK(committed_samples() == 11 + 200);
  std::filesystem::remove(path);
}

TEST_CASE("the inspector samples every multiple of inspect.sample.ms, and a quiet stretch at its ends only") {
  auto cluster = test::make_cluster(ClusterOptions{1, 3, {}, 1});
  Result<inspect::Inspector*> inspector = inspect::Inspector::start(*cluster, ":memory:", {250});
  REQUIRE(inspector.ok());
  // The only events: every 100 ms up to 1000, one at 1600, then an idle hour.
  for (TimeMs t = 100; t <= 1000; t += 100) cluster->scheduler().schedule_at(t, [] {});
  cluster->scheduler().schedule_at(1600, [] {});
  cluster->advance(1600 + 3600 * 1000);
  REQUIRE((*inspector)->catch_up().ok());
  inspect::InspectDatabase& database = *(*inspector)->database();
  // 0..750 one move at a time; the move 1000 -> 1600 crosses three multiples and keeps them all; the
  // idle hour 1600 -> 3601600 is kept at its first and last multiple.
  CHECK(lines(rows(database, "SELECT time_ms FROM samples ORDER BY sample_id")) ==
        lines({"0", "250", "500", "750", "1000", "1250", "1500", "1750", "3601500"}));
  CHECK(cluster->scheduler().pending_events() == 0);  // the inspector keeps no timer
  // catch_up() writes the multiple the clock stands on; sample_now() adds one on demand.
  cluster->advance(400);
  REQUIRE((*inspector)->catch_up().ok());
  CHECK(rows(database, "SELECT MAX(time_ms) FROM samples") == std::vector<std::string>{"3602000"});
  Result<int64_t> sample = (*inspector)->sample_now();
  REQUIRE(sample.ok());
  CHECK(rows(database, fmt::format("SELECT time_ms, reason FROM samples WHERE sample_id = {}", *sample)) ==
        std::vector<std::string>{"3602000|on demand"});
}

TEST_CASE("a run is the same with the inspector on or off") {
  auto transcript = [](bool inspect_on) {
    auto cluster = test::make_cluster(ClusterOptions{3, 29, {}, 1});
    if (inspect_on) REQUIRE(inspect::Inspector::start(*cluster, ":memory:", {100}).ok());
    std::vector<std::string> lines;
    monitored_run(*cluster, [&](TimeMs time) {
      for (const std::string& row : kernel_view(*cluster).group_offsets) lines.push_back(fmt::format("{} {}", time, row));
    });
    for (const ClusterEvent& event : cluster->events()) lines.push_back(fmt::format("{} {} {}", event.time, event.kind, event.description));
    lines.push_back(fmt::format("end {} pending {}", cluster->now(), cluster->scheduler().pending_events()));
    return lines;
  };
  CHECK(transcript(true) == transcript(false));
}

TEST_CASE("the inspector database is read-only to queries and explains malformed SQL") {
  auto cluster = test::make_cluster(ClusterOptions{1, 5, {}, 1});
  Result<inspect::Inspector*> inspector = inspect::Inspector::start(*cluster, ":memory:", {1000});
  REQUIRE(inspector.ok());
  cluster->advance(3000);
  inspect::InspectDatabase& database = *(*inspector)->database();
  auto refused = [&](const std::string& sql) {
    Result<inspect::QueryResult> result = database.query(sql);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::INVALID_REQUEST);
    return result.error().message;
  };
  CHECK(refused("SELEC * FROM samples") == "near \"SELEC\": syntax error");
  CHECK(refused("SELECT * FROM no_such_table") == "no such table: no_such_table");
  for (const char* write : {"DELETE FROM samples", "INSERT INTO samples VALUES (99, 0, 'x')", "DROP TABLE samples",
                            "UPDATE samples SET time_ms = 0", "CREATE TABLE mine (x)", "CREATE TEMP VIEW v AS SELECT 1",
                            "ATTACH DATABASE '/tmp/klab-attack.sqlite' AS a", "PRAGMA journal_mode = DELETE",
                            "PRAGMA writable_schema = 1", "VACUUM", "BEGIN", "REPLACE INTO samples VALUES (1, 0, 'x')"}) {
    CAPTURE(write);
    CHECK(refused(write).find("read-only") != std::string::npos);
  }
  CHECK_FALSE(std::filesystem::exists("/tmp/klab-attack.sqlite"));
  CHECK(refused("SELECT 1; DELETE FROM samples").starts_with("one statement at a time"));
  CHECK(refused("  -- only a comment\n") == "no SQL statement given");
  CHECK(single_integer(database, "SELECT COUNT(*) FROM samples") == 3);  // nothing was deleted
  // Read-only PRAGMAs that describe the schema are allowed.
  CHECK(rows(database, "PRAGMA table_info(samples)").size() == 3);
  // A query that would never end is stopped by a step budget (graded scripts run with one).
  Result<inspect::QueryResult> endless =
      database.query("WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT COUNT(*) FROM r",
                     inspect::QueryLimits{1'000'000, 0});
  REQUIRE_FALSE(endless.ok());
  CHECK(endless.error().message.starts_with("query stopped"));
  Result<inspect::QueryResult> many = database.query("WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 10) SELECT x FROM r",
                                                       inspect::QueryLimits{0, 5});
  REQUIRE_FALSE(many.ok());
  CHECK(many.error().message == "the query returns more than 5 rows: add a LIMIT or aggregate");
}

TEST_CASE("the inspector refuses a path it cannot write and a file that is not a klab database") {
  auto cluster = test::make_cluster(ClusterOptions{1, 5, {}, 1});
  SUBCASE("a directory that does not exist") {
    Result<inspect::Inspector*> started = inspect::Inspector::start(*cluster, "/nonexistent-klab-dir/run.sqlite", {1000});
    REQUIRE_FALSE(started.ok());
    CHECK(started.error().code == ErrorCode::KAFKA_STORAGE_ERROR);
    CHECK(started.error().message.starts_with("cannot record into /nonexistent-klab-dir/run.sqlite: "));
  }
  SUBCASE("a directory") {
    Result<inspect::Inspector*> started = inspect::Inspector::start(*cluster, std::filesystem::temp_directory_path().string(), {1000});
    REQUIRE_FALSE(started.ok());
    CHECK(started.error().message.find("it is a directory") != std::string::npos);
  }
  SUBCASE("a text file is refused and left as it was") {
    const std::string path = temp_path("notes.txt");
    std::ofstream(path) << "my notes, not a database\n";
    Result<inspect::Inspector*> started = inspect::Inspector::start(*cluster, path, {1000});
    REQUIRE_FALSE(started.ok());
    CHECK(started.error().message.find("is not a klab inspector database") != std::string::npos);
    std::ifstream in(path);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content == "my notes, not a database\n");
    CHECK_FALSE(inspect::InspectDatabase::open_existing(path).ok());
    std::filesystem::remove(path);
  }
  SUBCASE("another application's SQLite database is refused and keeps its tables") {
    const std::string path = temp_path("other.sqlite");
    {
      Result<inspect::SqliteConnection> other = inspect::SqliteConnection::open(path, inspect::SqliteConnection::Mode::ReadWriteCreate);
      REQUIRE(other.ok());
      REQUIRE(other->exec("CREATE TABLE accounts (id INTEGER); INSERT INTO accounts VALUES (7);").ok());
    }
    Result<inspect::Inspector*> started = inspect::Inspector::start(*cluster, path, {1000});
    REQUIRE_FALSE(started.ok());
    CHECK(started.error().message.find("not a klab inspector database") != std::string::npos);
    Result<inspect::SqliteConnection> reopened = inspect::SqliteConnection::open(path, inspect::SqliteConnection::Mode::ReadOnly);
    REQUIRE(reopened.ok());
    Result<inspect::Statement> read = reopened->prepare("SELECT id FROM accounts");
    REQUIRE(read.ok());
    REQUIRE(*read->step());
    CHECK(std::get<int64_t>(read->column(0)) == 7);
    std::filesystem::remove(path);
  }
  SUBCASE("a klab database is recorded again, and opens read-only") {
    const std::string path = temp_path("run.sqlite");
    REQUIRE(inspect::Inspector::start(*cluster, path, {1000}).ok());
    cluster->advance(5000);
    Result<inspect::Inspector*> again = inspect::Inspector::start(*cluster, path, {500});
    REQUIRE(again.ok());
    cluster->advance(1000);
    (*again)->close();
    Result<std::unique_ptr<inspect::InspectDatabase>> reader = inspect::InspectDatabase::open_existing(path);
    REQUIRE(reader.ok());
    CHECK(rows(**reader, "SELECT value FROM klab_database WHERE key = 'sample_ms'") == std::vector<std::string>{"500"});
    CHECK(rows(**reader, "SELECT MIN(time_ms) FROM samples") == std::vector<std::string>{"5000"});
    std::filesystem::remove(path);
  }
}

TEST_CASE("docs/INSPECTOR.md shows the schema inspect.schema() prints") {
  std::ifstream in(std::string(KLAB_SOURCE_DIR) + "/docs/INSPECTOR.md");
  REQUIRE(in.good());
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(doc.find(std::string(inspect::schema_sql())) != std::string::npos);
}
