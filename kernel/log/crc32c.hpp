// CRC-32C (Castagnoli), the checksum of a v2 record batch: kafka-dump-log.sh prints it as "crc:".
// Kafka computes it over the batch from the attributes field to the end, so that the broker can set
// baseOffset and partitionLeaderEpoch without touching it.
#pragma once
#include <cstdint>
#include <string_view>

namespace klab {

uint32_t crc32c(std::string_view bytes);

// The checksum Kafka stores in a record batch whose bytes (header included) are `batch`.
uint32_t record_batch_crc(std::string_view batch);

}  // namespace klab
