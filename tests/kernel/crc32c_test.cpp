// The batch checksum kafka-dump-log.sh prints: CRC-32C from the attributes field to the end.
#include <doctest/doctest.h>

#include <string>

#include "log/crc32c.hpp"

using namespace klab;

TEST_CASE("crc32c gives the Castagnoli check value and known vectors") {
  CHECK(crc32c("123456789") == 0xE3069283u);
  CHECK(crc32c("") == 0u);
  CHECK(crc32c(std::string(32, '\0')) == 0x8A9136AAu);  // RFC 3720 B.4: 32 bytes of zeros
  CHECK(crc32c(std::string(32, '\xff')) == 0x62A8AB43u);  // RFC 3720 B.4: 32 bytes of 0xff
  CHECK(crc32c_portable("123456789") == 0xE3069283u);
  CHECK(crc32c_portable(std::string(32, '\xff')) == 0x62A8AB43u);
}

TEST_CASE("the SSE4.2 and the table-driven crc32c agree at every length and alignment") {
  std::string bytes(300, '\0');
  uint32_t state = 12345;
  for (char& c : bytes) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 24);
  }
  // Lengths 0..63 from offsets 0..7 cover every tail of the 8-byte loop and every unaligned start.
  for (std::size_t offset = 0; offset < 8; ++offset)
    for (std::size_t length = 0; length < 64; ++length) {
      const std::string_view view(bytes.data() + offset, length);
      CHECK_MESSAGE(crc32c(view) == crc32c_portable(view), "offset ", offset, " length ", length);
    }
  CHECK(crc32c(bytes) == crc32c_portable(bytes));
}

TEST_CASE("a batch's crc covers attributes onwards, so a new base offset or leader epoch keeps it") {
  std::string batch(70, '\0');
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i] = static_cast<char>(i * 7);
  const uint32_t crc = record_batch_crc(batch);
  CHECK(crc == crc32c(std::string_view(batch).substr(21)));
  std::string moved = batch;
  moved[7] = 'x';   // baseOffset
  moved[14] = 'y';  // partitionLeaderEpoch
  CHECK(record_batch_crc(moved) == crc);
  std::string changed = batch;
  changed[69] = static_cast<char>(changed[69] ^ 1);  // the last byte of the last record
  CHECK(record_batch_crc(changed) != crc);
  CHECK(record_batch_crc("short") == 0u);
}
