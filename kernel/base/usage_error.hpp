// A programmer error: calling an API in a way Kafka's own client rejects with IllegalStateException
// or IllegalArgumentException (seeking a partition that is not assigned, polling with nothing
// assigned). Thrown, not returned: the Lua boundary turns it into a Lua error with this message.
#pragma once
#include <stdexcept>
#include <string>

namespace klab {

class UsageError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace klab
