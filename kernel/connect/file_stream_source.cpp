// FileStreamSource (org.apache.kafka.connect.file.FileStreamSourceTask): each complete line of `file`
// becomes a record (value: the line, schema string; no key) for `topic`, at most batch.size per poll.
// Its source partition is {"filename": file} and its offset {"position": byte after the line}, so a
// restarted task resumes after the last line whose offset was stored. A missing file is waited for
// (a poll every second), not an error, as in Kafka. A partial last line waits for its newline.
#include <fmt/format.h>

#include <fstream>

#include "connect/connector_tasks.hpp"

namespace klab::connect {
namespace {

class FileStreamSourceTask final : public SourceTaskLogic {
 public:
  FileStreamSourceTask(std::string file, std::string topic, int64_t batch_size, std::shared_ptr<WorkDirectory> directory)
      : file_(std::move(file)), topic_(std::move(topic)), batch_size_(batch_size), directory_(std::move(directory)) {
    partition_ = Json::object();
    partition_["filename"] = file_;
  }

  std::optional<Failure> start(const OffsetLookup& lookup) override {
    Result<std::filesystem::path> path = directory_->resolve(file_);
    if (!path) return Failure{kConnectException, path.error().message, {}};
    path_ = *path;
    if (std::optional<Json> offset = lookup(partition_); offset && offset->is_object() && offset->contains("position") &&
                                                          (*offset)["position"].is_number_integer())
      position_ = (*offset)["position"].get<int64_t>();
    return std::nullopt;
  }

  Attempt<std::vector<ConnectRecord>> poll() override {
    std::vector<ConnectRecord> records;
    std::ifstream in(path_, std::ios::binary);
    if (!in) return records;  // not there yet
    in.seekg(position_);
    if (!in) return records;
    std::string chunk;
    char buffer[65536];
    while (static_cast<int64_t>(records.size()) < batch_size_) {
      in.read(buffer, sizeof buffer);
      const std::streamsize got = in.gcount();
      if (got <= 0) break;
      chunk.append(buffer, static_cast<std::size_t>(got));
      std::size_t start = 0;
      for (std::size_t i = 0; i < chunk.size() && static_cast<int64_t>(records.size()) < batch_size_; ++i) {
        if (chunk[i] != '\n' && chunk[i] != '\r') continue;
        std::size_t end = i;
        // \r\n is one line end; a \r at the chunk's end waits to see whether \n follows.
        if (chunk[i] == '\r') {
          if (i + 1 >= chunk.size() && in) break;
          if (i + 1 < chunk.size() && chunk[i + 1] == '\n') ++i;
        }
        records.push_back(make_record(chunk.substr(start, end - start), position_ + static_cast<int64_t>(i + 1)));
        start = i + 1;
      }
      position_ += static_cast<int64_t>(start);
      chunk.erase(0, start);
      if (!in) break;
    }
    return records;
  }

 private:
  ConnectRecord make_record(std::string line, int64_t position_after) const {
    ConnectRecord record;
    record.topic = topic_;
    record.value = SchemaAndValue{schema_of_type("string", false), std::move(line)};
    record.source_partition = partition_;
    record.source_offset = Json::object();
    record.source_offset["position"] = position_after;
    return record;
  }

  std::string file_, topic_;
  int64_t batch_size_;
  std::shared_ptr<WorkDirectory> directory_;
  std::filesystem::path path_;
  Json partition_;
  int64_t position_ = 0;
};

}  // namespace

std::unique_ptr<SourceTaskLogic> make_file_stream_source(const ConnectorConfig& config, std::shared_ptr<WorkDirectory> directory) {
  return std::make_unique<FileStreamSourceTask>(config.values.get_string("file"), config.values.get_string("topic"),
                                                config.values.get_long("batch.size"), std::move(directory));
}

}  // namespace klab::connect
