// CRC-32C (Castagnoli), the checksum of a v2 record batch: kafka-dump-log.sh prints it as "crc:".
// Kafka computes it over the batch from the attributes field to the end, so that the broker can set
// baseOffset and partitionLeaderEpoch without touching it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace klab {

uint32_t crc32c(std::string_view bytes);
// The table-driven path crc32c takes on CPUs without SSE4.2; tests check that both agree.
uint32_t crc32c_portable(std::string_view bytes);

// The checksum Kafka stores in a record batch whose bytes (header included) are `batch`.
uint32_t record_batch_crc(std::string_view batch);
// Writes record_batch_crc into the batch's crc field (bytes 17-20), as Kafka's client does when it
// closes a batch; every writer of bytes the crc covers (attributes onwards) calls it again after.
void stamp_record_batch_crc(char* batch, std::size_t size);

}  // namespace klab
