#!/usr/bin/env bash
# A mixed consumer group on `klab serve`: a Lua consumer in the serve REPL (driven over stdin) and a
# kcat balanced consumer (`kcat -G group topic`) in one group share a 4-partition topic. The Lua
# side alone owns all 4; once kcat joins, c:describe_group shows both members with 2 partitions
# each, records produced afterwards are read once, each by the member owning its partition, and
# when the Lua member leaves kcat is given all 4.
# usage: mixed_group_test.sh path/to/klab. Skipped (77) without kcat.
set -euo pipefail
klab=${1:?usage: mixed_group_test.sh path/to/klab}
command -v kcat >/dev/null || { echo "kcat is not installed: skipped"; exit 77; }
source "$(dirname "${BASH_SOURCE[0]}")/serve_start.sh"
fail() {
  echo "FAIL: $*" >&2
  echo "--- server log:" >&2; cat "$scratch/serve.log" >&2
  echo "--- kcat:" >&2; cat "$scratch/kcat.err" "$scratch/kcat.out" >&2 2>/dev/null || true
  exit 1
}
serve_start "$klab" 60 --repl
group=mixed-group

repl 'c = cluster; assert(c:create_topic("mixed", { partitions = 4 }))'
repl "k = c:consumer{ ['group.id'] = '$group', ['auto.offset.reset'] = 'earliest' }; assert(k:subscribe('mixed'))"
# Polls k until it owns `want` partitions or 15 s passed (simulated time follows the wall clock).
repl 'function settle(want) local stop = c:now() + 15000 repeat assert(k:poll(100)) until #k:assignment() == want or c:now() > stop return #k:assignment() end'
repl 'print("LUA-ALONE", settle(4))'
repl_wait "LUA-ALONE" 20 || fail "the Lua consumer never answered"
grep -q $'LUA-ALONE\t4' "$scratch/serve.log" || fail "the Lua consumer alone does not own the 4 partitions"

: >"$scratch/kcat.out"; : >"$scratch/kcat.err"
timeout 40 kcat -b "127.0.0.1:$port" -u -G "$group" mixed -f 'KCAT %p %k\n' >"$scratch/kcat.out" 2>"$scratch/kcat.err" &
kcat_pid=$!
repl 'print("LUA-SHARED", settle(2))'
repl_wait "LUA-SHARED" 20 || fail "the Lua consumer never answered"
grep -q $'LUA-SHARED\t2' "$scratch/serve.log" || fail "the Lua consumer did not give up 2 partitions to kcat"
for _ in $(seq 50); do grep -q "assigned:" "$scratch/kcat.err" && break; sleep 0.1; done
kcat_assigned=$(grep "assigned:" "$scratch/kcat.err" | tail -1 | grep -o 'mixed \[[0-9]*\]' | grep -o '[0-9]*' | sort | tr '\n' ' ')

repl "print(c:describe_group('$group'))"
repl 'io.write("LUA-OWNS ") for _, tp in ipairs(k:assignment()) do io.write(tp.partition, " ") end print()'
repl_wait "LUA-OWNS" 5 || fail "no assignment printed"
rows=$(grep "^$group " "$scratch/serve.log")
[ "$(echo "$rows" | wc -l)" = 4 ] || fail "describe_group does not list the 4 partitions: $rows"
[ "$(echo "$rows" | awk '{print $7}' | sort -u | wc -l)" = 2 ] || fail "describe_group does not show 2 members: $rows"
rdkafka_rows=$(echo "$rows" | awk '$9 == "rdkafka" {print $3}' | sort | tr '\n' ' ')
lua_rows=$(echo "$rows" | awk -v id="consumer-$group-1" '$9 == id {print $3}' | sort | tr '\n' ' ')
lua_owns=$(grep "^LUA-OWNS" "$scratch/serve.log" | cut -d' ' -f2- | tr ' ' '\n' | grep . | sort | tr '\n' ' ')
[ -n "$kcat_assigned" ] && [ "$rdkafka_rows" = "$kcat_assigned" ] ||
  fail "describe_group gives kcat (client id rdkafka) '$rdkafka_rows', kcat says it was assigned '$kcat_assigned'"
