// Opening a broker's listening sockets (see listener.hpp).
#include "serve/listener.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace klab::serve {
namespace {

constexpr int kBacklog = 128;
constexpr int kFreePortAttempts = 20;

struct Resolved {
  sockaddr_storage address{};
  socklen_t length = 0;
  int family = AF_UNSPEC;
};

std::vector<Resolved> resolve(const std::string& host, uint16_t port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int status = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found); status != 0) {
    error = "cannot resolve " + host + ": " + gai_strerror(status);
    return {};
  }
  std::vector<Resolved> result;
  for (addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
    Resolved resolved;
    std::memcpy(&resolved.address, entry->ai_addr, entry->ai_addrlen);
    resolved.length = entry->ai_addrlen;
    resolved.family = entry->ai_family;
    result.push_back(resolved);
  }
  freeaddrinfo(found);
  return result;
}

void set_port(Resolved& resolved, uint16_t port) {
  if (resolved.family == AF_INET) reinterpret_cast<sockaddr_in*>(&resolved.address)->sin_port = htons(port);
  else reinterpret_cast<sockaddr_in6*>(&resolved.address)->sin6_port = htons(port);
}

// A listening socket, or -1 with errno set.
int listen_on(const Resolved& resolved) {
  int fd = ::socket(resolved.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (resolved.family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&resolved.address), resolved.length) != 0 ||
      ::listen(fd, kBacklog) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return 0;
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
}

bool family_missing(int error) { return error == EAFNOSUPPORT || error == EADDRNOTAVAIL; }

}  // namespace

std::string address_text(const void* pointer) {
  const auto* address = static_cast<const sockaddr_storage*>(pointer);
  char text[INET6_ADDRSTRLEN] = {};
  if (address->ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    return fmt::format("{}:{}", text, ntohs(v4->sin_port));
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
  inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
  return fmt::format("[{}]:{}", text, ntohs(v6->sin6_port));
}

std::optional<Listener> Listener::open(const std::vector<std::string>& hosts, uint16_t port, std::string& error) {
  std::vector<Resolved> addresses;
  for (const std::string& host : hosts) {
    std::vector<Resolved> found = resolve(host, port, error);
    if (found.empty()) return std::nullopt;
    addresses.insert(addresses.end(), found.begin(), found.end());
  }
  for (int attempt = 0; attempt < kFreePortAttempts; ++attempt) {
    Listener listener;
    uint16_t chosen = port;
    bool retry = false;
    for (Resolved resolved : addresses) {
      set_port(resolved, chosen);
      int fd = listen_on(resolved);
      if (fd < 0) {
        const int failure = errno;
        if (family_missing(failure) && resolved.family == AF_INET6) continue;
        if (failure == EADDRINUSE && port == 0 && !listener.fds_.empty()) {
          retry = true;  // the free port of the first address is taken on another: pick again
          break;
        }
        error = "cannot listen on " + address_text(&resolved.address) + ": " + std::strerror(failure);
        return std::nullopt;
      }
      if (chosen == 0) chosen = bound_port(fd);
      set_port(resolved, chosen);
      listener.fds_.push_back(fd);
      listener.addresses_.push_back(address_text(&resolved.address));
    }
    if (retry) continue;
    if (listener.fds_.empty()) {
      error = "no address to listen on";
      return std::nullopt;
    }
    listener.port_ = chosen;
    return listener;
  }
  error = "no free port found for every address";
  return std::nullopt;
}

Listener::~Listener() { close(); }

Listener::Listener(Listener&& other) noexcept
    : fds_(std::exchange(other.fds_, {})), addresses_(std::move(other.addresses_)), port_(other.port_) {}

Listener& Listener::operator=(Listener&& other) noexcept {
  if (this != &other) {
    close();
    fds_ = std::exchange(other.fds_, {});
    addresses_ = std::move(other.addresses_);
    port_ = other.port_;
  }
  return *this;
}

std::string Listener::describe() const {
  std::string text;
  for (const std::string& address : addresses_) text += (text.empty() ? "" : ", ") + address;
  return text;
}

void Listener::close() {
  for (int fd : fds_) ::close(fd);
  fds_.clear();
}

}  // namespace klab::serve
