// One client TCP connection to a simulated broker: Kafka's framing (an int32 size, then the request)
// on a non-blocking socket, and Kafka's mute rule (the next request is read only after the reply to the
// previous one was written, or at once after a request that gets no response).
//
// Invariants:
//  1. At most one request is with the handler at a time (`awaiting_reply`); while it is, or while the
//     outbox holds bytes, nothing more is read, so a client cannot make the buffers grow without bound.
//  2. A size below 0 or above socket.request.max.bytes closes the connection before its body is read.
//  3. The fd is closed exactly once (close() or the destructor).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "serve/frame_handler.hpp"

namespace klab::serve {

constexpr int32_t kSocketRequestMaxBytes = 104857600;  // Kafka's socket.request.max.bytes default

class Connection {
 public:
  Connection(int fd, ConnectionContext context) : fd_(fd), context_(std::move(context)) {}
  ~Connection() { close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  enum class Io { open, closed };
  // Reads what the socket has (only while not muted). `closed` on EOF or error, with a reason.
  Io read_available(std::string& reason);
  // Writes as much of the outbox as the socket takes. `closed` on error.
  Io write_available(std::string& reason);

  enum class Frame { none, ready, bad_size };
  // Takes the next whole request frame out of the input (without its size); `bad_size` names the size.
  Frame take_frame(std::string& frame, std::string& reason);

  void queue_reply(const std::string& bytes);  // adds the size prefix
  bool wants_input() const { return !awaiting_reply_ && outbox_.empty() && fd_ >= 0; }
  bool wants_output() const { return !outbox_.empty(); }
  bool has_partial_input() const { return !input_.empty(); }
  bool frame_buffered() const;
  bool awaiting_reply() const { return awaiting_reply_; }
  void set_awaiting_reply(bool awaiting) { awaiting_reply_ = awaiting; }
  // A reply held back while the broker is isolated (at most one: the connection is muted meanwhile).
  std::optional<FrameReply>& held_reply() { return held_; }

  int fd() const { return fd_; }
  bool closed() const { return fd_ < 0; }
  void close();
  ConnectionContext& context() { return context_; }
  const ConnectionContext& context() const { return context_; }
  // The steady-clock ms of the last byte read or written (or of the accept): connections.max.idle.ms
  // counts from it.
  int64_t last_active_ms() const { return last_active_ms_; }
  void set_last_active_ms(int64_t ms) { last_active_ms_ = ms; }

 private:
  int fd_;
  ConnectionContext context_;
  std::string input_;
  std::string outbox_;
  std::size_t outbox_offset_ = 0;
  bool awaiting_reply_ = false;
  std::optional<FrameReply> held_;
  int64_t last_active_ms_ = 0;
};

}  // namespace klab::serve
