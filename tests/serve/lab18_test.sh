#!/usr/bin/env bash
# Lab 18 (a serve lab) through `klab lab check 18 --run CMD`: klab serves the lab's cluster on free
# 127.0.0.1 ports, runs the command with KAFKA_BOOTSTRAP_SERVERS, then grades the cluster's state.
# usage: lab18_test.sh path/to/klab CASE, CASE one of
#   solution     labs/18-your-own-client/solution.py scores full marks (exit 0)
#   wrong        wrong.py (no keys, no commit) loses the keys and group steps (exit 1), in JSON too
#   kcat         solution_kcat.sh, the kcat commands of the lab's text, scores full marks
#   seed-course  the seed course's producer, then its consumer (runs until Ctrl-C) under --timeout:
#                klab's SIGINT makes it close and commit, so full marks, and the timeout is reported
#   repl         lab.start(18) and lab.check() at the prompt of `klab serve --partitions 3`
#   timeout      a command past --timeout is stopped (SIGINT, then SIGKILL if it ignores it), reported,
#                and the empty cluster fails the checks
# Skipped (77) when the case's client (python3-kafka, kcat) is missing.
set -uo pipefail
klab=${1:?usage: lab18_test.sh path/to/klab CASE}
case_name=${2:?usage: lab18_test.sh path/to/klab CASE}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lab=$here/../../labs/18-your-own-client
seed=$here/seed_course
out=$(mktemp)
trap 'rm -f "$out" "$out.err"' EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout:" >&2; cat "$out" >&2
  echo "--- stderr:" >&2; cat "$out.err" >&2 2>/dev/null
  [ -z "${scratch:-}" ] || { echo "--- serve log:" >&2; cat "$scratch/serve.log" >&2; }
  exit 1
}
need_python() { /usr/bin/python3 -c 'import kafka' 2>/dev/null || { echo "python3-kafka missing: skipped"; exit 77; }; }
check() {  # check EXPECTED_EXIT klab-lab-check-arguments...
  local expected=$1
  shift
  timeout 120 "$klab" lab check 18 "$@" >"$out" 2>"$out.err"
  local code=$?
  [ "$code" = "$expected" ] || fail "klab lab check 18 $* exited $code, expected $expected"
}
case $case_name in
  solution)
    need_python
    check 0 --run "/usr/bin/python3 $lab/solution.py"
    grep -q "^Score: 10/10$" "$out" || fail "no full score"
    grep -q "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:[0-9]*,127.0.0.1:[0-9]*,127.0.0.1:[0-9]*$" "$out" || fail "no bootstrap list"
    grep -q "^  exited with status 0 after" "$out" || fail "the command's end is not reported"
    grep -q "^Key: id_9 | Partition: 2 | Offset: " "$out.err" || fail "the command's output did not reach stderr"
    ;;
  wrong)
    need_python
    check 1 --run "/usr/bin/python3 $lab/wrong.py"
    grep -q "^PASS  \[2/2\] first_topic with 3 partitions$" "$out" || fail "the topic step should pass"
    grep -q "^FAIL  \[0/4\] ProducerDemoKeys: .* — no record with key id_0 in first_topic (10 records have no key)$" "$out" ||
      fail "the keys step should fail, saying the keys are missing"
    grep -q "^FAIL  \[0/4\] ConsumerDemo: .* — my-fourth-application has no committed offset on first_topic$" "$out" ||
      fail "the group step should fail, saying nothing was committed"
    grep -q "^Score: 2/10$" "$out" || fail "score"
    check 1 --format json --run "/usr/bin/python3 $lab/wrong.py"
    /usr/bin/python3 -c 'import json,sys; r = json.load(open(sys.argv[1])); assert (r["lab"], r["score"], r["max_score"]) == (18, 2, 10), r' "$out" ||
      fail "the JSON report"
    ;;
  kcat)
    command -v kcat >/dev/null || { echo "kcat missing: skipped"; exit 77; }
    check 0 --run "sh $lab/solution_kcat.sh"
    grep -q "^Score: 10/10$" "$out" || fail "no full score"
    ;;
  seed-course)
    need_python
    check 0 --timeout 12 --run "/usr/bin/python3 $seed/producer_demo_keys.py" --run "/usr/bin/python3 $seed/consumer_demo.py"
    grep -q "^  ran past --timeout 12 s: klab sent SIGINT (Ctrl-C) to its processes, which ended after" "$out" ||
      fail "the consumer's Ctrl-C is not reported"
    grep -q "^Score: 10/10$" "$out" || fail "no full score"
    ;;
  timeout)
    start=$(date +%s)
    check 1 --timeout 1 --run "sleep 30" --run "trap '' INT; sleep 30"
    [ $(($(date +%s) - start)) -lt 20 ] || fail "the time limit did not stop the commands"
    grep -q "^  ran past --timeout 1 s: klab sent SIGINT (Ctrl-C) to its processes, which ended after" "$out" ||
      fail "the first command's timeout is not reported"
    grep -q "^  ran past --timeout 1 s and did not stop on SIGINT: klab killed its processes (SIGKILL)" "$out" ||
      fail "the second command's kill is not reported"
    grep -q "^FAIL  \[0/2\] first_topic with 3 partitions — there is no topic first_topic$" "$out" || fail "checks"
    timeout 20 "$klab" lab check 1 --run true >"$out" 2>"$out.err"; [ $? = 2 ] || fail "lab 1 is not a serve lab"
    grep -q "lab 1 is done with a Lua script" "$out.err" || fail "lab 1 --run message"
    timeout 20 "$klab" lab check 18 "$lab/lab.lua" >"$out" 2>"$out.err"; [ $? = 2 ] || fail "a Lua file for lab 18"
    grep -q -- '--run' "$out.err" || fail "lab 18 with a file should point at --run"
    ;;
  repl)
    # lab.check() in the serve REPL grades the served cluster the student's client wrote to.
    need_python
    source "$here/serve_start.sh"
    serve_start "$klab" 100 --repl --partitions 3
    trap 'serve_cleanup; rm -f "$out" "$out.err"' EXIT
    repl 'lab.start(18)'
    repl_wait "^Step 1/3 — first_topic with 3 partitions" 10 || fail "lab.start(18) in the serve REPL"
    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port timeout 60 /usr/bin/python3 "$lab/solution.py" >"$out" 2>"$out.err" ||
      fail "solution.py against klab serve"
    repl 'lab.check()'
    repl_wait "^Score: " 30 || fail "lab.check() printed no score"
    grep -q "^Score: 10/10$" "$scratch/serve.log" || { cat "$scratch/serve.log" >&2; fail "lab.check() in the serve REPL"; }
    ;;
  *) echo "unknown case $case_name" >&2; exit 2 ;;
esac
echo "lab 18 $case_name: ok"
