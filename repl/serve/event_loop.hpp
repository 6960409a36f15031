// The poll(2) loop of `klab serve`, on the thread that owns the kernel: a Listener per simulated broker
// (port base + id - 1), the client Connections, and whatever else the program polls (stdin, a signal
// pipe). Requests go to a FrameHandler; its replies come back through a callback that finds the
// connection by id, so a reply for a connection that closed meanwhile is dropped.
//
// Faults follow the cluster (watch()): BrokerStopped closes the broker's listener and connections,
// BrokerStarted listens again on the same port; BrokerIsolated holds that broker's replies (the sockets
// stay open) until NetworkHealed. Connections idle for connections.max.idle.ms are closed.
//
// Invariants:
//  1. Connections are removed only in sweep(), never while a handler or a reply is running, and the
//     handler hears connection_closed(id) once for each.
//  2. poll_once never blocks longer than its timeout, and waits with no timeout only when told to.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "serve/connection.hpp"
#include "serve/frame_handler.hpp"
#include "serve/listener.hpp"

namespace klab {
class Cluster;
}

namespace klab::serve {

struct EventLoopOptions {
  std::vector<std::string> hosts = {"127.0.0.1", "::1"};
  uint16_t base_port = 9092;  // 0: every broker on a free port of its own
  // Kafka's connections.max.idle.ms: a connection with no byte read or written for this long (wall
  // clock) is closed, as Kafka's Selector closes it.
  int64_t connections_max_idle_ms = 600000;
};

class EventLoop {
 public:
  using Log = std::function<void(const std::string& line)>;
  EventLoop(FrameHandler handler, EventLoopOptions options, Log log = {});
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Listens for broker `id` (again on its old port after a stop). False with `error` when it cannot.
  bool open_broker(BrokerId id, std::string& error);
  // Closes the broker's listener and every connection to it.
  void close_broker(BrokerId id);
  void set_replies_held(BrokerId id, bool held);
  bool listening(BrokerId id) const;
  uint16_t port_of(BrokerId id) const;  // 0 when never opened
  // "klab serve: broker 1 listening on 127.0.0.1:9092, [::1]:9092"
  std::string listening_line(BrokerId id) const;

  // Follows the cluster's BrokerStopped / BrokerStarted / BrokerIsolated / NetworkHealed events.
  void watch(Cluster& cluster);

  struct ExtraFd {
    int fd;
    std::function<void()> on_readable;
  };
  // Waits up to timeout_ms (-1: until something happens) and serves what is ready; `extra` fds are
  // polled for input too.
  void poll_once(int timeout_ms, const std::vector<ExtraFd>& extra = {});
  void close_all();

  std::vector<ConnectionContext> connections() const;  // open connections, by id
  std::size_t connection_count() const;

 private:
  void accept_from(BrokerId broker, int listen_fd);
  void serve_input(Connection& connection);
  void flush(Connection& connection);
  void dispatch_next(Connection& connection);
  void deliver(uint64_t connection_id, FrameReply reply);
  void apply(Connection& connection, FrameReply reply);
  void mark_closed(Connection& connection, const std::string& reason);
  void sweep();
  // Closes idle connections; returns the ms until the next one would expire (-1: no connection).
  int expire_idle();

  FrameHandler handler_;
  EventLoopOptions options_;
  Log log_;
  std::map<BrokerId, Listener> listeners_;
  std::map<BrokerId, uint16_t> ports_;
  std::set<BrokerId> held_brokers_;
  std::map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<uint64_t> closed_ids_;  // closed, to be swept
  uint64_t next_connection_id_ = 1;
  bool dispatching_ = false;
  // Replies and cluster listeners outlive the loop possibly: they reach it through this, nulled at death.
  std::shared_ptr<EventLoop*> self_;
};

}  // namespace klab::serve
