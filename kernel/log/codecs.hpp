// One function pair per codec, behind compression.cpp's dispatch. Internal to kernel/log.
#pragma once
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace klab::codec {

std::string gzip_compress(std::string_view plain, int level);
Result<std::string> gzip_decompress(std::string_view compressed, std::size_t expected_size);
std::string snappy_compress(std::string_view plain);
Result<std::string> snappy_decompress(std::string_view compressed, std::size_t expected_size);
std::string lz4_compress(std::string_view plain, int level);
Result<std::string> lz4_decompress(std::string_view compressed, std::size_t expected_size);
std::string zstd_compress(std::string_view plain, int level);
Result<std::string> zstd_decompress(std::string_view compressed, std::size_t expected_size);

// CORRUPT_MESSAGE naming the codec and what went wrong.
Error corrupt(std::string_view codec, std::string_view detail);

}  // namespace klab::codec
