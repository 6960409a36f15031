// Kafka's record compression: the codec ids of the batch attributes field (bits 0-2) and the real
// codec libraries framed as the Java client frames them, so the stored bytes are what a Kafka
// broker would hold:
//   gzip   a gzip stream (zlib's deflate with the gzip header), as java.util.zip.GZIPOutputStream.
//   snappy snappy-java's SnappyOutputStream ("xerial") framing: an 8-byte magic, two big-endian
//          int32 versions (1, 1), then blocks of [int32 compressed length | raw snappy block] over
//          at most 32 KiB of input each.
//   lz4    the LZ4 frame format (KIP-57): 64 KiB independent blocks, no content size or checksum,
//          as KafkaLZ4BlockOutputStream writes it.
//   zstd   standard zstd frames.
// Decompression is defensive: any malformed input is CORRUPT_MESSAGE, never a crash.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace klab {

enum class CompressionType : int8_t { None = 0, Gzip = 1, Snappy = 2, Lz4 = 3, Zstd = 4 };

std::string_view compression_name(CompressionType type);  // "none", "gzip", ...
std::optional<CompressionType> compression_from_name(std::string_view name);
// The codec id of batch attributes; nullopt for ids Kafka does not define (5-7).
std::optional<CompressionType> compression_from_id(int id);

// Levels as KIP-390 (Kafka 3.8) defines them; nullopt picks the codec's default.
struct CompressionLevel {
  std::optional<int> gzip;  // 1-9, default: zlib's default (6), as Deflater.DEFAULT_COMPRESSION
  std::optional<int> lz4;   // 1-17, default 9 (the fast compressor); others use LZ4 HC at that level
  std::optional<int> zstd;  // -131072-22, default 3
};

std::string compress(CompressionType type, std::string_view plain, const CompressionLevel& level = {});
// `expected_size` (the decompressed size if known, else 0) only pre-sizes the output.
Result<std::string> decompress(CompressionType type, std::string_view compressed, std::size_t expected_size = 0);

}  // namespace klab
