// The serve layer follows the cluster's faults by listening to its events: a stopped broker's port
// refuses connections and its clients are disconnected; a started one listens again on the same port;
// an isolated broker keeps its sockets but holds its replies until the network heals.
#include <doctest/doctest.h>

#include <memory>

#include "cluster/cluster.hpp"
#include "loopback_client.hpp"
#include "serve/event_loop.hpp"

namespace {

using namespace klab::serve;
using serve_test::Client;

std::unique_ptr<klab::Cluster> three_brokers() {
  klab::ClusterOptions options;
  options.brokers = 3;
  return std::move(klab::Cluster::create(options)).value();
}

FrameHandler echo_handler() {
  FrameHandler handler;
  handler.handle_frame = [](ConnectionContext& connection, std::string_view frame, ReplyCallback reply) {
    reply({ReplyKind::Send, std::to_string(connection.broker) + ":" + std::string(frame), {}});
  };
  return handler;
}

struct ServedCluster {
  std::unique_ptr<klab::Cluster> cluster = three_brokers();
  EventLoop loop{echo_handler(), EventLoopOptions{{"127.0.0.1"}, 0}};
  ServedCluster() {
    for (klab::BrokerId id : cluster->broker_ids()) {
      std::string error;
      REQUIRE_MESSAGE(loop.open_broker(id, error), error);
    }
    loop.watch(*cluster);
  }
};

}  // namespace

TEST_CASE("serve: every broker listens on a port of its own") {
  ServedCluster served;
  CHECK(served.loop.port_of(1) != served.loop.port_of(2));
  Client to_two(served.loop.port_of(2));
  to_two.send_frame("hi");
  CHECK(to_two.read_frame(served.loop) == "2:hi");
  CHECK(served.loop.listening_line(2).starts_with("klab serve: broker 2 listening on 127.0.0.1:"));
}

TEST_CASE("serve: stopping a broker closes its listener and connections; starting it reopens the same port") {
  ServedCluster served;
  const uint16_t port = served.loop.port_of(2);
  Client connected(port), other(served.loop.port_of(1));
  connected.send_frame("before");
  REQUIRE(connected.read_frame(served.loop) == "2:before");
  REQUIRE(served.cluster->stop_broker(2).ok());
  CHECK_FALSE(served.loop.listening(2));
  CHECK(connected.sees_eof(served.loop));
  Client refused(port);
  CHECK_FALSE(refused.connected());
  other.send_frame("unaffected");
  CHECK(other.read_frame(served.loop) == "1:unaffected");

  REQUIRE(served.cluster->start_broker(2).ok());
  CHECK(served.loop.port_of(2) == port);
  Client again(port);
  REQUIRE(again.connected());
  again.send_frame("after");
  CHECK(again.read_frame(served.loop) == "2:after");
}

TEST_CASE("serve: an isolated broker keeps its sockets open but holds replies until the network heals") {
  ServedCluster served;
  Client client(served.loop.port_of(3)), healthy(served.loop.port_of(1));
  REQUIRE(served.cluster->isolate(3).ok());
  client.send_frame("waiting");
  CHECK_FALSE(client.read_frame(served.loop, 150).has_value());
  CHECK(served.loop.connections().size() == 2);
  healthy.send_frame("fine");
  CHECK(healthy.read_frame(served.loop) == "1:fine");
  REQUIRE(served.cluster->heal().ok());
  CHECK(client.read_frame(served.loop) == "3:waiting");
}
