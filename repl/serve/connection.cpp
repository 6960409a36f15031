// Framing and buffered, non-blocking I/O of one client connection (see connection.hpp).
#include "serve/connection.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace klab::serve {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// Bytes read from one connection per wake-up before the loop serves the others. A whole produce
// request of a few MB is read in one go, not one 64 KiB chunk per poll(2) round.
constexpr std::size_t kReadBudget = 4 * 1024 * 1024;

int32_t read_int32(const std::string& bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  return static_cast<int32_t>((uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]});
}

}  // namespace

// True once the buffered input holds a whole request, or a size that take_frame refuses.
bool Connection::frame_buffered() const {
  if (input_.size() < 4) return false;
  const int32_t size = read_int32(input_);
  return size < 0 || size > kSocketRequestMaxBytes || input_.size() >= 4 + static_cast<std::size_t>(size);
}

Connection::Io Connection::read_available(std::string& reason) {
  char buffer[kReadChunk];
  std::size_t read = 0;
  for (;;) {
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      if (input_.size() < 4 && input_.size() + static_cast<std::size_t>(n) >= 4) {
        // The size is known now: make room for the whole request once, not by doubling.
        std::string head = input_ + std::string(buffer, static_cast<std::size_t>(4 - input_.size()));
        const int32_t size = read_int32(head);
        if (size > 0 && size <= kSocketRequestMaxBytes) input_.reserve(4 + static_cast<std::size_t>(size));
      }
      input_.append(buffer, static_cast<std::size_t>(n));
      read += static_cast<std::size_t>(n);
      if (frame_buffered() || read >= kReadBudget) return Io::open;
      continue;
    }
    if (n == 0) {
      reason = input_.empty() ? "the client closed the connection" : "the client closed the connection mid-request";
      return Io::closed;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Io::open;
    reason = std::string("read failed: ") + std::strerror(errno);
    return Io::closed;
  }
}

Connection::Frame Connection::take_frame(std::string& frame, std::string& reason) {
  if (input_.size() < 4) return Frame::none;
  const int32_t size = read_int32(input_);
  if (size < 0 || size > kSocketRequestMaxBytes) {
    reason = "invalid request size " + std::to_string(size) + " (socket.request.max.bytes = " +
             std::to_string(kSocketRequestMaxBytes) + ")";
    return Frame::bad_size;
  }
  const std::size_t total = 4 + static_cast<std::size_t>(size);
  if (input_.size() < total) {
    input_.reserve(total);
    return Frame::none;
  }
  frame.assign(input_, 4, static_cast<std::size_t>(size));
  input_.erase(0, total);
  return Frame::ready;
}

void Connection::queue_reply(const std::string& bytes) {
  const auto size = static_cast<uint32_t>(bytes.size());
  const char prefix[4] = {static_cast<char>(size >> 24), static_cast<char>(size >> 16), static_cast<char>(size >> 8),
                          static_cast<char>(size)};
  outbox_.append(prefix, 4);
  outbox_.append(bytes);
}

Connection::Io Connection::write_available(std::string& reason) {
  while (outbox_offset_ < outbox_.size()) {
    ssize_t n = ::send(fd_, outbox_.data() + outbox_offset_, outbox_.size() - outbox_offset_, MSG_NOSIGNAL);
    if (n > 0) {
      outbox_offset_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::open;
    reason = std::string("write failed: ") + std::strerror(errno);
    return Io::closed;
  }
  outbox_.clear();
  outbox_offset_ = 0;
  return Io::open;
}

void Connection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace klab::serve
