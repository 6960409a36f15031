// The serve layer's poll loop over real loopback sockets (127.0.0.1, free ports), with test handlers:
// Kafka's framing, the request size limit, the mute rule, NoResponse, replies after a disconnect.
#include <doctest/doctest.h>

#include <vector>

#include "loopback_client.hpp"
#include "serve/event_loop.hpp"

namespace {

using klab::serve::ConnectionContext;
using klab::serve::EventLoop;
using klab::serve::EventLoopOptions;
using klab::serve::FrameHandler;
using klab::serve::FrameReply;
using klab::serve::ReplyCallback;
using klab::serve::ReplyKind;
using serve_test::Client;

EventLoopOptions loopback_free_ports() {
  EventLoopOptions options;
  options.hosts = {"127.0.0.1"};
  options.base_port = 0;
  return options;
}

FrameHandler echo_handler() {
  FrameHandler handler;
  handler.handle_frame = [](ConnectionContext& connection, std::string_view frame, ReplyCallback reply) {
    connection.requests_by_api["Echo"] += 1;
    reply({ReplyKind::Send, "echo:" + std::string(frame), {}});
  };
  return handler;
}

// Keeps every reply callback for the test to answer later, in order.
struct DelayedHandler {
  std::vector<std::string> frames;
  std::vector<ReplyCallback> replies;
  std::vector<uint64_t> closed;
  FrameHandler handler() {
    FrameHandler handler;
    handler.handle_frame = [this](ConnectionContext&, std::string_view frame, ReplyCallback reply) {
      frames.emplace_back(frame);
      replies.push_back(std::move(reply));
    };
    handler.connection_closed = [this](uint64_t id) { closed.push_back(id); };
    return handler;
  }
};

struct Served {
  EventLoop loop;
  uint16_t port = 0;
  explicit Served(FrameHandler handler) : loop(std::move(handler), loopback_free_ports()) {
    std::string error;
    REQUIRE_MESSAGE(loop.open_broker(1, error), error);
    port = loop.port_of(1);
    REQUIRE(port != 0);
  }
};

}  // namespace

TEST_CASE("serve: each size-prefixed request gets its reply, in order, with the size prefix added") {
  Served served(echo_handler());
  Client client(served.port);
  REQUIRE(client.connected());
  client.send_frame("first");
  client.send_frame("second");  // pipelined: read only after the first reply was written
  CHECK(client.read_frame(served.loop) == "echo:first");
  CHECK(client.read_frame(served.loop) == "echo:second");
  client.send_frame("");
  CHECK(client.read_frame(served.loop) == "echo:");
  REQUIRE(served.loop.connections().size() == 1);
  CHECK(served.loop.connections()[0].requests_by_api.at("Echo") == 3);
  CHECK(served.loop.connections()[0].broker == 1);
  CHECK(served.loop.connections()[0].client_address.starts_with("127.0.0.1:"));
}

TEST_CASE("serve: a request size above socket.request.max.bytes or below 0 closes only that connection") {
  Served served(echo_handler());
  Client too_big(served.port), negative(served.port), fine(served.port);
  too_big.send_raw(std::string("\x06\x40\x00\x01", 4));  // 104857601
  negative.send_raw(std::string("\xff\xff\xff\xff", 4));
  CHECK(too_big.sees_eof(served.loop));
  CHECK(negative.sees_eof(served.loop));
  fine.send_frame("still here");
  CHECK(fine.read_frame(served.loop) == "echo:still here");
}

TEST_CASE("serve: a request of exactly socket.request.max.bytes is not refused for its size") {
  DelayedHandler delayed;
  Served served(delayed.handler());
  Client client(served.port);
  client.send_raw(std::string("\x06\x40\x00\x00", 4) + "abc");  // 104857600, then the body trickles
  serve_test::pump_for(served.loop, 100);
  CHECK(served.loop.connections().size() == 1);
  CHECK(delayed.frames.empty());
}

TEST_CASE("serve: a client that sends half a request does not hold up another, and EOF mid-request closes it") {
  Served served(echo_handler());
  Client slow(served.port), quick(served.port);
  slow.send_raw(std::string("\x00\x00\x00\x0a", 4) + "abc");  // 10 bytes announced, 3 sent
  quick.send_frame("hello");
  CHECK(quick.read_frame(served.loop) == "echo:hello");
  CHECK(served.loop.connections().size() == 2);
  slow.close();
  CHECK(serve_test::pump_until(served.loop, [&] { return served.loop.connections().size() == 1; }));
}

