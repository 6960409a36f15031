#!/usr/bin/env bash
# Bad input on the wire against `klab serve` on free loopback ports (bad_input.py sends it): an oversize
# and a negative size prefix, garbage, a malformed request, an unknown API key, a half frame then a
# disconnect, a half frame then silence - while kcat (librdkafka) keeps producing and consuming. Each
# bad connection is closed as Kafka closes it (the silent one stays open, as Kafka keeps it until
# connections.max.idle.ms); the server stays up and every acked kcat record is there, in order.
# usage: bad_input_test.sh path/to/klab. Skipped (77) without kcat.
set -euo pipefail
klab=${1:?usage: bad_input_test.sh path/to/klab}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v kcat >/dev/null || { echo "kcat is not installed: skipped"; exit 77; }
source "$here/serve_start.sh"
serve_start "$klab" 150
if ! timeout 120 /usr/bin/python3 "$here/bad_input.py" 127.0.0.1 "$port" "$server"; then
  echo "--- server log:" >&2; cat "$scratch/serve.log" >&2; exit 1
fi
