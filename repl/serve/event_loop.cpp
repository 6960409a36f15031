// The serve layer's poll(2) loop (see event_loop.hpp).
#include "serve/event_loop.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "cluster/cluster.hpp"

namespace klab::serve {
namespace {

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

EventLoop::EventLoop(FrameHandler handler, EventLoopOptions options, Log log)
    : handler_(std::move(handler)), options_(std::move(options)), log_(std::move(log)),
      self_(std::make_shared<EventLoop*>(this)) {}

EventLoop::~EventLoop() {
  *self_ = nullptr;
  close_all();
}

bool EventLoop::open_broker(BrokerId id, std::string& error) {
  if (listeners_.contains(id)) return true;
  uint16_t port = 0;
  if (auto known = ports_.find(id); known != ports_.end()) {
    port = known->second;
  } else if (options_.base_port != 0) {
    const int64_t wanted = int64_t{options_.base_port} + id - 1;
    if (wanted < 1 || wanted > 65535) {
      error = "broker " + std::to_string(id) + " would listen on port " + std::to_string(wanted) + ", out of range";
      return false;
    }
    port = static_cast<uint16_t>(wanted);
  }
  std::optional<Listener> listener = Listener::open(options_.hosts, port, error);
  if (!listener) return false;
  ports_[id] = listener->port();
  listeners_.emplace(id, std::move(*listener));
  return true;
}

void EventLoop::close_broker(BrokerId id) {
  listeners_.erase(id);
  for (auto& [connection_id, connection] : connections_)
    if (connection->context().broker == id) mark_closed(*connection, {});
}

void EventLoop::set_replies_held(BrokerId id, bool held) {
  if (held) {
    held_brokers_.insert(id);
    return;
  }
  if (held_brokers_.erase(id) == 0) return;
  std::vector<uint64_t> ids;
  for (auto& [connection_id, connection] : connections_)
    if (connection->context().broker == id && connection->held_reply()) ids.push_back(connection_id);
  for (uint64_t connection_id : ids) {
    auto found = connections_.find(connection_id);
    if (found == connections_.end() || !found->second->held_reply()) continue;
    FrameReply reply = std::move(*found->second->held_reply());
    found->second->held_reply().reset();
    deliver(connection_id, std::move(reply));
  }
}

bool EventLoop::listening(BrokerId id) const { return listeners_.contains(id); }

uint16_t EventLoop::port_of(BrokerId id) const {
  auto found = ports_.find(id);
  return found == ports_.end() ? 0 : found->second;
}

std::string EventLoop::listening_line(BrokerId id) const {
  auto found = listeners_.find(id);
  if (found == listeners_.end()) return "klab serve: broker " + std::to_string(id) + " is not listening";
  return "klab serve: broker " + std::to_string(id) + " listening on " + found->second.describe();
}

void EventLoop::watch(Cluster& cluster) {
  cluster.add_event_listener([self = self_](const ClusterEvent& event) {
    EventLoop* loop = *self;
    if (loop == nullptr) return;
    if (event.kind == "BrokerStopped") {
      loop->close_broker(event.broker);
    } else if (event.kind == "BrokerStarted") {
      std::string error;
      if (!loop->open_broker(event.broker, error) && loop->log_) loop->log_("klab serve: broker " + std::to_string(event.broker) + ": " + error);
      else if (loop->log_) loop->log_(loop->listening_line(event.broker));
    } else if (event.kind == "BrokerIsolated") {
      loop->set_replies_held(event.broker, true);
    } else if (event.kind == "NetworkHealed") {
      const std::set<BrokerId> held = loop->held_brokers_;
      for (BrokerId broker : held) loop->set_replies_held(broker, false);
    }
  });
}

void EventLoop::accept_from(BrokerId broker, int listen_fd) {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: the client waits in the backlog
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ConnectionContext context;
    context.broker = broker;
    context.connection_id = next_connection_id_++;
    context.client_address = address_text(&peer);
    const uint64_t id = context.connection_id;
    auto connection = std::make_unique<Connection>(fd, std::move(context));
    connection->set_last_active_ms(steady_ms());
    connections_.emplace(id, std::move(connection));
  }
}

void EventLoop::serve_input(Connection& connection) {
  connection.set_last_active_ms(steady_ms());
  std::string reason;
  if (connection.read_available(reason) == Connection::Io::closed) {
    mark_closed(connection, {});
    return;
  }
  dispatch_next(connection);
}

void EventLoop::flush(Connection& connection) {
  connection.set_last_active_ms(steady_ms());
  std::string reason;
  if (connection.write_available(reason) == Connection::Io::closed) mark_closed(connection, {});
}

// Hands the connection's next whole request to the handler, again and again while replies come at once
// (no recursion: a synchronous reply only changes the connection's state).
void EventLoop::dispatch_next(Connection& connection) {
  if (dispatching_) return;
  dispatching_ = true;
  const uint64_t id = connection.context().connection_id;
  while (!connection.closed() && !connection.awaiting_reply() && !connection.wants_output()) {
    std::string frame, reason;
    Connection::Frame status = connection.take_frame(frame, reason);
    if (status == Connection::Frame::none) break;
    if (status == Connection::Frame::bad_size) {
      mark_closed(connection, reason);
      break;
    }
    connection.set_awaiting_reply(true);
    handler_.handle_frame(connection.context(), frame, [self = self_, id](FrameReply reply) {
      if (EventLoop* loop = *self) loop->deliver(id, std::move(reply));
    });
  }
  dispatching_ = false;
}

void EventLoop::deliver(uint64_t connection_id, FrameReply reply) {
  auto found = connections_.find(connection_id);
  if (found == connections_.end() || found->second->closed()) return;  // it closed meanwhile: dropped
  Connection& connection = *found->second;
  if (held_brokers_.contains(connection.context().broker)) {
    connection.held_reply() = std::move(reply);
    return;
  }
  apply(connection, std::move(reply));
  if (!dispatching_ && !connection.wants_output()) dispatch_next(connection);
}

void EventLoop::apply(Connection& connection, FrameReply reply) {
  connection.set_awaiting_reply(false);
  switch (reply.kind) {
    case ReplyKind::Send:
      connection.queue_reply(reply.bytes);
      flush(connection);
      break;
    case ReplyKind::NoResponse:
      break;
    case ReplyKind::Close:
      mark_closed(connection, reply.close_reason.empty() ? "closed by the broker" : reply.close_reason);
      break;
  }
}

void EventLoop::mark_closed(Connection& connection, const std::string& reason) {
  if (connection.closed()) return;
  connection.close();
  closed_ids_.push_back(connection.context().connection_id);
  if (!reason.empty() && log_)
    log_("klab serve: closed connection " + std::to_string(connection.context().connection_id) + " from " +
         connection.context().client_address + " to broker " + std::to_string(connection.context().broker) + ": " +
         reason);
}

void EventLoop::sweep() {
  std::vector<uint64_t> ids;
  ids.swap(closed_ids_);
  for (uint64_t id : ids) {
    connections_.erase(id);
    if (handler_.connection_closed) handler_.connection_closed(id);
  }
}

int EventLoop::expire_idle() {
  const int64_t now = steady_ms(), max_idle = options_.connections_max_idle_ms;
  int64_t next = -1;
  for (auto& [id, connection] : connections_) {
    if (connection->closed()) continue;
    const int64_t left = connection->last_active_ms() + max_idle - now;
    if (left <= 0) {
      mark_closed(*connection, "idle for connections.max.idle.ms = " + std::to_string(max_idle));
      continue;
    }
    next = next < 0 ? left : std::min(next, left);
  }
  return static_cast<int>(std::min<int64_t>(next, 1 << 30));
}

void EventLoop::poll_once(int timeout_ms, const std::vector<ExtraFd>& extra) {
  sweep();
  if (const int idle_left = expire_idle(); idle_left >= 0)
    timeout_ms = timeout_ms < 0 ? idle_left : std::min(timeout_ms, idle_left);
  for (auto& [id, connection] : connections_)  // a request read earlier, freed by a reply since
    if (connection->has_partial_input() && !connection->closed()) dispatch_next(*connection);
  sweep();
  std::vector<pollfd> fds;
  std::vector<BrokerId> listener_brokers;
  for (auto& [broker, listener] : listeners_)
    for (int fd : listener.fds()) {
      fds.push_back({fd, POLLIN, 0});
      listener_brokers.push_back(broker);
    }
  const std::size_t first_connection = fds.size();
  std::vector<uint64_t> connection_ids;
  for (auto& [id, connection] : connections_) {
    short events = 0;
    if (connection->wants_input()) events |= POLLIN;
    if (connection->wants_output()) events |= POLLOUT;
    if (connection->awaiting_reply()) events |= POLLRDHUP;  // muted: still notice the client leaving
    fds.push_back({connection->fd(), events, 0});
    connection_ids.push_back(id);
  }
  const std::size_t first_extra = fds.size();
  for (const ExtraFd& entry : extra) fds.push_back({entry.fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return;  // timeout, or EINTR (a signal: the caller looks)

  for (std::size_t i = 0; i < first_connection; ++i)
    if (fds[i].revents & POLLIN) accept_from(listener_brokers[i], fds[i].fd);
  for (std::size_t i = first_connection; i < first_extra; ++i) {
    auto found = connections_.find(connection_ids[i - first_connection]);
    if (found == connections_.end() || found->second->closed() || fds[i].revents == 0) continue;
    Connection& connection = *found->second;
    if (fds[i].revents & POLLOUT) {
      flush(connection);
      if (!connection.closed() && !connection.wants_output()) dispatch_next(connection);
    }
    if (!connection.closed() && (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && connection.wants_input())
      serve_input(connection);
    else if (!connection.closed() && connection.awaiting_reply() && (fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR)))
      mark_closed(connection, {});
  }
  sweep();
  for (std::size_t i = first_extra; i < fds.size(); ++i)
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) extra[i - first_extra].on_readable();
}

void EventLoop::close_all() {
  listeners_.clear();
  for (auto& [id, connection] : connections_) mark_closed(*connection, {});
  sweep();
}

std::vector<ConnectionContext> EventLoop::connections() const {
  std::vector<ConnectionContext> open;
  for (const auto& [id, connection] : connections_)
    if (!connection->closed()) open.push_back(connection->context());
  return open;
}

std::size_t EventLoop::connection_count() const { return connections().size(); }

}  // namespace klab::serve
