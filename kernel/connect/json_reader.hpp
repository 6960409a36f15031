// Reads record bytes as JSON the way JsonConverter's deserializer does (Jackson's readTree): the
// first JSON value in the bytes, anything after it ignored (Jackson's FAIL_ON_TRAILING_TOKENS is
// off by default). A failure carries a message in Jackson's words ("Unrecognized token 'oops': was
// expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"), without
// Jackson's "at [Source: ...; line: 1, column: 5]" location suffix.
#pragma once
#include <string>
#include <string_view>

#include "connect/connect_data.hpp"

namespace klab::connect {

struct JsonReadResult {
  bool ok = false;
  Json value;
  std::string error;  // Jackson's message when !ok
};

JsonReadResult read_json(std::string_view text);

}  // namespace klab::connect
