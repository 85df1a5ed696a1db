#!/usr/bin/env bash
# Installs the Debian packages spillway needs to build and test, only those
# that are missing. Returns at once (one dpkg-query call) when all are present,
# so every entry script can call it unconditionally.
#
# Usage: tools/install-deps.sh        (root, or a user with sudo)
set -euo pipefail

# Needed to configure, build and test.
required=(
  cmake ninja-build g++ pkg-config
  libabsl-dev libhwloc-dev libze-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Nice to have: lstopo shows the NUMA layout the runtime places memory on.
optional=(hwloc)

# Prints the packages among "$@" that are not installed.
missing_of() {
  local installed
  # Unknown packages make dpkg-query fail; they simply count as missing.
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null |
    awk '$2 == "installed" { print $1 }' || true)
  local pkg
  for pkg in "$@"; do
    grep -qxF "$pkg" <<<"$installed" || echo "$pkg"
  done
}

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: dpkg-query not found; this script supports Debian/Ubuntu only." >&2
  echo "install-deps: install by hand: ${required[*]}" >&2
  exit 1
fi

mapfile -t missing_required < <(missing_of "${required[@]}")
mapfile -t missing_optional < <(missing_of "${optional[@]}")
if ((${#missing_required[@]} == 0 && ${#missing_optional[@]} == 0)); then
  echo "install-deps: all packages present"
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: missing ${missing_required[*]} ${missing_optional[*]}; run as root or install sudo." >&2
    exit 1
  fi
  as_root=(sudo)
fi
apt_get=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q)

echo "install-deps: missing: ${missing_required[*]} ${missing_optional[*]}"
echo "install-deps: apt-get update"
"${apt_get[@]}" update
if ((${#missing_required[@]} > 0)); then
  echo "install-deps: apt-get install ${missing_required[*]}"
  "${apt_get[@]}" install --no-install-recommends "${missing_required[@]}"
fi
if ((${#missing_optional[@]} > 0)); then
  echo "install-deps: apt-get install (optional) ${missing_optional[*]}"
  "${apt_get[@]}" install --no-install-recommends "${missing_optional[@]}" ||
    echo "install-deps: optional packages not installed; continuing" >&2
fi
echo "install-deps: done"
