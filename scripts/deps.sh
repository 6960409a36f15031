# Sourced by scripts/klab and scripts/test: installs the Debian packages klab builds with, once.
# Skips apt entirely when everything is already installed, so a second run is quiet and fast.
klab_packages=(cmake ninja-build g++ pkg-config liblua5.4-dev libedit-dev libfmt-dev libcli11-dev
               doctest-dev libbenchmark-dev zlib1g-dev libzstd-dev liblz4-dev libsnappy-dev
               nlohmann-json3-dev libxml2-utils libsqlite3-dev)

klab_install_deps() { klab_install_packages "${klab_packages[@]}"; }

# klab_install_packages PACKAGE...: installs those of them that are missing.
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
  echo "klab: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# klab_build DIR TARGET CMAKE_ARGS...: configure once, then build incrementally; the log is shown on failure.
klab_build() {
  local dir=$1 target=$2
  shift 2
  mkdir -p "$dir"
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S "$klab_root" -B "$dir" -G Ninja "$@" >"$dir/configure.log" 2>&1 || { cat "$dir/configure.log" >&2; return 1; }
  fi
  ninja -C "$dir" $target >"$dir/build.log" 2>&1 || { cat "$dir/build.log" >&2; return 1; }
}