TEST_CASE("serve: the next request reaches the handler only after the previous reply was written") {
  DelayedHandler delayed;
  Served served(delayed.handler());
  Client client(served.port);
  client.send_frame("one");
  client.send_frame("two");
  serve_test::pump_until(served.loop, [&] { return !delayed.frames.empty(); });
  serve_test::pump_for(served.loop, 50);
  REQUIRE(delayed.frames == std::vector<std::string>{"one"});
  delayed.replies[0]({ReplyKind::Send, "answer one", {}});
  CHECK(client.read_frame(served.loop) == "answer one");
  REQUIRE(serve_test::pump_until(served.loop, [&] { return delayed.frames.size() == 2; }));
  delayed.replies[1]({ReplyKind::Send, "answer two", {}});
  CHECK(client.read_frame(served.loop) == "answer two");
}

TEST_CASE("serve: NoResponse unmutes the connection at once and writes nothing") {
  FrameHandler handler;
  handler.handle_frame = [](ConnectionContext&, std::string_view frame, ReplyCallback reply) {
    if (frame.starts_with("acks=0")) reply({ReplyKind::NoResponse, {}, {}});
    else reply({ReplyKind::Send, "got " + std::string(frame), {}});
  };
  Served served(handler);
  Client client(served.port);
  client.send_frame("acks=0 a");
  client.send_frame("acks=0 b");
  client.send_frame("ping");
  CHECK(client.read_frame(served.loop) == "got ping");
}

TEST_CASE("serve: a Close reply closes the connection; the handler hears connection_closed once") {
  DelayedHandler delayed;
  Served served(delayed.handler());
  Client client(served.port);
  client.send_frame("bad");
  REQUIRE(serve_test::pump_until(served.loop, [&] { return delayed.replies.size() == 1; }));
  delayed.replies[0]({ReplyKind::Close, {}, "unknown api key"});
  CHECK(client.sees_eof(served.loop));
  CHECK(serve_test::pump_until(served.loop, [&] { return delayed.closed.size() == 1; }));
  serve_test::pump_for(served.loop, 20);
  CHECK(delayed.closed.size() == 1);
}

TEST_CASE("serve: a reply for a connection that closed meanwhile is dropped") {
  DelayedHandler delayed;
  Served served(delayed.handler());
  Client leaving(served.port);
  leaving.send_frame("long poll");
  REQUIRE(serve_test::pump_until(served.loop, [&] { return delayed.replies.size() == 1; }));
  leaving.close();
  REQUIRE(serve_test::pump_until(served.loop, [&] { return delayed.closed.size() == 1; }));
  CHECK(served.loop.connections().empty());
  delayed.replies[0]({ReplyKind::Send, "too late", {}});  // must not crash nor reach anyone
  Client next(served.port);
  next.send_frame("x");
  REQUIRE(serve_test::pump_until(served.loop, [&] { return delayed.replies.size() == 2; }));
  delayed.replies[1]({ReplyKind::Send, "for next", {}});
  CHECK(next.read_frame(served.loop) == "for next");
}

TEST_CASE("serve: a reply after the event loop is gone is dropped") {
  DelayedHandler delayed;
  ReplyCallback kept;
  {
    Served served(delayed.handler());
    Client client(served.port);
    client.send_frame("x");
    REQUIRE(serve_test::pump_until(served.loop, [&] { return delayed.replies.size() == 1; }));
    kept = delayed.replies[0];
  }
  kept({ReplyKind::Send, "nobody", {}});
  CHECK(delayed.closed.size() == 1);
}

TEST_CASE("serve: a connection idle for connections.max.idle.ms is closed; an active one stays open") {
  EventLoopOptions options = loopback_free_ports();
  options.connections_max_idle_ms = 1000;
  EventLoop loop(echo_handler(), options);
  std::string error;
  REQUIRE_MESSAGE(loop.open_broker(1, error), error);
  Client idle(loop.port_of(1)), active(loop.port_of(1));
  REQUIRE(idle.connected());
  serve_test::pump_until(loop, [&] { return loop.connections().size() == 2; });
  const int64_t start = serve_test::now_ms();
  while (serve_test::now_ms() < start + 1300) {  // the active client talks every 100 ms
    active.send_frame("ping");
    REQUIRE(active.read_frame(loop) == "echo:ping");
    serve_test::pump_for(loop, 100);
  }
  CHECK(idle.sees_eof(loop, 2000));
  active.send_frame("still here");
  CHECK(active.read_frame(loop) == "echo:still here");
  CHECK(loop.connections().size() == 1);
}

TEST_CASE("serve: the default idle limit is Kafka's connections.max.idle.ms, 600000") {
  CHECK(EventLoopOptions{}.connections_max_idle_ms == 600000);
}
