# Sourced by the serve tests: starts `klab serve --port 0 --brokers 3` in the background, bounded by
# timeout, and sets $server (its pid), $scratch (a temp dir, log in $scratch/serve.log) and $port
# (broker 1's port on 127.0.0.1). The EXIT trap stops the server and removes $scratch.
# usage: serve_start KLAB SECONDS [--repl] [more klab serve options]
# Without --repl the server is headless (--no-repl). With --repl its REPL reads the FIFO
# $scratch/repl.in, held open on fd 3: `repl LINE` sends a Lua line, `repl_wait REGEX SECONDS` waits
# for the log (the REPL's output, results printed as the piped REPL prints them) to match.
serve_start() {
  local klab=$1 seconds=$2
  shift 2
  scratch=$(mktemp -d)
  server=
  trap 'serve_cleanup' EXIT
  if [ "${1:-}" = --repl ]; then
    shift
    mkfifo "$scratch/repl.in"
    timeout "$seconds" "$klab" serve --port 0 --brokers 3 "$@" <"$scratch/repl.in" >"$scratch/serve.log" 2>&1 &
    server=$!
    exec 3>"$scratch/repl.in"  # opens once the server opened its end; EOF (Ctrl-D) when closed
  else
    timeout "$seconds" "$klab" serve --port 0 --no-repl --brokers 3 "$@" >"$scratch/serve.log" 2>&1 &
    server=$!
  fi
  for _ in $(seq 100); do
    grep -q "broker 3 listening" "$scratch/serve.log" && break
    sleep 0.1
  done
  port=$(grep -o "broker 1 listening on 127.0.0.1:[0-9]*" "$scratch/serve.log" | sed 's/.*://') || true
  if [ -z "$port" ]; then
    echo "FAIL: klab serve printed no listening line" >&2
    cat "$scratch/serve.log" >&2
    exit 1
  fi
}

# The 127.0.0.1:PORT broker ID listens on.
serve_broker_address() {
  grep -o "broker $1 listening on 127.0.0.1:[0-9]*" "$scratch/serve.log" | sed 's/.* on //'
}

repl() { printf '%s\n' "$*" >&3; }

repl_wait() {
  local pattern=$1 seconds=$2
  for _ in $(seq $((seconds * 10))); do
    grep -Eq "$pattern" "$scratch/serve.log" && return 0
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL: the serve REPL printed no line matching '$pattern' within ${seconds}s" >&2
  return 1
}

serve_cleanup() {
  if [ -n "$server" ]; then
    if [ -p "$scratch/repl.in" ]; then  # Ctrl-D first: the REPL ends and the server stops by itself
      exec 3>&-
      for _ in $(seq 30); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
    fi
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true  # under set -e a failing trap would replace the test's status
  fi
  rm -rf "$scratch"
}
