#!/usr/bin/env bash
# Replays the transcripts of the course decks and compares them with what klab prints now.
#
# A transcript is a fenced `lua` block with lines starting with "klab> ": the rest of such a line is
# typed, the lines under it (up to the next prompt or the end of the block) are what klab printed.
# For each deck, every typed line of every block is fed, in order, to ONE fresh klab process (the
# REPL without a terminal, stdout and stderr together, as an instructor replays a whole deck in one
# session), started in an empty directory (Connect and inspector demos write files there). A marker
# line printed after each input splits the output again, and the deck's transcript is compared with
# the replayed one line by line (tabs and trailing spaces included).
#
# Lines starting with "lab." are not replayed (they need a lab: `klab lab show N` checks them by
# hand), nor are the lines under them. There is no other exception: a deck whose output drifts from
# klab fails, and the diff says which line of which deck.
#
# usage: transcripts_test.sh path/to/klab [deck.md ...]    (default: every slides/NN-*.md)
set -euo pipefail
klab=${1:?usage: transcripts_test.sh path/to/klab [deck.md ...]}
klab=$(cd "$(dirname "$klab")" && pwd)/$(basename "$klab")
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ $# -eq 0 ]; then set -- "$root"/slides/[0-9]*.md; fi
mark='@@klab-slides-transcript-mark@@'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
for deck in "$@"; do
  name=$(basename "$deck" .md)
  dir="$work/$name"
  mkdir -p "$dir/run"
  # The deck's transcripts as "klab> INPUT" lines with their output (expected.txt), and the session
  # to replay: each input followed by a line printing the marker (session.lua).
  awk -v mark="$mark" -v expected="$dir/expected.txt" -v session="$dir/session.lua" '
    /^```lua[[:space:]]*$/ { in_block = 1; keep = 0; next }
    /^```[[:space:]]*$/    { in_block = 0; keep = 0; next }
    !in_block { next }
    /^klab> / {
      input = substr($0, 7)
      keep = (input !~ /^lab\./)
      if (keep) {
        print "klab> " input > expected
        print input > session
        print "print(\"" mark "\")" > session
      }
      next
    }
    keep { print > expected }
  ' "$deck"
  if [ ! -s "$dir/session.lua" ]; then echo "ok   $name: no transcript"; continue; fi
  (cd "$dir/run" && KLAB_LABS_DIR="$root/labs" "$klab" <"$dir/session.lua" >"$dir/output.txt" 2>&1) || true
  # Rebuild the transcript from the inputs and the output between markers. A marker in the middle of
  # a line means the input printed a last line without a newline: that part is its own line.
  awk -v mark="$mark" '
    NR == FNR { if (FNR % 2 == 1) inputs[++n] = $0; next }
    FNR == 1 { i = 1; print "klab> " inputs[1] }
    {
      at = index($0, mark)
      if (at == 0) { print; next }
      if (at > 1) print substr($0, 1, at - 1)
      if (++i <= n) print "klab> " inputs[i]
    }
  ' "$dir/session.lua" "$dir/output.txt" >"$dir/actual.txt"
  inputs=$(grep -c '^klab> ' "$dir/expected.txt" || true)
  if diff -u --label "$name (deck)" --label "$name (klab)" "$dir/expected.txt" "$dir/actual.txt" >"$dir/diff.txt"; then
    echo "ok   $name: $inputs inputs replayed"
  else
    echo "FAIL $name: the deck differs from what klab prints (- deck, + klab):" >&2
    cat "$dir/diff.txt" >&2
    status=1
  fi
done
exit $status
