#!/usr/bin/env bash
# A recording survives its process being killed: `klab run` records a busy cluster into a file and
# reports, after each step, how many samples its database holds; it is SIGKILLed mid-run; the file
# must then open (klab inspect) and hold at least every sample reported before the kill, each with
# its partitions.   usage: kill_mid_run.sh KLAB WORK_DIR
set -euo pipefail
exec </dev/null  # no command here may wait for a terminal
klab=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir"
db=$dir/run.sqlite
cat >"$dir/run.lua" <<'LUA'
local c = klab.cluster{ brokers = 3, seed = 1 }
inspect.open(c, arg[1], { ["inspect.sample.ms"] = 100 })
assert(c:create_topic("t", { partitions = 3, replication_factor = 3 }))
local p = c:producer{ acks = "all" }
while true do
  for _ = 1, 50 do p:send("t", { value = "v" }) end
  p:flush()
  c:advance(250)
  io.stdout:write("samples ", inspect.sql("SELECT COUNT(*) AS n FROM samples")[1].n, "\n")
  io.stdout:flush()
end
LUA
"$klab" run "$dir/run.lua" "$db" >"$dir/progress.txt" &
pid=$!
trap 'kill -KILL "$pid" 2>/dev/null || true' EXIT
reported_samples() { { grep -E '^samples [0-9]+$' "$dir/progress.txt" || true; } | tail -n1 | awk '{print $2}'; }
reported=0
for _ in $(seq 1200); do
  reported=$(reported_samples)
  reported=${reported:-0}
  [ "$reported" -ge 60 ] && break
  sleep 0.05
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
reported=$(reported_samples)
[ "${reported:-0}" -ge 60 ] || { echo "the run reported only ${reported:-0} samples before the kill"; exit 1; }
[ -e "$db-wal" ] || { echo "expected a write-ahead log left by the killed process"; exit 1; }
count=$("$klab" inspect "$db" "SELECT COUNT(*) FROM samples" --csv | tail -n1 | tr -d '\r')
missing=$("$klab" inspect "$db" "SELECT COUNT(*) FROM samples s WHERE (SELECT COUNT(*) FROM partitions p WHERE p.sample_id = s.sample_id) <> 3" --csv | tail -n1 | tr -d '\r')
echo "reported before the kill: $reported samples; the database holds $count; samples without their 3 partitions: $missing"
[ "$count" -ge "$reported" ] && [ "$missing" -eq 0 ]
