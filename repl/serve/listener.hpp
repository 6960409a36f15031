// The listening sockets of one simulated broker: one per address (127.0.0.1 and ::1 by default), all on
// the same port. Port 0 picks a free port, the same one for every address.
//
// Invariants: the sockets are non-blocking and close-on-exec; SO_REUSEADDR lets a stopped broker's port
// be opened again at once; an IPv6 socket is IPV6_V6ONLY so the two addresses never collide.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace klab::serve {

class Listener {
 public:
  // Listens on every address of every host (numeric or a name getaddrinfo knows) at `port`. An address
  // family the machine lacks (no IPv6) is skipped while another address works. nullopt + `error` else.
  static std::optional<Listener> open(const std::vector<std::string>& hosts, uint16_t port, std::string& error);

  Listener() = default;
  ~Listener();
  Listener(Listener&& other) noexcept;
  Listener& operator=(Listener&& other) noexcept;
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  const std::vector<int>& fds() const { return fds_; }
  uint16_t port() const { return port_; }
  // "127.0.0.1:9092, [::1]:9092"
  std::string describe() const;
  void close();

 private:
  std::vector<int> fds_;
  std::vector<std::string> addresses_;
  uint16_t port_ = 0;
};

// "127.0.0.1:53211" or "[::1]:53211" for a socket address.
std::string address_text(const void* sockaddr_storage_pointer);

}  // namespace klab::serve
