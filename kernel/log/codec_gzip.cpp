// gzip as java.util.zip.GZIPOutputStream writes it: one gzip member (zlib, windowBits 15 + 16).
#include <zlib.h>

#include "log/codecs.hpp"

namespace klab::codec {

std::string gzip_compress(std::string_view plain, int level) {
  z_stream stream{};
  // windowBits 15 + 16 asks zlib for the gzip header and trailer instead of the zlib ones.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&stream, static_cast<uLong>(plain.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);  // the bound guarantees one call finishes
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

Result<std::string> gzip_decompress(std::string_view compressed, std::size_t expected_size) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return corrupt("gzip", "zlib could not start");
  std::string out(expected_size > 0 ? expected_size : compressed.size() * 4 + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int status = Z_OK;
  while (status == Z_OK) {
    if (stream.total_out == out.size()) out.resize(out.size() * 2);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + stream.total_out);
    stream.avail_out = static_cast<uInt>(out.size() - stream.total_out);
    status = inflate(&stream, Z_NO_FLUSH);
    if (status == Z_BUF_ERROR && stream.avail_in > 0) status = Z_OK;  // only out of output room
  }
  const bool whole = status == Z_STREAM_END && stream.avail_in == 0;
  const std::string detail = stream.msg ? stream.msg : (status == Z_STREAM_END ? "bytes after the gzip trailer" : "truncated gzip stream");
  out.resize(stream.total_out);
  inflateEnd(&stream);
  if (!whole) return corrupt("gzip", detail);
  return out;
}

}  // namespace klab::codec
