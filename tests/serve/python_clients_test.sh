#!/usr/bin/env bash
# kafka-python 2.0.2 and confluent-kafka 1.7.0 (Debian's python3-kafka, python3-confluent-kafka) against
# `klab serve` on free loopback ports (python_clients.py holds the checks).
# usage: python_clients_test.sh path/to/klab. Skipped (77) when /usr/bin/python3 lacks either client.
set -euo pipefail
klab=${1:?usage: python_clients_test.sh path/to/klab}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
/usr/bin/python3 -c 'import kafka, confluent_kafka' 2>/dev/null || { echo "python3-kafka or python3-confluent-kafka missing: skipped"; exit 77; }
source "$here/serve_start.sh"
serve_start "$klab" 170
if ! timeout 150 /usr/bin/python3 "$here/python_clients.py" "127.0.0.1:$port"; then
  echo "--- server log:" >&2; cat "$scratch/serve.log" >&2; exit 1
fi
