#!/usr/bin/env bash
# A variant the grader kills (a finalizer that loops, out of reach of the instruction hook) or that
# ends in any other way leaves nothing behind in TMPDIR: lab 13 starts a Connect worker in a fresh
# temporary directory in every run.   usage: leftovers_test.sh KLAB WORK_DIR
set -euo pipefail
exec </dev/null
klab=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir/tmp"
fail() { echo "FAIL: $*"; exit 1; }
cat >"$dir/killed.lua" <<'LUA'
setmetatable({}, { __gc = function() while true do end end })
for i = 1, 1e7 do local garbage = { i } end
LUA
cat >"$dir/error.lua" <<'LUA'
error("the script gives up")
LUA
for script in killed error; do
  set +e
  TMPDIR=$dir/tmp "$klab" grade --lab 13 "$dir/$script.lua" --variants 2 --wall-seconds 1 --format json \
    --output "$dir/$script.json"
  code=$?
  set -e
  [ $code -eq 1 ] || fail "$script.lua: exit $code"
  left=$(find "$dir/tmp" -mindepth 1)
  [ -z "$left" ] || fail "$script.lua left files behind: $left"
done
grep -q "wall-clock limit" "$dir/killed.json" || fail "the finalizer was not stopped by the wall-clock limit: $(cat "$dir/killed.json")"
echo "klab grade leaves no files behind"
