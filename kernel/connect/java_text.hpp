// How Java prints what Connect hands to a sink: Double.toString, Float.toString, and the iteration
// order of a java.util.HashMap<String, ?> (JsonConverter builds schemaless objects as HashMaps, so
// FileStreamSink writes {"b":1,"a":2} as {a=2, b=1} in hash order, not in the order received).
//
// HashMap order, as far as it matters for small maps: a key's bucket is (h ^ (h >>> 16)) & (capacity
// - 1) with h = String.hashCode (over UTF-16 code units); capacity starts at 16 and doubles when the
// size exceeds 3/4 of it; iteration goes bucket by bucket, insertion order inside a bucket. Not
// reproduced: a bucket of 8+ keys (treeification), which needs unusually colliding keys.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace klab::connect {

int32_t java_string_hash_utf16(std::string_view utf8);
std::vector<std::string> java_hash_map_order(const std::vector<std::string>& keys_in_insertion_order);
std::string java_double_string(double value);  // Double.toString: 1.0, 0.001, 1.0E7, 1.0E-4, NaN
std::string java_float_string(double value);   // Float.toString of the value as a float

}  // namespace klab::connect
