#include "log/crc32c.hpp"

#include <array>

#include "log/record_batch.hpp"

namespace klab {
namespace {

// Reflected polynomial 0x82F63B78; a byte-at-a-time table is ample for dumping logs.
constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
    table[i] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = make_table();

}  // namespace

uint32_t crc32c(std::string_view bytes) {
  uint32_t crc = 0xFFFFFFFFu;
  for (char c : bytes) crc = (crc >> 8) ^ kTable[(crc ^ static_cast<unsigned char>(c)) & 0xFFu];
  return crc ^ 0xFFFFFFFFu;
}

uint32_t record_batch_crc(std::string_view batch) {
  if (batch.size() < batch_field::kAttributes) return crc32c({});
  return crc32c(batch.substr(batch_field::kAttributes));
}

void stamp_record_batch_crc(char* batch, std::size_t size) {
  if (size < static_cast<std::size_t>(kBatchHeaderSize)) return;
  store_be(batch + batch_field::kMagic + 1, record_batch_crc(std::string_view(batch, size)), 4);
}

}  // namespace klab
