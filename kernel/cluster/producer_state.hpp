// What a partition replica remembers about each idempotent producer (Kafka's ProducerStateManager):
// the producer epoch and the last 5 batches' sequence ranges and offsets. Built from the batches a
// replica appends, leader or follower alike, so a new leader knows it too.
//
// Check of a batch from producer P with epoch E and sequences [first, last] (ProducerAppendInfo):
//  1. no state for P          -> accept (any sequence)
//  2. E < known epoch         -> INVALID_PRODUCER_EPOCH
//  3. E > known epoch         -> first must be 0, else OUT_OF_ORDER_SEQUENCE_NUMBER
//  4. [first, last] equals one of the last 5 batches -> a duplicate: answer with its original offsets
//  5. first != last known sequence + 1 (wrapping after INT32_MAX) -> OUT_OF_ORDER_SEQUENCE_NUMBER
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include "base/result.hpp"
#include "log/partition_log.hpp"

namespace klab {

struct ProducerBatchMetadata {
  int32_t first_sequence;
  int32_t last_sequence;
  int64_t first_offset;
  int64_t last_offset;
};

struct ProducerIdentity {
  int64_t producer_id = -1;
  int16_t epoch = -1;
  int32_t first_sequence = -1;
  int32_t last_sequence = -1;
};

// The producer fields of a stored or incoming batch, or nullopt for a non-idempotent batch.
std::optional<ProducerIdentity> producer_identity(const RecordBatchView& batch);

class ProducerStateTable {
 public:
  static constexpr std::size_t kBatchesKept = 5;

  // nullopt: append it. A value: a duplicate, answered with these offsets. An error: refuse it.
  Result<std::optional<ProducerBatchMetadata>> check(const ProducerIdentity& batch) const;
  void record(const ProducerIdentity& batch, int64_t first_offset, int64_t last_offset);
  void clear() { producers_.clear(); }

 private:
  struct Entry {
    int16_t epoch = -1;
    std::deque<ProducerBatchMetadata> recent;
  };
  std::map<int64_t, Entry> producers_;
};

}  // namespace klab
