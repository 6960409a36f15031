// klab lab check N --run CMD (see lab_check_command.hpp). The cluster, the loop and the wall clock are
// wired as `klab serve` wires them, minus the REPL: the event loop runs in the pump of run_command, so
// the client is answered while klab waits for it, and in the checks' own waits (ctx.records polls).
#include "serve/lab_check_command.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "cluster/cluster.hpp"
#include "grade_report.hpp"
#include "lua_bindings.hpp"
#include "lua_fields.hpp"
#include "serve/child_command.hpp"
#include "serve/event_loop.hpp"
#include "serve/serve_options.hpp"
#include "serve/serve_registry.hpp"
#include "serve/wall_clock_driver.hpp"
#include "session.hpp"

namespace klab::serve {
namespace {

volatile std::sig_atomic_t interrupted = 0;  // Ctrl-C or SIGTERM at klab: stop the command, report
void on_interrupt(int) { interrupted = 1; }

std::string error_message(lua_State* L) {
  return lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "the lab could not be prepared";
}

// lab.serve_prepare(lab): the lab's fresh cluster and the partitions of auto-created topics.
std::shared_ptr<Cluster> prepare(lua_State* L, const std::string& lab, ServeOptions& serving) {
  lua_getglobal(L, "lab");
  lua_getfield(L, -1, "serve_prepare");
  lua_pushstring(L, lab.c_str());
  if (lua_pcall(L, 1, 2, 0) != LUA_OK) throw std::runtime_error(error_message(L));
  lua_getfield(L, -1, "partitions");
  if (lua_isinteger(L, -1)) serving.partitions = static_cast<int32_t>(lua_tointeger(L, -1));
  lua_pop(L, 2);
  std::shared_ptr<Cluster> cluster = shared_cluster(L, -1);
  lua_settop(L, 0);
  if (!cluster) throw std::runtime_error("the lab's setup did not give a cluster");
  return cluster;
}

// lab.grade_served(print_text) as a report of one run, for klab grade's renderings.
GradeReport grade(lua_State* L, bool print_text, const std::string& commands, const std::string& stopped) {
  lua_getglobal(L, "lab");
  lua_getfield(L, -1, "grade_served");
  lua_pushboolean(L, print_text);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) throw std::runtime_error(error_message(L));
  const int plain = lua_gettop(L);
  GradeReport report;
  report.lab_id = static_cast<int>(integer_field(L, plain, "id"));
  report.lab_title = string_field(L, plain, "title");
  report.submission = commands;
  VariantRun run;
  run.stopped = stopped;
  lua_getfield(L, plain, "steps");
  const int steps = lua_gettop(L);
  for (lua_Integer i = 1; lua_rawgeti(L, steps, i) == LUA_TTABLE; ++i) {
    const int step = lua_gettop(L);
    CheckResult check = check_fields(L, step);
    lua_getfield(L, step, "passed");
    check.passed = lua_toboolean(L, -1) != 0;
    lua_pop(L, 1);
    check.feedback = check.passed ? "" : string_field(L, step, "feedback");
    run.checks.push_back(std::move(check));
    lua_pop(L, 1);
  }
  lua_settop(L, 0);
  report.variants.push_back(std::move(run));
  combine_variants(report);
  return report;
}

std::string bootstrap_servers(const EventLoop& loop, const Cluster& cluster) {
  std::string list;
  // fmt, not "literal" + std::string: GCC 12 -O3 reports a false -Wrestrict on the latter.
  for (const Broker& broker : cluster.brokers())
    if (loop.listening(broker.id)) list += fmt::format("{}127.0.0.1:{}", list.empty() ? "" : ",", loop.port_of(broker.id));
  return list;
}

}  // namespace

int lab_check_command(const LabCheckOptions& options) {
  SessionOptions session_options;
  session_options.preload_cluster = false;
  session_options.labs_dir = options.labs_dir;
  Session session(session_options);
  lua_State* L = session.lua();
  ServeOptions serving;
  serving.port = 0;
  serving.listen = {"127.0.0.1"};
  std::shared_ptr<Cluster> cluster;
  try {
    cluster = prepare(L, options.lab, serving);
  } catch (const std::exception& error) {
    std::cerr << "klab lab check: " << error.what() << '\n';
    return 2;
  }
  const bool text = options.format == "text";
  std::ostream& log = text ? std::cout : std::cerr;  // JSON keeps standard output to itself
  FrameHandler handler = front_end_handler(*cluster, serving);
  EventLoopOptions loop_options;
  loop_options.hosts = serving.listen;
  loop_options.base_port = 0;
  EventLoop loop(handler, loop_options, [](const std::string& line) {
    std::cerr << line << '\n' << std::flush;
  });
  if (!open_listeners(loop, *cluster, handler, std::cerr)) return 2;
  loop.watch(*cluster);
  WallClockDriver driver(cluster->scheduler(), [&](int timeout_ms) { loop.poll_once(timeout_ms); });
  driver.set_interrupted_check([] { return interrupted != 0; });
  cluster->scheduler().set_time_driver(&driver);
  ServeRegistry registry{cluster.get(), [&] { return loop.connections(); }};
  set_serve_registry(L, &registry);
  interrupted = 0;
  signal(SIGINT, on_interrupt);
  signal(SIGTERM, on_interrupt);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up mid-answer is the loop's business

  CommandOptions command_options;
  command_options.timeout_seconds = options.timeout_seconds;
  command_options.environment = {{"KAFKA_BOOTSTRAP_SERVERS", bootstrap_servers(loop, *cluster)}};
  log << "klab lab check " << options.lab << ": serving the lab's cluster, KAFKA_BOOTSTRAP_SERVERS="
      << command_options.environment[0].second << '\n';
  std::string commands, stopped;
  for (const std::string& command : options.commands) {
    if (interrupted) break;
    log << "$ " << command << '\n' << std::flush;
    const CommandRun run = run_command(
        command, command_options,
        [&](int timeout_ms) {
          driver.catch_up();
          const int idle = driver.idle_timeout_ms();
          loop.poll_once(idle < 0 ? timeout_ms : std::min(idle, timeout_ms));
        },
        [] { return interrupted != 0; });
    const std::string how = describe(run, options.timeout_seconds);
    log << "  " << how << '\n' << std::flush;
    commands += (commands.empty() ? "" : " ; ") + command;
    if (run.timed_out || run.interrupted || !run.problem.empty())
      stopped += (stopped.empty() ? "" : "; ") + command + ": " + how;
  }
  int code = 2;
  try {
    driver.catch_up();
    if (text) log << '\n';
    const GradeReport report = grade(L, text, commands, stopped);
    if (options.format == "json") std::cout << render_json(report) << std::flush;
    if (options.format == "gradescope") std::cout << render_gradescope(report) << std::flush;
    code = report.score == report.max_score ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "klab lab check: the checks could not run: " << error.what() << '\n';
  }
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  set_serve_registry(L, nullptr);
  cluster->scheduler().set_time_driver(nullptr);
  loop.close_all();
  return code;
}

}  // namespace klab::serve
