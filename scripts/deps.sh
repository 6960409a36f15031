# Sourced by scripts/klab, scripts/test, scripts/bench and scripts/slides: installs what klab builds and
# tests with, once, and builds with a progress line. Every Debian and npm package klab needs is named
# here and nowhere else; tests never install anything (they skip, saying why, when a tool is missing).
# A second run installs nothing and is quiet.

# What building and running klab needs.
klab_packages=(cmake ninja-build g++ pkg-config liblua5.4-dev libedit-dev libfmt-dev libcli11-dev
               doctest-dev libbenchmark-dev zlib1g-dev libzstd-dev liblz4-dev libsnappy-dev
               nlohmann-json3-dev libsqlite3-dev libavro-dev ccache)
# What only the tests need (scripts/test installs these too): xmllint checks the decks' SVG.
# Real Kafka clients the serve tests drive (kcat is librdkafka; python3 clients: kafka-python, confluent-kafka).
klab_test_packages=(libxml2-utils kcat python3-kafka python3-confluent-kafka)
# The serve benchmark (klab_serve_bench, and its smoke ctest) drives klab serve and librdkafka's mock
# cluster through librdkafka's C API; without it CMake leaves the benchmark out.
klab_bench_packages=(librdkafka-dev)
# npm packages (Marp renders the decks) are pinned in scripts/npm/package-lock.json and installed
# with `npm ci` into build/npm by klab_install_npm.

klab_install_deps() { klab_install_packages "${klab_packages[@]}"; }
klab_install_bench_deps() { klab_install_packages "${klab_packages[@]}" "${klab_bench_packages[@]}"; }
klab_install_test_deps() {
  klab_install_packages "${klab_packages[@]}" "${klab_test_packages[@]}" "${klab_bench_packages[@]}"
  # Node.js may come from another source than Debian (its npm then ships inside the nodejs package,
  # and Debian's npm package would conflict), so npm is installed only when there is none.
  command -v npm >/dev/null 2>&1 || klab_install_packages nodejs npm
}

klab_elapsed() {  # klab_elapsed SECONDS -> "4m07s" / "12s"
  local s=$1
  if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}

# klab_install_packages PACKAGE...: installs those of them that are missing, in one apt run whose
# output goes to a log (shown in full only when apt fails).
klab_install_packages() {
  local missing=()
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      echo "klab: missing packages: ${missing[*]}; run as root or install sudo" >&2
      return 1
    fi
  fi
  mkdir -p "$klab_root/build"
  local log="$klab_root/build/apt.log" start=$SECONDS
  echo "klab: installing ${#missing[@]} Debian package(s): ${missing[*]} (log: $log)" >&2
  if ! { "${sudo[@]}" apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
       >"$log" 2>&1; then
    cat "$log" >&2
    echo "klab: installing Debian packages failed (log above, also in $log)" >&2
    return 1
  fi
  echo "klab: installed in $(klab_elapsed $((SECONDS - start)))" >&2
}

# klab_install_npm: `npm ci` of scripts/npm's lockfile into build/npm, again only when the lockfile
# changed. Returns 1, after saying so once, when the registry cannot be reached; the tests that need
# these packages then skip.
klab_install_npm() {
  local dir="$klab_root/build/npm" lock="$klab_root/scripts/npm/package-lock.json"
  if [ -f "$dir/.installed" ] && cmp -s "$lock" "$dir/package-lock.json"; then return 0; fi
  mkdir -p "$dir"
  cp "$klab_root/scripts/npm/package.json" "$lock" "$dir/"
  rm -f "$dir/.installed"
  local log="$dir/npm.log" start=$SECONDS
  echo "klab: installing the pinned npm packages (npm ci into $dir; log: $log)" >&2
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
    echo "klab: the npm registry could not be reached or npm ci failed (see $log);" \
         "skipped: slides_render (Marp renders the decks)" >&2
    return 1
  fi
  touch "$dir/.installed"
  echo "klab: npm packages installed in $(klab_elapsed $((SECONDS - start)))" >&2
}

# klab_build DIR TARGETS CMAKE_ARGS...: configure once, then build incrementally. Shows ninja's
# [n/N] progress on one updating line on a terminal, a line every 10% otherwise, and the time taken;
# the full log is DIR/build.log (printed when the build fails).
klab_build() {
  local dir=$1 targets=$2
  shift 2
  mkdir -p "$dir"
  # ccache keeps compiled objects across build directories and clones (paths below klab_root are
  # hashed relative to it), so a fresh clone on a machine that built klab before rebuilds in minutes.
  local launcher=()
  if command -v ccache >/dev/null 2>&1; then
    export CCACHE_BASEDIR="$klab_root"
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  local args="$* ${launcher[*]}"
  if [ ! -f "$dir/build.ninja" ] || [ "$(cat "$dir/.klab_cmake_args" 2>/dev/null)" != "$args" ]; then
    cmake -S "$klab_root" -B "$dir" -G Ninja "$@" "${launcher[@]}" >"$dir/configure.log" 2>&1 ||
      { cat "$dir/configure.log" >&2; return 1; }
    echo "$args" >"$dir/.klab_cmake_args"
  fi
  local log="$dir/build.log" start=$SECONDS
  rm -f "$dir/.ninja_status"
  # ninja's exit status goes through a file: the pipeline's own status is the progress reader's.
  # shellcheck disable=SC2086  # TARGETS is a space-separated list
  { NINJA_STATUS='[%f/%t] ' ninja -C "$dir" $targets; echo $? >"$dir/.ninja_status"; } 2>&1 |
    tee "$log" | klab_build_progress "$dir"
  [ "$(cat "$dir/.ninja_status" 2>/dev/null)" = 0 ] || {
    cat "$log" >&2
    echo "klab: build failed in $dir (log above, also in $log)" >&2
    return 1
  }
  echo "klab: built $dir in $(klab_elapsed $((SECONDS - start))) (log: $log)" >&2
}

klab_build_progress() {
  local dir=$1 line done total percent shown=-10 tty=0
  [ -t 2 ] && tty=1
  while IFS= read -r line; do
    [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]] || continue
    done=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
    percent=$((done * 100 / total))
    if [ "$tty" -eq 1 ]; then
      printf '\rklab: building %s [%d/%d] %d%%\033[K' "$dir" "$done" "$total" "$percent" >&2
    elif [ "$percent" -ge $((shown + 10)) ]; then
      shown=$((percent / 10 * 10))
      echo "klab: building $dir [$done/$total] $percent%" >&2
    fi
  done
  [ "$tty" -eq 1 ] && printf '\r\033[K' >&2
  return 0
}
