#include "log/crc32c.hpp"

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

#include <cstring>

#include "log/record_batch.hpp"

namespace klab {
namespace {

// Reflected polynomial 0x82F63B78. Every produced and appended batch is checksummed (the client
// stamps it, the broker checks it), so this sits on the produce path: slicing-by-8 where the CPU
// has no CRC instruction, SSE4.2's crc32 where it has (about 20x faster, and fast even unoptimised,
// which keeps the ASan test build's memory-limit checks inside their wall-clock limits).
constexpr uint32_t kPolynomial = 0x82F63B78u;

struct Tables {
  uint32_t t[8][256];
};

constexpr Tables make_tables() {
  Tables tables{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomial : 0u);
    tables.t[0][i] = crc;
  }
  for (uint32_t i = 0; i < 256; ++i)
    for (int k = 1; k < 8; ++k) tables.t[k][i] = (tables.t[k - 1][i] >> 8) ^ tables.t[0][tables.t[k - 1][i] & 0xFFu];
  return tables;
}

constexpr Tables kTables = make_tables();

uint64_t load_le64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint32_t update_portable(uint32_t crc, const unsigned char* p, std::size_t n) {
  const auto& t = kTables.t;
  for (; n >= 8; p += 8, n -= 8) {
    const uint64_t v = load_le64(p) ^ crc;
    crc = t[7][v & 0xFF] ^ t[6][(v >> 8) & 0xFF] ^ t[5][(v >> 16) & 0xFF] ^ t[4][(v >> 24) & 0xFF] ^
          t[3][(v >> 32) & 0xFF] ^ t[2][(v >> 40) & 0xFF] ^ t[1][(v >> 48) & 0xFF] ^ t[0][v >> 56];
  }
  for (; n > 0; ++p, --n) crc = (crc >> 8) ^ t[0][(crc ^ *p) & 0xFFu];
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t update_sse42(uint32_t crc, const unsigned char* p, std::size_t n) {
  uint64_t wide = crc;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);  // unaligned load; x86 is little-endian, as the instruction expects
    wide = _mm_crc32_u64(wide, v);
  }
  auto narrow = static_cast<uint32_t>(wide);
  for (; n > 0; ++p, --n) narrow = _mm_crc32_u8(narrow, *p);
  return narrow;
}
#endif

}  // namespace

uint32_t crc32c(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
#if defined(__x86_64__)
  if (__builtin_cpu_supports("sse4.2")) return update_sse42(0xFFFFFFFFu, p, bytes.size()) ^ 0xFFFFFFFFu;
#endif
  return update_portable(0xFFFFFFFFu, p, bytes.size()) ^ 0xFFFFFFFFu;
}

uint32_t crc32c_portable(std::string_view bytes) {
  return update_portable(0xFFFFFFFFu, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) ^
         0xFFFFFFFFu;
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
