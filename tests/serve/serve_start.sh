# Sourced by the serve tests: starts `klab serve --port 0 --no-repl` (3 brokers) in the background,
# bounded by timeout, and sets $server (its pid), $scratch (a temp dir, log in $scratch/serve.log)
# and $port (broker 1's port on 127.0.0.1). The EXIT trap stops the server and removes $scratch.
# usage: serve_start KLAB SECONDS
serve_start() {
  local klab=$1 seconds=$2
  scratch=$(mktemp -d)
  server=
  trap 'serve_cleanup' EXIT
  timeout "$seconds" "$klab" serve --port 0 --no-repl --brokers 3 >"$scratch/serve.log" 2>&1 &
  server=$!
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

# The trap runs under the caller's `set -e`: `wait` reports the server's 143 after the kill, and an unguarded
# status there would become the test's exit code (a passing test failing at random, depending on timing).
serve_cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
