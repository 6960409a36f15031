// The broker's wire front end: one request frame in, one reply out. It decodes the frame
// (kernel/protocol), keeps the connection's context up to date (client id, KIP-511 software name
// and version, requests counted by API), hands the typed request to its API's handler and encodes
// the typed response. The serve layer owns sockets; this owns no I/O and no clock.
//
// Invariants:
//  1. `reply` is called exactly once per frame: at once, or later from a scheduler event (long-poll
//     Fetch, JoinGroup, acks=all Produce) - unless the connection was closed first, or the request or
//     its response was dropped (Cluster::drop_next_request / drop_next_response): then never, and the
//     connection stays muted until the client gives up, as a lost answer leaves a real client waiting.
//  2. A ConnectionContext is only touched during handle_frame; later replies carry copies.
//  3. The front end must be destroyed before the cluster it serves.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "broker/request_context.hpp"
#include "cluster/cluster.hpp"

namespace klab::broker {

struct ConnectionContext {  // owned by the serve layer, one per TCP connection
  BrokerId broker = -1;
  uint64_t connection_id = 0;
  std::string client_address;  // "127.0.0.1:53211" or "[::1]:53211"
  // Kept up to date by the front end from request headers and ApiVersions v3 (KIP-511):
  std::string client_id, client_software_name, client_software_version;
  std::map<std::string, int64_t> requests_by_api;  // Kafka API name -> count
  // The entry of requests_by_api the last handle_frame counted (empty if none): a mirror of the
  // counts updates that one entry instead of copying the map.
  std::string last_counted_api;
};

class FrontEnd {
 public:
  explicit FrontEnd(Cluster& cluster, FrontEndOptions options = {});
  ~FrontEnd();
  FrontEnd(const FrontEnd&) = delete;
  FrontEnd& operator=(const FrontEnd&) = delete;

  // One request frame (the bytes after the int32 size). acks=0 Produce -> NoResponse. Unknown key,
  // unsupported version (except ApiVersions, answered in the v0 layout with error 35), malformed
  // -> Close with a reason naming the problem.
  void handle_frame(ConnectionContext& connection, std::string_view frame, std::function<void(FrameReply)> reply);
  // The connection went away: its pending replies are dropped and its parked fetches released.
  void connection_closed(uint64_t connection_id);

  // The host and port Metadata names for `broker`: the serve layer learns its ports only once it
  // listens (--port 0 picks free ones), after the front end exists.
  void set_advertised_listener(BrokerId broker, AdvertisedListener listener);

  Cluster& cluster() { return cluster_; }

 private:
  Cluster& cluster_;
  std::shared_ptr<BrokerState> state_;
};

}  // namespace klab::broker
