#!/usr/bin/env bash
# Start-up time of klab: the REPL with its banner and a ready cluster, fed an empty script, 20 times.
set -euo pipefail
klab=${1:?usage: startup.sh path/to/klab}
runs=20
start=$(date +%s%N)
for _ in $(seq $runs); do "$klab" </dev/null >/dev/null; done
end=$(date +%s%N)
echo "klab start-up (banner + ready cluster, empty input): $(( (end - start) / runs / 1000000 )) ms on average over $runs runs"
