// The Lua surface's cost: a Lua loop calling p:send with a table record, through the same session
// klab's REPL uses (synchronous sends: each one is acknowledged before the next).
#include <benchmark/benchmark.h>

#include "bench_options.hpp"
#include "session.hpp"

namespace {

// Runs `chunk` (which returns a function of n) once per iteration in a fresh session, timing only
// the call with n records.
void run_send_loop(benchmark::State& state, const char* chunk) {
  const int64_t count = klab_bench::smoke() ? 2000 : 200000;
  for (auto _ : state) {
    state.PauseTiming();
    klab::Session session(klab::SessionOptions{});
    lua_State* L = session.lua();
    if (luaL_dostring(L, chunk) != LUA_OK) state.SkipWithError(lua_tostring(L, -1));
    lua_pushinteger(L, count);
    state.ResumeTiming();
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) state.SkipWithError(lua_tostring(L, -1));
    state.PauseTiming();
    lua_settop(L, 0);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * count);
}

void BM_LuaSendTableRecord(benchmark::State& state) {
  run_send_loop(state, R"(
    cluster:create_topic("bench", { partitions = 1 })
    local p = cluster:producer{}
    local value = string.rep("v", 100)
    return function(n) for i = 1, n do p:send("bench", { value = value }) end end)");
}
BENCHMARK(BM_LuaSendTableRecord)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LuaSendAsyncWithCallback(benchmark::State& state) {
  run_send_loop(state, R"(
    cluster:create_topic("bench", { partitions = 1 })
    local p = cluster:producer{}
    local value = string.rep("v", 100)
    local acked = 0
    local function on_ack(md, err) acked = acked + 1 end
    return function(n) for i = 1, n do p:send("bench", { value = value }, on_ack) end p:flush() end)");
}
BENCHMARK(BM_LuaSendAsyncWithCallback)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
