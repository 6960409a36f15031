// What the serve layer asks of whoever answers Kafka request frames. The shapes mirror
// klab::broker::FrontEnd (kernel/broker/front_end.hpp, see /work/notes/interfaces.md) field for
// field, so that plugging the front end in is one adapter of a few lines (front_end_handler()).
// Tests plug in handlers of their own (echo, delayed reply, close) over real sockets.
//
// Invariants:
//  1. `reply` is called exactly once per frame, now or later (from a scheduler event); the serve layer
//     reads the connection's next request only after that reply was written (Kafka's mute rule).
//  2. The ConnectionContext& is valid only during handle_frame; a later reply must not touch it. A reply
//     for a connection that has closed meanwhile is dropped by the serve layer.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "cluster/replica_assignment.hpp"

namespace klab::serve {

struct ConnectionContext {  // one per TCP connection, owned by the serve layer
  BrokerId broker = -1;
  uint64_t connection_id = 0;
  std::string client_address;  // "127.0.0.1:53211" or "[::1]:53211"
  // kept up to date by the handler from request headers and ApiVersions v3 (KIP-511):
  std::string client_id, client_software_name, client_software_version;
  std::map<std::string, int64_t> requests_by_api;  // Kafka API name -> count
};

enum class ReplyKind { Send, NoResponse, Close };

struct FrameReply {
  ReplyKind kind = ReplyKind::Send;
  std::string bytes;  // the response without its int32 size prefix (the serve layer adds it)
  std::string close_reason;
};

using ReplyCallback = std::function<void(FrameReply)>;

struct FrameHandler {
  // One request frame: the bytes after the int32 size.
  std::function<void(ConnectionContext& connection, std::string_view frame, ReplyCallback reply)> handle_frame;
  // The connection went away (pending replies for it will be dropped); may be empty.
  std::function<void(uint64_t connection_id)> connection_closed;
  // Broker `broker` now listens on `port` (Metadata must advertise it); may be empty.
  std::function<void(BrokerId broker, uint16_t port)> broker_listening;
};

}  // namespace klab::serve
