#include "base/error.hpp"

namespace klab {

std::string_view error_name(ErrorCode code) {
  switch (code) {
#define KLAB_X(name, number, retriable) \
  case ErrorCode::name:                 \
    return #name;
    KLAB_ERROR_CODES(KLAB_X)
#undef KLAB_X
  }
  return "UNKNOWN_SERVER_ERROR";
}

bool is_retriable(ErrorCode code) {
  switch (code) {
#define KLAB_X(name, number, retriable) \
  case ErrorCode::name:                 \
    return retriable;
    KLAB_ERROR_CODES(KLAB_X)
#undef KLAB_X
  }
  return false;
}

std::string Error::to_string() const {
  std::string line(name());
  if (!message.empty()) {
    line += ": ";
    line += message;
  }
  return line;
}

}  // namespace klab
