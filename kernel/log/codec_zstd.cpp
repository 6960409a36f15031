// zstd: standard frames, decompressed with the streaming API so frames without a content size
// (as zstd-jni's stream writes them) are read too.
#include <zstd.h>

#include <memory>

#include "log/codecs.hpp"

namespace klab::codec {

std::string zstd_compress(std::string_view plain, int level) {
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  const std::size_t written = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), level);
  out.resize(ZSTD_isError(written) ? 0 : written);
  return out;
}

Result<std::string> zstd_decompress(std::string_view compressed, std::size_t expected_size) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  if (!context) return corrupt("zstd", "no context");
  std::string out(expected_size > 0 ? expected_size : compressed.size() * 4 + 64, '\0');
  ZSTD_inBuffer input{compressed.data(), compressed.size(), 0};
  std::size_t pending = 1;
  std::size_t produced = 0;
  while (input.pos < input.size || pending != 0) {
    if (produced == out.size()) out.resize(out.size() * 2);
    ZSTD_outBuffer output{out.data() + produced, out.size() - produced, 0};
    const std::size_t before = input.pos;
    pending = ZSTD_decompressStream(context.get(), &output, &input);
    if (ZSTD_isError(pending)) return corrupt("zstd", ZSTD_getErrorName(pending));
    produced += output.pos;
    // No progress with all input consumed: the frame is cut short.
    if (input.pos == input.size && pending != 0 && output.pos == 0 && before == input.pos)
      return corrupt("zstd", "truncated frame");
  }
  out.resize(produced);
  return out;
}

}  // namespace klab::codec
