// snappy in snappy-java's stream framing ("xerial"), which is what Kafka's Java client writes: the
// raw snappy format has no framing of its own, and the Java client never used snappy's own
// framing format. Header: 0x82 "SNAPPY" 0x00, int32 version 1, int32 compatible version 1.
#include <snappy.h>

#include "log/codecs.hpp"
#include "log/record_batch.hpp"

namespace klab::codec {
namespace {

constexpr std::string_view kMagic("\x82SNAPPY\0", 8);
constexpr std::size_t kHeaderSize = 16;
constexpr std::size_t kBlockSize = 32 * 1024;  // SnappyOutputStream's default block size

}  // namespace

std::string snappy_compress(std::string_view plain) {
  std::string out(kHeaderSize, '\0');
  out.replace(0, kMagic.size(), kMagic);
  store_be(out.data() + 8, 1, 4);
  store_be(out.data() + 12, 1, 4);
  std::string block;
  for (std::size_t at = 0; at < plain.size(); at += kBlockSize) {
    const std::size_t length = std::min(kBlockSize, plain.size() - at);
    snappy::Compress(plain.data() + at, length, &block);
    char size[4];
    store_be(size, block.size(), 4);
    out.append(size, 4);
    out.append(block);
  }
  return out;
}

Result<std::string> snappy_decompress(std::string_view compressed, std::size_t expected_size) {
  if (compressed.size() < kHeaderSize || compressed.substr(0, kMagic.size()) != kMagic)
    return corrupt("snappy", "missing the snappy-java stream header");
  std::string out;
  out.reserve(expected_size);
  std::string block;
  for (std::size_t at = kHeaderSize; at < compressed.size();) {
    if (compressed.size() - at < 4) return corrupt("snappy", "truncated block length");
    const auto length = static_cast<std::size_t>(load_be(compressed.data() + at, 4));
    at += 4;
    if (length > compressed.size() - at) return corrupt("snappy", "block longer than the data left");
    if (!snappy::Uncompress(compressed.data() + at, length, &block)) return corrupt("snappy", "invalid snappy block");
    out.append(block);
    at += length;
  }
  return out;
}

}  // namespace klab::codec
