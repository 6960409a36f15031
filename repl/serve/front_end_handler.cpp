// The serve layer's frames answered by the broker request layer (kernel/broker/front_end.hpp). The
// two ConnectionContext types are kept apart on purpose (the kernel knows no sockets); this adapter
// keeps the broker-side context of each connection and copies what the front end learns (client id,
// KIP-511 software name and version, request counts) back for c:connections(): only what changed,
// so a request costs one count update, not a copy of the connection's requests-by-API map.
#include <map>
#include <memory>
#include <utility>

#include "broker/front_end.hpp"
#include "serve/serve_options.hpp"

namespace klab::serve {
namespace {

struct Wired {
  broker::FrontEnd front_end;
  std::map<uint64_t, broker::ConnectionContext> connections;
  Wired(Cluster& cluster, broker::FrontEndOptions options) : front_end(cluster, std::move(options)) {}
};

ReplyKind to_serve(broker::ReplyKind kind) {
  switch (kind) {
    case broker::ReplyKind::Send: return ReplyKind::Send;
    case broker::ReplyKind::NoResponse: return ReplyKind::NoResponse;
    case broker::ReplyKind::Close: return ReplyKind::Close;
  }
  return ReplyKind::Close;
}

void copy_if_changed(std::string& mirror, const std::string& value) {
  if (mirror != value) mirror = value;
}

std::string advertised_host(const ServeOptions& options) {
  if (!options.advertise.empty()) return options.advertise;
  if (!options.listen.empty()) return options.listen.front();
  return "127.0.0.1";
}

}  // namespace

FrameHandler front_end_handler(Cluster& cluster, const ServeOptions& options) {
  broker::FrontEndOptions front_end_options;
  front_end_options.auto_create_partitions = options.partitions;
  auto wired = std::make_shared<Wired>(cluster, std::move(front_end_options));
  const std::string host = advertised_host(options);

  FrameHandler handler;
  handler.handle_frame = [wired](ConnectionContext& connection, std::string_view frame, ReplyCallback reply) {
    broker::ConnectionContext& context = wired->connections[connection.connection_id];
    context.broker = connection.broker;
    context.connection_id = connection.connection_id;
    context.client_address = connection.client_address;
    wired->front_end.handle_frame(context, frame, [reply = std::move(reply)](broker::FrameReply answer) {
      reply(FrameReply{to_serve(answer.kind), std::move(answer.bytes), std::move(answer.close_reason)});
    });
    copy_if_changed(connection.client_id, context.client_id);
    copy_if_changed(connection.client_software_name, context.client_software_name);
    copy_if_changed(connection.client_software_version, context.client_software_version);
    if (!context.last_counted_api.empty())
      connection.requests_by_api[context.last_counted_api] = context.requests_by_api[context.last_counted_api];
  };
  handler.connection_closed = [wired](uint64_t connection_id) {
    wired->connections.erase(connection_id);
    wired->front_end.connection_closed(connection_id);
  };
  handler.broker_listening = [wired, host](BrokerId broker, uint16_t port) {
    wired->front_end.set_advertised_listener(broker, broker::AdvertisedListener{host, port});
  };
  return handler;
}

}  // namespace klab::serve
