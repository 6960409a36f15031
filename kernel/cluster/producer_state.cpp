#include "cluster/producer_state.hpp"

#include <fmt/format.h>

namespace klab {

std::optional<ProducerIdentity> producer_identity(const RecordBatchView& batch) {
  const auto id = static_cast<int64_t>(load_be(batch.bytes().data() + batch_field::kProducerId, 8));
  if (id < 0) return std::nullopt;
  ProducerIdentity identity;
  identity.producer_id = id;
  identity.epoch = static_cast<int16_t>(load_be(batch.bytes().data() + batch_field::kProducerEpoch, 2));
  identity.first_sequence = static_cast<int32_t>(load_be(batch.bytes().data() + batch_field::kBaseSequence, 4));
  const int64_t last = int64_t{identity.first_sequence} + batch.last_offset_delta();
  identity.last_sequence = static_cast<int32_t>(last > INT32_MAX ? last - INT32_MAX - 1 : last);
  return identity;
}

Result<std::optional<ProducerBatchMetadata>> ProducerStateTable::check(const ProducerIdentity& batch) const {
  auto it = producers_.find(batch.producer_id);
  if (it == producers_.end() || it->second.recent.empty()) return std::optional<ProducerBatchMetadata>{};
  const Entry& entry = it->second;
  if (batch.epoch < entry.epoch)
    return make_error(ErrorCode::INVALID_PRODUCER_EPOCH,
                      fmt::format("Epoch of producer {} is {}, which is smaller than the last seen epoch {}",
                                  batch.producer_id, batch.epoch, entry.epoch));
  if (batch.epoch > entry.epoch) {
    if (batch.first_sequence != 0)
      return make_error(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER,
                        fmt::format("Invalid sequence number for new epoch of producer {} at offset: {} (expected 0)",
                                    batch.producer_id, batch.first_sequence));
    return std::optional<ProducerBatchMetadata>{};
  }
  for (const ProducerBatchMetadata& known : entry.recent)
    if (known.first_sequence == batch.first_sequence && known.last_sequence == batch.last_sequence)
      return std::optional<ProducerBatchMetadata>{known};
  const int32_t last = entry.recent.back().last_sequence;
  const int32_t expected = last == INT32_MAX ? 0 : last + 1;
  if (batch.first_sequence != expected)
    return make_error(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER,
                      fmt::format("Out of order sequence number for producer {}: {} (incoming seq. number), {} "
                                  "(current end sequence number)",
                                  batch.producer_id, batch.first_sequence, last));
  return std::optional<ProducerBatchMetadata>{};
}

void ProducerStateTable::record(const ProducerIdentity& batch, int64_t first_offset, int64_t last_offset) {
  Entry& entry = producers_[batch.producer_id];
  if (batch.epoch != entry.epoch) entry.recent.clear();
  entry.epoch = batch.epoch;
  entry.recent.push_back(ProducerBatchMetadata{batch.first_sequence, batch.last_sequence, first_offset, last_offset});
  while (entry.recent.size() > kBatchesKept) entry.recent.pop_front();
}

}  // namespace klab
