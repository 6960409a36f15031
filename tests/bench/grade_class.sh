#!/usr/bin/env bash
# Grading throughput: 100 submissions of lab 02 (half the reference solution, half the known-wrong
# one) through klab grade-class --jobs 2, 3 variants each, every submission in its own process.
set -euo pipefail
klab=${1:?usage: grade_class.sh path/to/klab [labs dir]}
labs=${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../labs" && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/class"
for i in $(seq -w 1 100); do
  if (( 10#$i % 2 )); then cp "$labs/02-keys-and-partitions/solution.lua" "$work/class/student$i.lua"
  else cp "$labs/02-keys-and-partitions/wrong.lua" "$work/class/student$i.lua"; fi
done
start=$(date +%s%N)
KLAB_LABS_DIR="$labs" "$klab" grade-class --lab 2 "$work/class" --out "$work/book.csv" --jobs 2 >/dev/null 2>&1
end=$(date +%s%N)
graded=$(($(wc -l < "$work/book.csv") - 1))
ms=$(( (end - start) / 1000000 ))
echo "klab grade-class: $graded submissions of lab 02 (3 variants each) with --jobs 2 in $ms ms ($(( graded * 1000 / (ms > 0 ? ms : 1) )) submissions/s)"
