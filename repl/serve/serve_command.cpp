// `klab serve`: the REPL's cluster served to real Kafka clients. Builds the cluster as the REPL does,
// runs FILE.lua, listens for every running broker, installs the wall-clock TimeDriver and then runs
// the REPL (or nothing, with --no-repl) from the same poll loop until Ctrl-D, Ctrl-C at the prompt,
// SIGINT or SIGTERM. Everything happens on this thread: the kernel is never touched concurrently.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>

#include "cluster/cluster.hpp"
#include "lua_bindings.hpp"
#include "serve/event_loop.hpp"
#include "serve/serve_console.hpp"
#include "serve/serve_options.hpp"
#include "serve/serve_registry.hpp"
#include "serve/wall_clock_driver.hpp"
#include "session.hpp"

namespace klab::serve {
namespace {

// The self-pipe: SIGINT (outside a running chunk) and SIGTERM write a byte the poll loop wakes on.
int signal_pipe[2] = {-1, -1};
volatile std::sig_atomic_t stop_signal = 0;

void on_stop_signal(int signal_number) {
  stop_signal = signal_number;
  if (signal_pipe[1] >= 0) {
    const char byte = 1;
    [[maybe_unused]] ssize_t ignored = ::write(signal_pipe[1], &byte, 1);
  }
}

void install_stop_handler(int signal_number) {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(signal_number, &action, nullptr);
}

void drain_signal_pipe() {
  char bytes[64];
  while (::read(signal_pipe[0], bytes, sizeof bytes) > 0) {
  }
}

bool open_signal_pipe() {
  if (::pipe2(signal_pipe, O_NONBLOCK | O_CLOEXEC) != 0) return false;
  stop_signal = 0;
  install_stop_handler(SIGINT);
  install_stop_handler(SIGTERM);
  signal(SIGPIPE, SIG_IGN);
  return true;
}

void close_signal_pipe() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  for (int& fd : signal_pipe) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

EventLoopOptions loop_options(const ServeOptions& options) {
  EventLoopOptions loop;
  if (!options.listen.empty()) loop.hosts = options.listen;
  loop.base_port = options.port;
  return loop;
}

int serve_cluster(Session& session, Cluster& cluster, const ServeOptions& options, const HandlerFactory& make_handler) {
  FrameHandler handler = make_handler(cluster, options);
  EventLoop loop(handler, loop_options(options), [](const std::string& line) {
    std::cout.flush();
    std::cerr << line << '\n' << std::flush;
  });
  if (!open_listeners(loop, cluster, handler, std::cout)) return 1;
  loop.watch(cluster);

  bool stopping = false;
  EventLoop::ExtraFd signals{signal_pipe[0], [&] {
                               drain_signal_pipe();
                               stopping = true;
                             }};
  WallClockDriver driver(cluster.scheduler(), [&](int timeout_ms) { loop.poll_once(timeout_ms, {signals}); });
  driver.set_interrupted_check([&] { return stopping || console_interrupt_pending(); });
  cluster.scheduler().set_time_driver(&driver);
  ServeRegistry registry{&cluster, [&] { return loop.connections(); }};
  set_serve_registry(session.lua(), &registry);

  std::unique_ptr<ServeConsole> console;
  if (!options.no_repl)
    console = std::make_unique<ServeConsole>(session.lua(), isatty(STDIN_FILENO) != 0, [] {
      install_stop_handler(SIGINT);  // a chunk leaves SIGINT at SIG_DFL
    });
  std::vector<EventLoop::ExtraFd> extra{signals};
  if (console) extra.push_back({console->fd(), [&] { console->on_readable(); }});
  while (!stopping && !(console && console->ended())) {
    driver.catch_up();
    loop.poll_once(driver.idle_timeout_ms(), extra);
  }
  // As the piped REPL: a failed chunk makes the exit status 1 once input ended; a signal stop is 0.
  const bool failed = console && console->ended() && !isatty(STDIN_FILENO) && console->any_error();
  console.reset();
  set_serve_registry(session.lua(), nullptr);
  cluster.scheduler().set_time_driver(nullptr);
  loop.close_all();
  if (stopping && stop_signal != 0) std::cerr << "klab serve: stopped\n";
  return failed ? 1 : 0;
}

}  // namespace

bool open_listeners(EventLoop& loop, const Cluster& cluster, const FrameHandler& handler, std::ostream& out) {
  for (const Broker& broker : cluster.brokers()) {
    if (!broker.alive) continue;
    std::string error;
    if (!loop.open_broker(broker.id, error)) {
      std::cerr << "klab serve: broker " << broker.id << ": " << error << '\n';
      return false;
    }
    if (broker.isolated) loop.set_replies_held(broker.id, true);
    if (handler.broker_listening) handler.broker_listening(broker.id, loop.port_of(broker.id));
    out << loop.listening_line(broker.id) << '\n';
  }
  out << std::flush;
  return true;
}

int serve_command(const ServeOptions& options, const HandlerFactory& make_handler) {
  SessionOptions session_options;
  session_options.brokers = options.brokers;
  session_options.seed = options.seed;
  Session session(session_options);
  lua_State* L = session.lua();
  lua_getglobal(L, "cluster");
  std::shared_ptr<Cluster> cluster = shared_cluster(L, -1);
  lua_settop(L, 0);
  if (!cluster) {
    std::cerr << "klab serve: no cluster to serve\n";
    return 1;
  }
  if (!options.file.empty() && session.run_file(options.file, 0, nullptr) != 0) return 1;
  if (!open_signal_pipe()) {
    std::cerr << "klab serve: cannot create a pipe\n";
    return 1;
  }
  int code = serve_cluster(session, *cluster, options, make_handler);
  close_signal_pipe();
  return code;
}

}  // namespace klab::serve
