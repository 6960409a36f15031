// The hashes Kafka clients use to pick partitions.
//  - murmur2: the Java client's Utils.murmur2 (seed 0x9747b28c), bytes read unsigned, 32-bit
//    wrap-around, logical shifts. partition = to_positive(murmur2(key)) % partition_count.
//  - crc32: zlib's CRC-32, which librdkafka's "consistent" partitioners use.
#pragma once
#include <cstdint>
#include <string_view>

namespace klab {

int32_t murmur2(std::string_view bytes);
// Kafka's Utils.toPositive: clears the sign bit (a mask, not abs()).
inline int32_t to_positive(int32_t number) { return number & 0x7fffffff; }
uint32_t crc32(std::string_view bytes);
// Java's String.hashCode over UTF-16 code units of a UTF-8 string (used to place groups).
int32_t java_string_hash(std::string_view utf8);

}  // namespace klab
