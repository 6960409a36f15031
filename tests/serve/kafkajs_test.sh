#!/usr/bin/env bash
# kafkajs 2.2.4 against `klab serve` on free loopback ports (kafkajs_clients.js holds the checks).
# kafkajs comes from scripts/test's `npm ci` of scripts/npm into build/npm.
# usage: kafkajs_test.sh path/to/klab. Skipped (77) without node or build/npm/node_modules/kafkajs.
set -euo pipefail
klab=${1:?usage: kafkajs_test.sh path/to/klab}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
modules=$(cd "$here/../.." && pwd)/build/npm/node_modules
command -v node >/dev/null || { echo "node is not installed: skipped"; exit 77; }
if [ ! -f "$modules/kafkajs/package.json" ]; then
  echo "kafkajs is not installed in $modules (scripts/test installs it with npm ci): skipped"
  exit 77
fi
source "$here/serve_start.sh"
serve_start "$klab" 100
if ! NODE_PATH=$modules KAFKAJS_NO_PARTITIONER_WARNING=1 timeout 80 node "$here/kafkajs_clients.js" "127.0.0.1:$port"; then
  echo "--- server log:" >&2; cat "$scratch/serve.log" >&2; exit 1
fi
