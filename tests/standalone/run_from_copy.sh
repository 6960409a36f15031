#!/usr/bin/env bash
# Runs the unit suite from a copy of the repository with nothing beside it, as a plain clone is
# (CI has ../shared beside its clone; a student's clone does not). Fails when a code, build or
# script file refers to ../shared, or when a test needs a file that is not in the repository.
# usage: run_from_copy.sh path/to/klab_unit_tests [doctest arguments...]
set -euo pipefail
unit=${1:?usage: run_from_copy.sh path/to/klab_unit_tests [doctest arguments...]}
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
copy="$scratch/klab"
mkdir -p "$copy"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked files plus new ones not ignored: what a commit of this tree would hold.
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} cp --parents {} "$copy" 2>/dev/null || true)
else
  (cd "$root" && tar --exclude=./build --exclude=./.git -cf - .) | tar -xf - -C "$copy"
fi
[ -e "$scratch/shared" ] && { echo "FAIL: $scratch/shared exists" >&2; exit 1; }

status=0
# Code, build files and scripts (this script excepted: it names the folder to look for it).
pattern='\.\./'shared
references=$(cd "$copy" && {
  grep -rnI --include='*.cpp' --include='*.hpp' --include='*.cmake' --include='CMakeLists.txt' --include='*.sh' \
       --include='*.lua' --include='*.py' --include='*.js' --exclude-dir=standalone -e "$pattern" . || true
  grep -nIH -e "$pattern" scripts/* .ci/* 2>/dev/null || true
})
if [ -n "$references" ]; then
  echo "FAIL: these files refer to ../shared, which a plain clone does not have:" >&2
  echo "$references" >&2
  status=1
fi
cd "$copy"
KLAB_FIXTURES_DIR="$copy/tests/kernel/fixtures" "$unit" "$@" || status=$?
exit $status
