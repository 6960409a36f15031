// Helpers shared by the handlers that name brokers and create topics (Metadata, CreateTopics).
#pragma once
#include <optional>
#include <string>

#include "broker/request_context.hpp"

namespace klab::broker {

AdvertisedListener advertised_listener(const FrontEndOptions& options, BrokerId broker);
// The cluster id Metadata reports: 22 characters of base64, fixed by the cluster's seed.
std::string cluster_id_of(const Cluster& cluster);
// The controller if alive, else the lowest live broker (clients need a listed id), -1 if none.
BrokerId listed_controller(const Cluster& cluster);
bool is_internal_topic(const std::string& name);
// Auto-creation as Metadata and Produce do it: FrontEndOptions' partition count, else num.partitions.
Status auto_create_topic(Request& request, const std::string& name);

inline const std::string& name_of(const std::string& name) { return name; }
inline std::string name_of(const std::optional<std::string>& name) { return name.value_or(""); }

}  // namespace klab::broker
