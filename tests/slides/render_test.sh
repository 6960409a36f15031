#!/usr/bin/env bash
# Renders every deck with scripts/slides (using the klab under test) and checks that each deck gave
# an HTML page with its slides, and that every image a deck shows was drawn as well-formed SVG.
set -euo pipefail
klab=${1:?usage: render_test.sh path/to/klab output-dir}
out=${2:?usage: render_test.sh path/to/klab output-dir}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rm -rf "$out"
# Marp comes from scripts/test's `npm ci` (build/npm); without it (no npm registry) this test skips.
if [ ! -x "$root/build/npm/node_modules/.bin/marp" ]; then
  echo "skipped: Marp is not installed in $root/build/npm (scripts/test could not reach the npm registry)"
  exit 77
fi
KLAB="$klab" KLAB_SLIDES_OUT="$out" "$root/scripts/slides"
status=0
for deck in "$root"/slides/[0-9]*.md; do
  name=$(basename "$deck" .md)
  page="$out/$name.html"
  separators=$(grep -c '^---$' "$deck" || true)
  expected=$((separators - 1))  # the front matter takes two separators and opens the first slide
  sections=$(grep -o '<section' "$page" 2>/dev/null | wc -l || true)
  if [ ! -s "$page" ] || [ "$sections" -lt "$expected" ]; then
    echo "FAIL $name: $sections slide(s) rendered, $expected expected" >&2
    status=1
  else
    echo "ok   $name: $sections slides"
  fi
  for image in $(grep -o 'images/[A-Za-z0-9_-]*\.svg' "$deck" | sort -u); do
    if ! xmllint --noout "$out/$image" 2>/dev/null; then
      echo "FAIL $name: $image is missing or not well-formed" >&2
      status=1
    fi
  done
done
exit $status
