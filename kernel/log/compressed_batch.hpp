// Compressed record batches: the 61-byte header stays readable (offsets, timestamps, producer
// fields, record count) and everything after it is one compressed block, the codec id in
// attributes bits 0-2 - Kafka's v2 layout. Producers compress, brokers store as sent (or
// recompress for a topic whose compression.type names another codec), consumers decompress.
//
// Invariants:
//  1. A decompressed batch is byte-identical to the batch before compression, except that its
//     codec bits are 0 and batchLength counts the plain records.
//  2. Untrusted bytes (a batch arriving at a broker, a stored batch read by a consumer) are
//     decompressed and their records walked with bounds checks before any view points into
//     them; whatever fails is CORRUPT_MESSAGE.
#pragma once
#include <deque>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "log/compression.hpp"
#include "log/record_batch.hpp"

namespace klab {

// The same batch with its records compressed by `type` (a copy when type is None).
std::string compress_batch(std::string_view plain_batch, CompressionType type, const CompressionLevel& level = {});
// Writes the codec into a batch's attributes and its size into batchLength.
void set_batch_codec(std::string& batch, CompressionType type);
// The plain form of a batch, checked record by record. CORRUPT_MESSAGE if it cannot be read.
Result<std::string> decompress_batch(const RecordBatchView& batch);
// Checks that a plain batch's records parse within its bytes and number record_count().
Status check_plain_records(const RecordBatchView& batch);

// Keeps decompressed copies alive while record views point into them (a consumer's poll result,
// the cleaner's key map). Plain batches pass through without a copy.
class DecompressedBatches {
 public:
  Result<RecordBatchView> plain(const RecordBatchView& batch);
  void clear() { buffers_.clear(); }

 private:
  std::deque<std::string> buffers_;  // a deque: element addresses stay put as it grows
};

}  // namespace klab
