#!/usr/bin/env bash
# kcat (librdkafka) against `klab serve` on free loopback ports: Metadata lists the brokers on the
# ports they listen on, produced records (auto-created topic) come back in order with their keys,
# and a `kcat -G` group consumer reads them, commits, and resumes at its committed offset.
# usage: kcat_test.sh path/to/klab. Skipped (77) without kcat.
set -euo pipefail
klab=${1:?usage: kcat_test.sh path/to/klab}
command -v kcat >/dev/null || { echo "kcat is not installed: skipped"; exit 77; }
source "$(dirname "${BASH_SOURCE[0]}")/serve_start.sh"
fail() { echo "FAIL: $*" >&2; echo "--- server log:" >&2; cat "$scratch/serve.log" >&2; exit 1; }
serve_start "$klab" 120
bootstrap=127.0.0.1:$port

metadata=$(timeout 15 kcat -b "$bootstrap" -L)
echo "$metadata" | grep -q " 3 brokers:" || fail "kcat -L: $metadata"
for id in 1 2 3; do
  line=$(grep -o "broker $id listening on 127.0.0.1:[0-9]*" "$scratch/serve.log" | sed 's/.* on //')
  echo "$metadata" | grep -q "broker $id at $line" || fail "broker $id not advertised at $line: $metadata"
done

printf 'k1:hello\nk2:world\nk1:again\n' | timeout 15 kcat -b "$bootstrap" -P -t orders -K: || fail "kcat -P"
consumed=$(timeout 15 kcat -b "$bootstrap" -C -t orders -o beginning -e -q -f '%p %o %k=%s\n')
expected=$'0 0 k1=hello\n0 1 k2=world\n0 2 k1=again'
[ "$consumed" = "$expected" ] || fail "kcat -C printed: $consumed"
timeout 15 kcat -b "$bootstrap" -L -t orders | grep -q 'topic "orders" with 1 partitions' || fail "orders not auto-created with num.partitions=1"

# kcat -G: a balanced consumer in a group reads from the start, commits as it leaves; the group's
# next run starts at the committed offset and reads only what came since.
group() { timeout 20 kcat -b "$bootstrap" -G klab-kcat-group -X auto.offset.reset=earliest -e -u -q -f '%p %o %k=%s\n' orders; }
consumed=$(group) || fail "kcat -G failed"
[ "$consumed" = "$expected" ] || fail "kcat -G printed: $consumed"
printf 'k3:later\n' | timeout 15 kcat -b "$bootstrap" -P -t orders -K: || fail "kcat -P"
consumed=$(group) || fail "kcat -G (second run) failed"
[ "$consumed" = "0 3 k3=later" ] || fail "kcat -G second run did not resume at the committed offset 3: $consumed"
echo "kcat against klab serve: ok"
