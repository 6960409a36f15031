// Lua interceptors (interceptor.classes) for the producer and consumer bindings.
#pragma once
#include <memory>
#include <vector>

#include "client/consumer.hpp"
#include "client/producer.hpp"
#include "lua_support.hpp"

namespace klab {

// Takes interceptor.classes out of the config table at `config_index` (replacing that table by a copy
// without it) and keeps the list; nullptr when there is none. Raises (LuaArgError) for a malformed list.
std::shared_ptr<void> take_interceptors(lua_State* L, int config_index, const char* function, bool producer);
std::vector<ProducerInterceptor> producer_interceptors(const std::shared_ptr<void>& taken);
std::vector<ConsumerInterceptor> consumer_interceptors(const std::shared_ptr<void>& taken);

}  // namespace klab
