// The Lua face of the kernel: klab.cluster{...} and the Cluster, Producer and Consumer types.
// Bindings only check and convert arguments and call one kernel function; behaviour lives in
// kernel/. Kafka-level failures return nil, err (err.name, err.code, err.retriable, err.message);
// misuse (wrong types, unknown client configs, calling a method with '.') raises a Lua error.
#pragma once
#include <lua.hpp>

#include <memory>

#include "cluster/cluster.hpp"
#include "inspect/inspect_database.hpp"

namespace klab {

// Installs the global table `klab`, the bound types and help(). Does not create a cluster.
void open_klab(lua_State* L);
// Pushes a new Cluster userdata; throws LuaArgError/std::exception on bad options.
Cluster& push_new_cluster(lua_State* L, const ClusterOptions& options);
// Pushes a userdata for an existing cluster (shared with another Lua state), and reads one back
// (nullptr when the value at `index` is not a cluster).
Cluster& push_shared_cluster(lua_State* L, std::shared_ptr<Cluster> cluster);
std::shared_ptr<Cluster> shared_cluster(lua_State* L, int index);

// Registration hooks of each binding file (called by open_klab).
void register_cluster_type(lua_State* L);
void register_producer_type(lua_State* L);
void register_consumer_type(lua_State* L);
void register_schema_registry_type(lua_State* L);
// c:schema_registry() (lua_schema_registry.cpp).
int cluster_schema_registry(lua_State* L);
// The Connect worker (lua_connect.cpp): c:connect(), klab._connect_workdir.
void register_connect_type(lua_State* L);
int cluster_connect(lua_State* L);
int klab_connect_workdir(lua_State* L);
// Creates a producer / consumer for the cluster userdata at stack index 1; config table at 2.
int new_producer(lua_State* L);
int new_consumer(lua_State* L);
Cluster& check_cluster(lua_State* L, int index, const char* function);
// Consumer-group admin methods of the cluster type (lua_group.cpp).
int cluster_groups(lua_State* L);
int cluster_describe_group(lua_State* L);
int cluster_reset_offsets(lua_State* L);
int cluster_delete_group(lua_State* L);
// Metrics methods of klab.Cluster (lua_metrics.cpp).
int cluster_metrics(lua_State* L);
int cluster_metrics_text(lua_State* L);
// Storage methods of klab.Cluster (lua_log_admin.cpp).
int cluster_describe_configs(lua_State* L);
int cluster_run_retention(lua_State* L);
int cluster_run_cleaner(lua_State* L);
int cluster_dump_log(lua_State* L);
int cluster_delete_records(lua_State* L);
// klab serve (lua_serve.cpp): c:connections(), c:serving(), c:pause(), c:resume().
int cluster_connections(lua_State* L);
int cluster_serving(lua_State* L);
int cluster_pause(lua_State* L);
int cluster_resume(lua_State* L);
// The global `inspect` table and the klab.Inspector type (lua_inspect.cpp).
void register_inspect(lua_State* L);
// Query rows as Lua sees them (inspect.sql, w:sql): an array of { column = value } (NULL is nil)
// with rows.columns in SELECT order, printing as `printed`.
void push_query_rows(lua_State* L, const inspect::QueryResult& result, std::string printed);

}  // namespace klab

namespace klab {
struct TypeDoc;
extern const TypeDoc kClusterTypeDoc;
extern const TypeDoc kProducerTypeDoc;
extern const TypeDoc kConsumerTypeDoc;
extern const TypeDoc kInspectorTypeDoc;
extern const TypeDoc kSchemaRegistryTypeDoc;
extern const TypeDoc kConnectWorkerTypeDoc;
extern const TypeDoc kStreamsBuilderTypeDoc;
extern const TypeDoc kKStreamTypeDoc;
extern const TypeDoc kKTableTypeDoc;
extern const TypeDoc kGroupedTypeDoc;
extern const TypeDoc kBranchedTypeDoc;
extern const TypeDoc kGlobalKTableTypeDoc;
extern const TypeDoc kStreamsAppTypeDoc;
extern const TypeDoc kTestDriverTypeDoc;
}  // namespace klab
