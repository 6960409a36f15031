// The one list of Kafka APIs klab serves: X(Name, api_key, min_version, max_version, first_flexible_version).
// Everything else is derived from it: the ApiVersions response (api_table.cpp), the request and response
// variants and the decoder dispatch (codec.hpp), and the generated message files (scripts/gen-protocol reads
// this list to know which fields of Kafka's JSON message specs fall in the served versions).
// Invariants: 1. api keys are unique; 2. min <= max; 3. first_flexible_version is the value of Kafka 3.7's
// "flexibleVersions" for that API, even when it lies above max (then no served version is flexible).
// The versions follow docs/ and the serve issue: only ApiVersions v3 is flexible among them.
#pragma once

#define KLAB_PROTOCOL_APIS(X)               \
  X(Produce, 0, 3, 7, 9)                    \
  X(Fetch, 1, 4, 11, 12)                    \
  X(ListOffsets, 2, 1, 5, 6)                \
  X(Metadata, 3, 0, 4, 9)                   \
  X(OffsetCommit, 8, 0, 7, 8)               \
  X(OffsetFetch, 9, 0, 5, 6)                \
  X(FindCoordinator, 10, 0, 2, 3)           \
  X(JoinGroup, 11, 0, 5, 6)                 \
  X(Heartbeat, 12, 0, 3, 4)                 \
  X(LeaveGroup, 13, 0, 3, 4)                \
  X(SyncGroup, 14, 0, 3, 4)                 \
  X(DescribeGroups, 15, 0, 4, 5)            \
  X(ListGroups, 16, 0, 2, 3)                \
  X(ApiVersions, 18, 0, 3, 3)               \
  X(CreateTopics, 19, 0, 4, 5)              \
  X(DeleteTopics, 20, 0, 3, 4)              \
  X(DeleteRecords, 21, 0, 1, 2)             \
  X(InitProducerId, 22, 0, 1, 2)            \
  X(DescribeConfigs, 32, 0, 2, 4)           \
  X(AlterConfigs, 33, 0, 1, 2)              \
  X(CreatePartitions, 37, 0, 1, 2)          \
  X(DeleteGroups, 42, 0, 1, 2)
