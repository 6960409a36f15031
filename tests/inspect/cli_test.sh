#!/usr/bin/env bash
# klab inspect FILE ["SELECT ..."] [--csv|--json]: the formats, the SQL prompt fed from a pipe, and
# the errors (malformed SQL: exit 1 with SQLite's message; a file that is not a klab database:
# exit 2, file untouched).   usage: cli_test.sh KLAB WORK_DIR
set -euo pipefail
exec </dev/null  # no command here may wait for a terminal
klab=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir"
db=$dir/run.sqlite
fail() { echo "FAIL: $*"; exit 1; }
cat >"$dir/record.lua" <<'LUA'
local c = klab.cluster{ brokers = 3, seed = 2 }
inspect.open(c, arg[1])
assert(c:create_topic("orders", { partitions = 2, replication_factor = 3 }))
local p = c:producer{}
for i = 1, 10 do p:send("orders", { key = "k" .. i, value = "v,\"quoted\"" }) end
p:flush()
c:advance(2500)
inspect.close()
LUA
"$klab" run "$dir/record.lua" "$db"

table=$("$klab" inspect "$db" "SELECT time_ms, topic, partition, high_watermark FROM partitions WHERE time_ms = 2000 ORDER BY partition")
expected_table="time_ms  topic   partition  high_watermark
-------  ------  ---------  --------------
   2000  orders          0               7
   2000  orders          1               3
(2 rows)"
[ "$table" = "$expected_table" ] || fail "table output:
$table"

csv=$("$klab" inspect "$db" "SELECT topic, partition, 'a,\"b\"' AS text, NULL AS missing FROM partitions WHERE time_ms = 2000 ORDER BY partition" --csv | tr -d '\r')
[ "$csv" = 'topic,partition,text,missing
orders,0,"a,""b""",
orders,1,"a,""b""",' ] || fail "csv output:
$csv"

json=$("$klab" inspect "$db" "SELECT partition, high_watermark, NULL AS missing FROM partitions WHERE time_ms = 2000 ORDER BY partition" --json | tr -d ' \n')
[ "$json" = '[{"partition":0,"high_watermark":7,"missing":null},{"partition":1,"high_watermark":3,"missing":null}]' ] ||
  fail "json output: $json"

prompt=$(printf '.tables\nSELECT COUNT(*) AS n\n  FROM samples;\n.quit\n' | "$klab" inspect "$db")
echo "$prompt" | grep -q '^view   under_replicated_now$' || fail "the prompt's .tables: $prompt"
echo "$prompt" | grep -q '^n$' || fail "a statement over two lines: $prompt"

set +e
message=$("$klab" inspect "$db" "SELEC 1" 2>&1)
code=$?
[ $code -eq 1 ] && [[ "$message" == *'near "SELEC": syntax error'* ]] || fail "malformed SQL: exit $code, $message"
message=$("$klab" inspect "$db" "DELETE FROM samples" 2>&1)
code=$?
[ $code -eq 1 ] && [[ "$message" == *"read-only"* ]] || fail "a write: exit $code, $message"
echo "not a database" >"$dir/notes.txt"
message=$("$klab" inspect "$dir/notes.txt" "SELECT 1" 2>&1)
code=$?
[ $code -eq 2 ] && [[ "$message" == *"is not a klab inspector database"* ]] || fail "a text file: exit $code, $message"
[ "$(cat "$dir/notes.txt")" = "not a database" ] || fail "the text file changed"
message=$("$klab" inspect "$dir/missing.sqlite" 2>&1)
code=$?
[ $code -eq 2 ] && [[ "$message" == *"no such file"* ]] || fail "a missing file: exit $code, $message"
[ ! -e "$dir/missing.sqlite" ] || fail "klab inspect created a file"
echo "klab inspect: formats, prompt and errors as expected"
