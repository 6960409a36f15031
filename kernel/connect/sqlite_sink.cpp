// A JDBC sink for SQLite, in the spirit of Confluent's io.confluent.connect.jdbc.JdbcSinkConnector
// (its keys: connection.url=jdbc:sqlite:<file>, table.name.format, auto.create, insert.mode,
// pk.mode, pk.fields, delete.enabled). A record's value becomes a row: a struct (JsonConverter with
// schemas) as the JDBC sink requires, or — a klab extension — a schemaless JSON object. Columns are
// typed from the schema (integers INTEGER, floats REAL, boolean INTEGER, string TEXT, bytes BLOB) or,
// schemaless, from the first record's JSON values. Statements as Confluent's SQLite dialect writes
// them: INSERT, INSERT OR REPLACE (upsert), UPDATE ... WHERE pk, DELETE ... WHERE pk (tombstones with
// delete.enabled). Not modelled: auto.evolve, batching, retries (max.retries).
#include <sqlite3.h>

#include <fmt/format.h>

#include <algorithm>
#include <fmt/ranges.h>
#include <map>
#include <set>

#include "connect/connect_data.hpp"
#include "connect/connector_tasks.hpp"

namespace klab::connect {
namespace {

constexpr const char* kSqlException = "java.sql.SQLException";

std::string sql_name(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// `separator` "name" = ?. SQL is built with += and fmt::format, never "literal" + std::string: GCC 12 at
// -O2 reports a false -Wrestrict inside char_traits for that operator (GCC bug 105651).
void append_condition(std::string& sql, const char* separator, const std::string& column) {
  sql += separator;
  sql += sql_name(column);
  sql += " = ?";
}

std::string sql_type(const Json* schema, const Json& value) {
  const std::string type = schema ? schema->value("type", "") : "";
  if (type == "int8" || type == "int16" || type == "int32" || type == "int64" || type == "boolean") return "INTEGER";
  if (type == "float32" || type == "float64") return "REAL";
  if (type == "string") return "TEXT";
  if (type == "bytes") return "BLOB";
  if (value.is_number_integer() || value.is_boolean()) return "INTEGER";
  if (value.is_number_float()) return "REAL";
  return "TEXT";
}

struct Column {
  std::string name;
  Json value;
  std::string type;
  bool optional = true;
};

class SqliteSinkTask final : public SinkTaskLogic {
 public:
  SqliteSinkTask(const ConnectorConfig& config, std::shared_ptr<WorkDirectory> directory)
      : url_(config.values.get_string("connection.url")),
        table_format_(config.values.get_string("table.name.format")),
        auto_create_(config.values.get_bool("auto.create")),
        insert_mode_(config.values.get_string("insert.mode")),
        pk_mode_(config.values.get_string("pk.mode")),
        pk_fields_(std::get<std::vector<std::string>>(config.values.get("pk.fields"))),
        delete_enabled_(config.values.get_bool("delete.enabled")),
        directory_(std::move(directory)) {}
  ~SqliteSinkTask() override { stop(); }

  std::optional<Failure> start() override {
    constexpr std::string_view prefix = "jdbc:sqlite:";
    if (!url_.starts_with(prefix))
      return Failure{kConnectException, fmt::format("klab's JDBC sink speaks SQLite only: connection.url must be "
                                                    "jdbc:sqlite:<file>, not {}", url_), {}};
    if (delete_enabled_ && pk_mode_ != "record_key")
      return Failure{"org.apache.kafka.common.config.ConfigException",
                     "Primary key mode must be 'record_key' when delete support is enabled", {}};
    if ((insert_mode_ == "upsert" || insert_mode_ == "update") && pk_mode_ == "none")
      return Failure{"org.apache.kafka.common.config.ConfigException",
                     fmt::format("insert.mode={} needs a primary key: set pk.mode", insert_mode_), {}};
    Result<std::filesystem::path> path = directory_->resolve(url_.substr(prefix.size()));
    if (!path) return Failure{kConnectException, path.error().message, {}};
    if (sqlite3_open_v2(path->c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : "cannot open";
      return Failure{kConnectException, fmt::format("Couldn't open {}", path->string()), {{kSqlException, message}}};
    }
    return std::nullopt;
  }

  std::optional<Failure> put(const std::vector<ConnectRecord>& records) override {
    if (records.empty()) return std::nullopt;
    if (auto failure = exec("BEGIN")) return failure;
    for (const ConnectRecord& record : records)
      if (auto failure = write(record)) {
        exec("ROLLBACK");
        return failure;
      }
    return exec("COMMIT");
  }

  void stop() override {
    if (db_) sqlite3_close(db_);
    db_ = nullptr;
  }

 private:
  std::optional<Failure> sql_failure(const std::string& what) const {
    return Failure{kConnectException, what, {{kSqlException, fmt::format("[SQLITE_ERROR] {}", sqlite3_errmsg(db_))}}};
  }

  std::optional<Failure> exec(const std::string& sql) {
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return sql_failure("Exception chain: " + sql);
    return std::nullopt;
  }

  // The key's columns (record_key / kafka) and the value's, in order.
  std::optional<Failure> columns_of(const ConnectRecord& record, std::vector<Column>& keys, std::vector<Column>& values) {
    auto fields_of = [](const SchemaAndValue& data, std::vector<Column>& out) {
      if (data.schema && data.schema->contains("fields")) {
        for (const Json& field : (*data.schema)["fields"]) {
          const std::string name = field.value("field", "");
          const Json value = data.value.contains(name) ? data.value[name] : Json(nullptr);
          out.push_back({name, value, sql_type(&field, value), schema_optional(field)});
        }
      } else {
        for (auto it = data.value.begin(); it != data.value.end(); ++it)
          out.push_back({it.key(), it.value(), sql_type(nullptr, it.value()), true});
      }
    };
    if (pk_mode_ == "kafka") {
      keys.push_back({"__connect_topic", record.topic, "TEXT", false});
      keys.push_back({"__connect_partition", record.partition.value_or(0), "INTEGER", false});
      keys.push_back({"__connect_offset", record.offset, "INTEGER", false});
    } else if (pk_mode_ == "record_key") {
      if (record.key.value.is_object()) {
        fields_of(record.key, keys);
        if (!pk_fields_.empty())
          std::erase_if(keys, [&](const Column& c) { return std::find(pk_fields_.begin(), pk_fields_.end(), c.name) == pk_fields_.end(); });
      } else {
        if (record.key.value.is_null())
          return Failure{kConnectException, fmt::format("Sink connector '{}' is configured with 'delete.enabled={}' and "
                                                        "'pk.mode=record_key' and therefore requires records with a "
                                                        "non-null key and non-null Struct or primitive key schema, but "
                                                        "found record at (topic='{}',partition={},offset={}) with a null key",
                                                        table_format_, delete_enabled_, record.topic,
                                                        record.partition.value_or(0), record.offset), {}};
        if (pk_fields_.size() > 1)
          return Failure{kConnectException, "Need exactly one PK column defined since the key schema for records is a "
                                            "primitive type, defined columns are: " + fmt::format("{}", fmt::join(pk_fields_, ", ")), {}};
        const std::string name = pk_fields_.empty() ? "__connect_key" : pk_fields_[0];
        keys.push_back({name, record.key.value, sql_type(record.key.schema ? &*record.key.schema : nullptr, record.key.value), false});
      }
    }
    if (record.value.value.is_null()) return std::nullopt;
    if (!record.value.value.is_object())
      return Failure{kConnectException, fmt::format("Sink connector needs a struct or JSON object value; the record at "
                                                    "(topic='{}',partition={},offset={}) has {}", record.topic,
                                                    record.partition.value_or(0), record.offset, java_string(record.value)), {}};
    fields_of(record.value, values);
    if (pk_mode_ == "record_value") {
      for (const std::string& pk : pk_fields_) {
        auto it = std::find_if(values.begin(), values.end(), [&](const Column& c) { return c.name == pk; });
        if (it == values.end())
          return Failure{kConnectException, fmt::format("PK mode for table '{}' is RECORD_VALUE with configured PK fields "
                                                        "[{}], but record value schema does not contain field: {}",
                                                        table_name(record), fmt::join(pk_fields_, ", "), pk), {}};
        it->optional = false;
        keys.push_back(*it);
        values.erase(it);
      }
    } else if (pk_mode_ == "record_key") {
      std::erase_if(values, [&](const Column& v) {
        return std::any_of(keys.begin(), keys.end(), [&](const Column& k) { return k.name == v.name; });
      });
    }
    return std::nullopt;
  }

  std::string table_name(const ConnectRecord& record) const {
    std::string name = table_format_;
    for (std::size_t at; (at = name.find("${topic}")) != std::string::npos;) name.replace(at, 8, record.topic);
    return name;
  }

  std::optional<Failure> ensure_table(const std::string& table, const std::vector<Column>& keys, const std::vector<Column>& values) {
    if (known_tables_.count(table)) return std::nullopt;
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db_, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &statement, nullptr);
    sqlite3_bind_text(statement, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    const bool exists = sqlite3_step(statement) == SQLITE_ROW;
    sqlite3_finalize(statement);
    if (!exists) {
      if (!auto_create_)
        return Failure{"io.confluent.connect.jdbc.sink.TableAlterOrCreateException",
                       fmt::format("Table \"{}\" is missing and auto-creation is disabled", table), {}};
      std::string sql = fmt::format("CREATE TABLE {} (", sql_name(table));
      bool first = true;
      for (const auto* list : {&keys, &values})
        for (const Column& c : *list) {
          sql += fmt::format("{}\n{} {}{}", first ? "" : ",", sql_name(c.name), c.type, c.optional ? " NULL" : " NOT NULL");
          first = false;
        }
      if (!keys.empty()) {
        sql += ",\nPRIMARY KEY(";
        for (std::size_t i = 0; i < keys.size(); ++i) { if (i) sql += ","; sql += sql_name(keys[i].name); }
        sql += ")";
      }
      sql += ")";
      if (auto failure = exec(sql)) return failure;
    }
    known_tables_.insert(table);
    return std::nullopt;
  }

  static void bind(sqlite3_stmt* statement, int index, const Json& value) {
    if (value.is_null()) sqlite3_bind_null(statement, index);
    else if (value.is_boolean()) sqlite3_bind_int64(statement, index, value.get<bool>() ? 1 : 0);
    else if (value.is_number_integer()) sqlite3_bind_int64(statement, index, value.get<int64_t>());
    else if (value.is_number()) sqlite3_bind_double(statement, index, value.get<double>());
    else if (value.is_string()) sqlite3_bind_text(statement, index, value.get_ref<const std::string&>().c_str(), -1, SQLITE_TRANSIENT);
    else {
      const std::string text = json_text(value);
      sqlite3_bind_text(statement, index, text.c_str(), -1, SQLITE_TRANSIENT);
    }
  }

  std::optional<Failure> run(const std::string& sql, const std::vector<const Column*>& params) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) return sql_failure("Exception chain: " + sql);
    for (std::size_t i = 0; i < params.size(); ++i) bind(statement, static_cast<int>(i + 1), params[i]->value);
    const int status = sqlite3_step(statement);
    sqlite3_finalize(statement);
    if (status != SQLITE_DONE) return sql_failure("Exception chain: " + sql);
    return std::nullopt;
  }

  std::optional<Failure> write(const ConnectRecord& record) {
    std::vector<Column> keys, values;
    if (auto failure = columns_of(record, keys, values)) return failure;
    const std::string table = table_name(record);
    std::vector<const Column*> params;
    if (record.value.value.is_null()) {
      if (!delete_enabled_) return std::nullopt;  // Confluent: tombstones are ignored without delete.enabled
      if (!known_tables_.count(table)) {
        sqlite3_stmt* statement = nullptr;
        sqlite3_prepare_v2(db_, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &statement, nullptr);
        sqlite3_bind_text(statement, 1, table.c_str(), -1, SQLITE_TRANSIENT);
        const bool exists = sqlite3_step(statement) == SQLITE_ROW;
        sqlite3_finalize(statement);
        if (!exists) return std::nullopt;
      }
      std::string sql = fmt::format("DELETE FROM {} WHERE ", sql_name(table));
      for (std::size_t i = 0; i < keys.size(); ++i) {
        append_condition(sql, i ? " AND " : "", keys[i].name);
        params.push_back(&keys[i]);
      }
      return run(sql, params);
    }
    if (auto failure = ensure_table(table, keys, values)) return failure;
    if (insert_mode_ == "update") {
      std::string sql = fmt::format("UPDATE {} SET ", sql_name(table));
      for (std::size_t i = 0; i < values.size(); ++i) {
        append_condition(sql, i ? ", " : "", values[i].name);
        params.push_back(&values[i]);
      }
      sql += " WHERE ";
      for (std::size_t i = 0; i < keys.size(); ++i) {
        append_condition(sql, i ? " AND " : "", keys[i].name);
        params.push_back(&keys[i]);
      }
      return run(sql, params);
    }
    std::string sql = fmt::format("{}{}(", insert_mode_ == "upsert" ? "INSERT OR REPLACE INTO " : "INSERT INTO ", sql_name(table));
    std::string marks;
    bool first = true;
    for (const auto* list : {&keys, &values})
      for (const Column& c : *list) {
        if (!first) sql += ",";
        sql += sql_name(c.name);
        marks += first ? "?" : ",?";
        params.push_back(&c);
        first = false;
      }
    return run(sql + ") VALUES(" + marks + ")", params);
  }

  std::string url_, table_format_;
  bool auto_create_;
  std::string insert_mode_, pk_mode_;
  std::vector<std::string> pk_fields_;
  bool delete_enabled_;
  std::shared_ptr<WorkDirectory> directory_;
  sqlite3* db_ = nullptr;
  std::set<std::string> known_tables_;
};

}  // namespace

std::unique_ptr<SinkTaskLogic> make_sqlite_sink(const ConnectorConfig& config, std::shared_ptr<WorkDirectory> directory) {
  return std::make_unique<SqliteSinkTask>(config, std::move(directory));
}

}  // namespace klab::connect
