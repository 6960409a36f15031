#include "log/incoming_batch.hpp"

#include <fmt/format.h>

#include "log/compressed_batch.hpp"

namespace klab {

Result<IncomingBatch> IncomingBatch::check(std::string_view batch, std::optional<CompressionType> target) {
  IncomingBatch incoming;
  incoming.original_ = batch;
  const RecordBatchView view(batch.data());
  const std::optional<CompressionType> sent = compression_from_id(view.compression_id());
  if (!sent)
    return make_error(ErrorCode::CORRUPT_MESSAGE,
                      fmt::format("Record batch has an invalid compression codec id {}.", view.compression_id()));
  if (*sent != CompressionType::None) {
    Result<std::string> plain = decompress_batch(view);
    if (!plain) return plain.error();
    incoming.plain_ = std::move(*plain);
  }
  if (target && *target != *sent) {
    const std::string_view plain_bytes = incoming.plain().bytes();
    incoming.recompressed_ = compress_batch(plain_bytes, *target);
  }
  return incoming;
}

}  // namespace klab
