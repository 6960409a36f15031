// The adapter between the serve layer and the broker front end (serve/front_end_handler.cpp): what the
// front end learns of a connection reaches the serve-side context c:connections() reads, one count
// update per request (an entry the front end did not just count is left as it is, not recopied).
#include <doctest/doctest.h>

#include <memory>

#include "cluster/cluster.hpp"
#include "protocol/codec.hpp"
#include "serve/serve_options.hpp"

namespace {

using klab::serve::ConnectionContext;
using klab::serve::FrameReply;
using klab::serve::ReplyKind;

std::string request_frame(int16_t api_key, int16_t version, const klab::protocol::Request& body) {
  return klab::protocol::encode_request(klab::protocol::RequestHeader{api_key, version, 1, std::string("adapter")}, body);
}

}  // namespace

TEST_CASE("serve: the front end's client id and request counts reach c:connections(), one entry per request") {
  auto cluster = std::move(klab::Cluster::create(klab::ClusterOptions{})).value();
  klab::serve::FrameHandler handler = klab::serve::front_end_handler(*cluster, klab::serve::ServeOptions{});
  ConnectionContext connection;
  connection.broker = 1;
  connection.connection_id = 5;
  connection.client_address = "127.0.0.1:40000";
  std::vector<ReplyKind> replies;
  const auto send = [&](const std::string& frame) {
    handler.handle_frame(connection, frame, [&](FrameReply reply) { replies.push_back(reply.kind); });
  };
  klab::protocol::ApiVersionsRequest versions;
  versions.client_software_name = "klab-test";
  versions.client_software_version = "1.0";
  send(request_frame(18, 3, versions));
  send(request_frame(18, 3, versions));
  connection.requests_by_api["Shown"] = 7;  // the adapter updates what changed, it does not recopy the map
  klab::protocol::MetadataRequest metadata;
  metadata.topics = std::vector<klab::protocol::MetadataRequest::MetadataRequestTopic>{};
  send(request_frame(3, 4, metadata));
  send("\x7f\x7f");  // malformed: closed, nothing counted
  REQUIRE(replies.size() == 4);
  CHECK(replies.back() == ReplyKind::Close);
  CHECK(connection.client_id == "adapter");
  CHECK(connection.client_software_name == "klab-test");
  CHECK(connection.client_software_version == "1.0");
  CHECK(connection.requests_by_api == std::map<std::string, int64_t>{{"ApiVersions", 2}, {"Metadata", 1}, {"Shown", 7}});
  if (handler.connection_closed) handler.connection_closed(connection.connection_id);
}