[ "$lua_rows" = "$lua_owns" ] || fail "describe_group gives the Lua member '$lua_rows', k:assignment() says '$lua_owns'"
[ "$(echo "$rdkafka_rows$lua_rows" | tr ' ' '\n' | grep . | sort -u | wc -l)" = 4 ] ||
  fail "the two members do not split the 4 partitions: kcat '$rdkafka_rows', Lua '$lua_rows'"

# 40 keyed records; each is read by the member that owns its partition, once.
repl 'p = c:producer{}; for i = 1, 40 do assert(p:send("mixed", { key = "key-" .. i, value = "v" .. i })) end; p:flush()'
repl 'mine = 0; for i = 1, 40 do for _, tp in ipairs(k:assignment()) do if klab.partition_for("key-" .. i, 4) == tp.partition then mine = mine + 1 end end end'
repl 'got = 0; stop = c:now() + 10000; repeat for _, r in ipairs(assert(k:poll(200))) do got = got + 1 print("LUA", r.partition, r.key) end until got >= mine or c:now() > stop; print("LUA-READ", got, mine)'
repl_wait "LUA-READ" 15 || fail "the Lua consumer never finished reading"
read -r lua_got lua_mine < <(grep "^LUA-READ" "$scratch/serve.log" | cut -f2,3)
[ "$lua_got" = "$lua_mine" ] || fail "the Lua consumer read $lua_got records, its partitions hold $lua_mine"
for _ in $(seq 100); do [ "$(grep -c '^KCAT' "$scratch/kcat.out")" -ge $((40 - lua_mine)) ] && break; sleep 0.1; done
[ "$(grep -c '^KCAT' "$scratch/kcat.out")" = $((40 - lua_mine)) ] ||
  fail "kcat read $(grep -c '^KCAT' "$scratch/kcat.out") records, its partitions hold $((40 - lua_mine))"
read_keys=$( (grep "^KCAT" "$scratch/kcat.out" | awk '{print $3}'; grep -P "^LUA\t" "$scratch/serve.log" | cut -f3) | sort -u | wc -l)
[ "$read_keys" = 40 ] || fail "the group read $read_keys distinct keys of 40"
while read -r _ partition _; do
  case " $kcat_assigned" in *" $partition "*) ;; *) fail "kcat read partition $partition, not its own ($kcat_assigned)";; esac
done < <(grep "^KCAT" "$scratch/kcat.out")

# The Lua member leaves: kcat, told by its heartbeat that the group rebalances, takes all 4 partitions.
repl 'k:close() print("LUA-LEFT")'
repl_wait "^LUA-LEFT" 5 || fail "k:close() did not return"
for _ in $(seq 150); do grep -q "assigned: mixed \[0\], mixed \[1\], mixed \[2\], mixed \[3\]" "$scratch/kcat.err" && break; sleep 0.1; done
grep -q "assigned: mixed \[0\], mixed \[1\], mixed \[2\], mixed \[3\]" "$scratch/kcat.err" ||
  fail "kcat was not given the 4 partitions after the Lua member left"
repl "print(c:describe_group('$group')) print('DESCRIBED')"
repl_wait "^DESCRIBED" 5 || fail "no description"
rows=$(grep "^$group " "$scratch/serve.log" | tail -4)
[ "$(echo "$rows" | awk '$9 == "rdkafka"' | wc -l)" = 4 ] || fail "describe_group after the Lua member left: $rows"
for partition in $lua_rows; do  # KafkaConsumer.close() commits what the Lua member read
  echo "$rows" | awk -v p="$partition" '$3 == p && $4 == $5 {found = 1} END {exit !found}' ||
    fail "the Lua member did not commit partition $partition as it closed: $rows"
done
kill "$kcat_pid" 2>/dev/null || true
wait "$kcat_pid" 2>/dev/null || true
echo "mixed group (Lua consumer + kcat -G) on klab serve: ok (kcat owns $kcat_assigned, Lua owns $lua_owns)"
