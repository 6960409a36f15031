#include "log/compression.hpp"

#include <array>
#include <fmt/format.h>
#include <zlib.h>

#include "log/codecs.hpp"

namespace klab {
namespace {

constexpr std::array<std::string_view, 5> kNames = {"none", "gzip", "snappy", "lz4", "zstd"};

}  // namespace

std::string_view compression_name(CompressionType type) { return kNames[static_cast<std::size_t>(type)]; }

std::optional<CompressionType> compression_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<CompressionType>(i);
  return std::nullopt;
}

std::optional<CompressionType> compression_from_id(int id) {
  if (id < 0 || id >= static_cast<int>(kNames.size())) return std::nullopt;
  return static_cast<CompressionType>(id);
}

std::string compress(CompressionType type, std::string_view plain, const CompressionLevel& level) {
  switch (type) {
    case CompressionType::None: return std::string(plain);
    case CompressionType::Gzip: return codec::gzip_compress(plain, level.gzip.value_or(Z_DEFAULT_COMPRESSION));
    case CompressionType::Snappy: return codec::snappy_compress(plain);
    case CompressionType::Lz4: return codec::lz4_compress(plain, level.lz4.value_or(9));
    case CompressionType::Zstd: return codec::zstd_compress(plain, level.zstd.value_or(3));
  }
  return std::string(plain);
}

Result<std::string> decompress(CompressionType type, std::string_view compressed, std::size_t expected_size) {
  switch (type) {
    case CompressionType::None: return std::string(compressed);
    case CompressionType::Gzip: return codec::gzip_decompress(compressed, expected_size);
    case CompressionType::Snappy: return codec::snappy_decompress(compressed, expected_size);
    case CompressionType::Lz4: return codec::lz4_decompress(compressed, expected_size);
    case CompressionType::Zstd: return codec::zstd_decompress(compressed, expected_size);
  }
  return codec::corrupt("unknown", "unknown compression codec");
}

Error codec::corrupt(std::string_view codec, std::string_view detail) {
  return make_error(ErrorCode::CORRUPT_MESSAGE,
                    fmt::format("The {} compressed records of a batch cannot be decompressed: {}.", codec, detail));
}

}  // namespace klab
