// A batch arriving at a partition leader, as Kafka's LogValidator sees it: a compressed batch is
// decompressed and every record checked (CORRUPT_MESSAGE otherwise), and the bytes to store follow
// the topic's compression.type - the batch as sent for "producer" or when the codec already
// matches, else the records recompressed with the topic's codec (or stored plain for
// "uncompressed"). Plain batches from klab's own producer are trusted and never copied.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "log/compression.hpp"
#include "log/record_batch.hpp"

namespace klab {

class IncomingBatch {
 public:
  // `target`: the topic's codec; nullopt is compression.type=producer.
  static Result<IncomingBatch> check(std::string_view batch, std::optional<CompressionType> target);
  // What the log appends.
  std::string_view stored() const { return recompressed_ ? std::string_view(*recompressed_) : original_; }
  // The records, readable with for_each_record.
  RecordBatchView plain() const { return RecordBatchView(plain_.empty() ? original_.data() : plain_.data()); }

 private:
  std::string_view original_;
  std::string plain_;                         // set when the batch arrived compressed
  std::optional<std::string> recompressed_;  // set when the stored codec differs from the sent one
};

}  // namespace klab
