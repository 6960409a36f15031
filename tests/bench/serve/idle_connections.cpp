// Idle connections that each had one ApiVersions answered (see idle_connections.hpp).
#include "idle_connections.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstring>

namespace klab_serve_bench {
namespace {

// ApiVersions v0 with request header v1: size, api_key 18, api_version 0, correlation id, client id.
std::string api_versions_request(int32_t correlation_id) {
  const std::string client_id = "klab-serve-bench";
  std::string body;
  auto put16 = [&](uint16_t v) { body.push_back(static_cast<char>(v >> 8)), body.push_back(static_cast<char>(v)); };
  auto put32 = [&](uint32_t v) { put16(static_cast<uint16_t>(v >> 16)), put16(static_cast<uint16_t>(v)); };
  put16(18);
  put16(0);
  put32(static_cast<uint32_t>(correlation_id));
  put16(static_cast<uint16_t>(client_id.size()));
  body += client_id;
  std::string frame;
  const auto size = static_cast<uint32_t>(body.size());
  for (int shift = 24; shift >= 0; shift -= 8) frame.push_back(static_cast<char>(size >> shift));
  return frame + body;
}

bool read_exactly(int fd, char* into, std::size_t count) {
  while (count > 0) {
    ssize_t n = ::recv(fd, into, count, 0);
    if (n <= 0) return false;
    into += n;
    count -= static_cast<std::size_t>(n);
  }
  return true;
}

// One connection that sent ApiVersions and read its whole response; -1 on failure.
int open_one(uint16_t port, int32_t correlation_id) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string request = api_versions_request(correlation_id);
  char size_bytes[4];
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()) &&
            read_exactly(fd, size_bytes, 4);
  if (ok) {
    uint32_t size = 0;
    for (char byte : size_bytes) size = (size << 8) | static_cast<unsigned char>(byte);
    std::string response(size, '\0');
    ok = size < (1u << 20) && read_exactly(fd, response.data(), size);
  }
  if (!ok) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

IdleConnections::~IdleConnections() {
  for (int fd : fds_) ::close(fd);
}

bool IdleConnections::open(uint16_t port, int count, std::string& error) {
  for (int i = 0; i < count; ++i) {
    int fd = open_one(port, i + 1);
    if (fd < 0) {
      error = "connection " + std::to_string(i + 1) + " to port " + std::to_string(port) + " got no ApiVersions answer";
      return false;
    }
    fds_.push_back(fd);
  }
  return true;
}

}  // namespace klab_serve_bench
