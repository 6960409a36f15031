// Idle client connections: plain TCP sockets to 127.0.0.1 that each send one ApiVersions v0 request,
// read its whole answer and then stay open, sending nothing. What they cost the server while idle is
// read from its CPU time.
//
// Invariants:
//  1. Every socket is closed when the object dies.
//  2. Each connect, send and read is bounded by a 5 s socket timeout.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace klab_serve_bench {

class IdleConnections {
 public:
  IdleConnections() = default;
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;
  ~IdleConnections();

  // Opens `count` connections to `port`, each answered once. False with `error` on the first failure.
  bool open(uint16_t port, int count, std::string& error);
  std::size_t size() const { return fds_.size(); }

 private:
  std::vector<int> fds_;
};

}  // namespace klab_serve_bench
