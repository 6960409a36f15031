// LZ4 frames as Kafka writes them since KIP-57 (KafkaLZ4BlockOutputStream): 64 KiB independent
// blocks, no block or content checksum, no content size. Level 9 (the default) is LZ4's fast
// compressor, as in Kafka; other levels select LZ4 HC at that level (liblz4 runs levels below 3
// with its fast compressor too).
#include <lz4frame.h>

#include <memory>

#include "log/codecs.hpp"

namespace klab::codec {

std::string lz4_compress(std::string_view plain, int level) {
  LZ4F_preferences_t preferences{};
  preferences.frameInfo.blockSizeID = LZ4F_max64KB;
  preferences.frameInfo.blockMode = LZ4F_blockIndependent;
  preferences.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  preferences.compressionLevel = level == 9 ? 0 : level;
  std::string out(LZ4F_compressFrameBound(plain.size(), &preferences), '\0');
  const std::size_t written = LZ4F_compressFrame(out.data(), out.size(), plain.data(), plain.size(), &preferences);
  out.resize(LZ4F_isError(written) ? 0 : written);
  return out;
}

Result<std::string> lz4_decompress(std::string_view compressed, std::size_t expected_size) {
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) return corrupt("lz4", "no context");
  std::unique_ptr<LZ4F_dctx, decltype(&LZ4F_freeDecompressionContext)> context(raw, &LZ4F_freeDecompressionContext);
  std::string out(expected_size > 0 ? expected_size : compressed.size() * 4 + 64, '\0');
  std::size_t in_at = 0, out_at = 0;
  std::size_t hint = 1;
  while (in_at < compressed.size()) {
    if (out_at == out.size()) out.resize(out.size() * 2);
    std::size_t in_size = compressed.size() - in_at, out_size = out.size() - out_at;
    hint = LZ4F_decompress(context.get(), out.data() + out_at, &out_size, compressed.data() + in_at, &in_size, nullptr);
    if (LZ4F_isError(hint)) return corrupt("lz4", LZ4F_getErrorName(hint));
    in_at += in_size;
    out_at += out_size;
    if (hint == 0) break;  // end of frame
  }
  if (hint != 0) return corrupt("lz4", "truncated frame");
  if (in_at != compressed.size()) return corrupt("lz4", "bytes after the end of the frame");
  out.resize(out_at);
  return out;
}

}  // namespace klab::codec
