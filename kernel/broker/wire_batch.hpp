// A Produce request's records for one partition, checked as Kafka checks bytes from a client
// before its log sees them (ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords,
// LogValidator): exactly one magic-2 batch whose lengths add up and whose CRC-32C matches, base
// offset 0, offsets and record count that agree, records that parse (decompressed first), and no
// control batch. klab's in-process producer is checked alike: it reaches the same Produce handler.
#pragma once
#include <string_view>

#include "base/result.hpp"

namespace klab::broker {

// CORRUPT_MESSAGE for bytes that do not hold what they claim (lengths, CRC, records, offsets),
// INVALID_RECORD for a well-formed batch a client may not send (magic, count, base offset, control).
// On success the bytes are exactly one batch, safe to view with RecordBatchView.
Status check_wire_batch(std::string_view records);

}  // namespace klab::broker
