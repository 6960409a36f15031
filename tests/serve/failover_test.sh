#!/usr/bin/env bash
# Failover with real clients on a 3-broker `klab serve`: the partition leader's broker is stopped from
# the serve REPL while a kafka-python consumer and a confluent-kafka producer run (failover.py); the
# group's committed offset (read in the REPL) is then the log end offset.
# usage: failover_test.sh path/to/klab. Skipped (77) when /usr/bin/python3 lacks either client.
set -euo pipefail
klab=${1:?usage: failover_test.sh path/to/klab}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
/usr/bin/python3 -c 'import kafka, confluent_kafka' 2>/dev/null || { echo "python3-kafka or python3-confluent-kafka missing: skipped"; exit 77; }
source "$here/serve_start.sh"
serve_start "$klab" 90 --repl
fail() { echo "FAIL: $*" >&2; echo "--- server log:" >&2; cat "$scratch/serve.log" >&2; exit 1; }
timeout 60 /usr/bin/python3 "$here/failover.py" "127.0.0.1:$port" "$scratch/repl.in" || fail "failover.py"
repl_wait "^STOPPED" 5 || fail "the REPL never stopped the leader's broker"
grep "^COORDINATOR" "$scratch/serve.log" | sed 's/^/     group /'
# The consumer committed as it closed, to the group's coordinator after the failover.
repl 'print(cluster:describe_group("failover-group")) print("DESCRIBED")'
repl_wait "^DESCRIBED" 5 || fail "the REPL did not describe the group"
row=$(grep "^failover-group " "$scratch/serve.log") || fail "no group row"
echo "$row" | awk '$2 == "failover" && $4 == $5 && $4 >= 300 {found = 1} END {exit !found}' ||
  fail "the group's committed offset is not the log end offset: $row"
echo "failover with kafka-python and confluent-kafka on klab serve: ok"
