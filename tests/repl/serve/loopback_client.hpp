// A tiny blocking Kafka-framed client for the serve tests, on 127.0.0.1 only, and a pump that runs the
// event loop (same thread) until a condition holds or a time budget runs out. Every wait is bounded.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "serve/event_loop.hpp"

namespace serve_test {

constexpr int kBudgetMs = 3000;

inline int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Runs the loop until `condition()` or the budget is spent; returns condition().
inline bool pump_until(klab::serve::EventLoop& loop, const std::function<bool()>& condition, int budget_ms = kBudgetMs) {
  const int64_t end = now_ms() + budget_ms;
  while (!condition() && now_ms() < end) loop.poll_once(5);
  return condition();
}

inline void pump_for(klab::serve::EventLoop& loop, int ms) {
  pump_until(loop, [] { return false; }, ms);
}

inline std::string size_prefixed(const std::string& body) {
  const auto size = static_cast<uint32_t>(body.size());
  std::string out{static_cast<char>(size >> 24), static_cast<char>(size >> 16), static_cast<char>(size >> 8),
                  static_cast<char>(size)};
  return out + body;
}

class Client {
 public:
  // fd -1 when the connection was refused.
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void send_raw(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }
  void send_frame(const std::string& body) { send_raw(size_prefixed(body)); }

  // The next whole response body, pumping the loop meanwhile; nullopt on EOF or when the budget ends.
  std::optional<std::string> read_frame(klab::serve::EventLoop& loop, int budget_ms = kBudgetMs) {
    const int64_t end = now_ms() + budget_ms;
    while (now_ms() < end) {
      if (auto frame = take_frame()) return frame;
      if (eof_) return std::nullopt;
      loop.poll_once(2);
      read_available();
    }
    return take_frame();
  }
  // True when the server closed the connection within the budget.
  bool sees_eof(klab::serve::EventLoop& loop, int budget_ms = kBudgetMs) {
    const int64_t end = now_ms() + budget_ms;
    while (!eof_ && now_ms() < end) {
      loop.poll_once(2);
      read_available();
    }
    return eof_;
  }

 private:
  void read_available() {
    pollfd entry{fd_, POLLIN, 0};
    while (::poll(&entry, 1, 0) > 0) {
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        eof_ = true;
        return;
      }
      input_.append(buffer, static_cast<std::size_t>(n));
    }
  }
  std::optional<std::string> take_frame() {
    if (input_.size() < 4) return std::nullopt;
    const auto* b = reinterpret_cast<const unsigned char*>(input_.data());
    const uint32_t size = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
    if (input_.size() < 4 + size) return std::nullopt;
    std::string body = input_.substr(4, size);
    input_.erase(0, 4 + size);
    return body;
  }

  int fd_ = -1;
  std::string input_;
  bool eof_ = false;
};

}  // namespace serve_test
