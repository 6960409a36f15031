// The options of `klab serve` (repl/main.cpp parses them). brokers/seed build the cluster as the REPL
// does; partitions and advertise are for the Kafka front end (FrontEndOptions: auto-created topics'
// partition count, the host Metadata advertises).
#pragma once
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "serve/frame_handler.hpp"

namespace klab {
class Cluster;
}

namespace klab::serve {

struct ServeOptions {
  int32_t brokers = 3;
  uint64_t seed = 42;
  uint16_t port = 9092;                // broker i listens on port + i - 1; 0 = free ports, printed
  std::vector<std::string> listen;     // hosts to listen on; empty = 127.0.0.1 and ::1
  std::string advertise;               // host named in Metadata; empty = the first listen host
  std::optional<int32_t> partitions;   // partitions of auto-created topics; empty = num.partitions
  bool no_repl = false;                // headless: serve until SIGINT/SIGTERM
  std::string file;                    // FILE.lua run before serving
};

// Builds the handler that answers request frames for `cluster` (the lead plugs the broker FrontEnd in
// here). The cluster outlives the handler.
using HandlerFactory = std::function<FrameHandler(Cluster& cluster, const ServeOptions& options)>;

// Kafka's protocol: klab::broker::FrontEnd behind the serve layer (serve/front_end_handler.cpp).
FrameHandler front_end_handler(Cluster& cluster, const ServeOptions& options);

class EventLoop;

// Opens a listener for each running broker (isolated ones hold their replies from the start) and
// writes its "listening on" line to `out`. False, with the reason on stderr, when one cannot listen.
bool open_listeners(EventLoop& loop, const Cluster& cluster, const FrameHandler& handler, std::ostream& out);

// `klab serve`: returns the exit code.
int serve_command(const ServeOptions& options, const HandlerFactory& make_handler = front_end_handler);

}  // namespace klab::serve
