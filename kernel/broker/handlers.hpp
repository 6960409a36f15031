// One handler per Kafka API (one file each, named for the API). A handler reads the typed request,
// acts on the cluster (or the group coordinator), and answers through the Request exactly once -
// at once or from a scheduler event. The versions each serves are listed in its file.
#pragma once
#include "broker/request_context.hpp"
#include "protocol/codec.hpp"

namespace klab::broker {

void handle(const RequestPtr& request, const protocol::ApiVersionsRequest& body);
void handle(const RequestPtr& request, const protocol::MetadataRequest& body);
void handle(const RequestPtr& request, const protocol::ProduceRequest& body);
void handle(const RequestPtr& request, const protocol::FetchRequest& body);
void handle(const RequestPtr& request, const protocol::ListOffsetsRequest& body);
void handle(const RequestPtr& request, const protocol::FindCoordinatorRequest& body);
void handle(const RequestPtr& request, const protocol::JoinGroupRequest& body);
void handle(const RequestPtr& request, const protocol::SyncGroupRequest& body);
void handle(const RequestPtr& request, const protocol::HeartbeatRequest& body);
void handle(const RequestPtr& request, const protocol::LeaveGroupRequest& body);
void handle(const RequestPtr& request, const protocol::OffsetCommitRequest& body);
void handle(const RequestPtr& request, const protocol::OffsetFetchRequest& body);
void handle(const RequestPtr& request, const protocol::ListGroupsRequest& body);
void handle(const RequestPtr& request, const protocol::DescribeGroupsRequest& body);
void handle(const RequestPtr& request, const protocol::DeleteGroupsRequest& body);
void handle(const RequestPtr& request, const protocol::CreateTopicsRequest& body);
void handle(const RequestPtr& request, const protocol::DeleteTopicsRequest& body);
void handle(const RequestPtr& request, const protocol::CreatePartitionsRequest& body);
void handle(const RequestPtr& request, const protocol::DescribeConfigsRequest& body);
void handle(const RequestPtr& request, const protocol::AlterConfigsRequest& body);
void handle(const RequestPtr& request, const protocol::DeleteRecordsRequest& body);
void handle(const RequestPtr& request, const protocol::InitProducerIdRequest& body);

// An API the codec decodes but no handler serves yet: the connection is closed, naming it.
template <class Body>
void handle(const RequestPtr& request, const Body&) {
  request->close("klab does not serve API key " + std::to_string(request->header().api_key) + " yet");
}

}  // namespace klab::broker
