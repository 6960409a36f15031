// FileStreamSink (org.apache.kafka.connect.file.FileStreamSinkTask): appends String.valueOf(value) of
// each record and a newline to `file`, which it creates if missing. The whole batch of one put() is
// written at once, so a reader sees whole lines.
#include <fmt/format.h>

#include <cstdio>

#include "connect/connector_tasks.hpp"

namespace klab::connect {
namespace {

class FileStreamSinkTask final : public SinkTaskLogic {
 public:
  FileStreamSinkTask(std::string file, std::shared_ptr<WorkDirectory> directory)
      : file_(std::move(file)), directory_(std::move(directory)) {}
  ~FileStreamSinkTask() override { stop(); }

  std::optional<Failure> start() override {
    Result<std::filesystem::path> path = directory_->resolve(file_);
    if (!path) return cannot_open(path.error().message);
    stream_ = std::fopen(path->c_str(), "ab");
    if (!stream_) return cannot_open(fmt::format("{} (not writable)", path->string()));
    return std::nullopt;
  }

  std::optional<Failure> put(const std::vector<ConnectRecord>& records) override {
    buffer_.clear();
    for (const ConnectRecord& record : records) {
      if (record.value.value.is_string() && (!record.value.schema || schema_type(record.value.schema) == "string"))
        buffer_ += record.value.value.get_ref<const std::string&>();
      else
        buffer_ += java_string(record.value);
      buffer_ += '\n';
    }
    if (buffer_.empty()) return std::nullopt;
    if (!directory_->charge(static_cast<int64_t>(buffer_.size())))
      return Failure{kConnectException,
                     fmt::format("klab: the Connect working directory's write budget of {} bytes is spent",
                                 directory_->max_written_bytes()), {}};
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), stream_) != buffer_.size() || std::fflush(stream_) != 0)
      return Failure{kConnectException, fmt::format("Couldn't write to file '{}' for FileStreamSinkTask", file_),
                     {{"java.io.IOException", "write failed"}}};
    return std::nullopt;
  }

  void stop() override {
    if (stream_) std::fclose(stream_);
    stream_ = nullptr;
  }

 private:
  Failure cannot_open(std::string why) const {
    return Failure{kConnectException, fmt::format("Couldn't find or create file '{}' for FileStreamSinkTask", file_),
                   {{"java.nio.file.NoSuchFileException", std::move(why)}}};
  }

  std::string file_;
  std::shared_ptr<WorkDirectory> directory_;
  std::FILE* stream_ = nullptr;
  std::string buffer_;
};

}  // namespace

std::unique_ptr<SinkTaskLogic> make_file_stream_sink(const ConnectorConfig& config, std::shared_ptr<WorkDirectory> directory) {
  return std::make_unique<FileStreamSinkTask>(config.values.get_string("file"), std::move(directory));
}

}  // namespace klab::connect
