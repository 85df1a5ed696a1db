#!/usr/bin/env bash
# Installs a configured spillway build into a temporary prefix and builds and
# runs the consumer in this folder against it twice: with find_package(spillway)
# and with `pkg-config --cflags --libs spillway`. Called by tools/run-tests.sh.
#
# Usage: tests/install/check.sh <build-dir>     (e.g. build/default, already built)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $# -ne 1 || ! -f "$1/CMakeCache.txt" ]]; then
  echo "usage: $0 <configured and built spillway build dir>" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/spillway-install-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

echo "install-check: cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log" ||
  { cat "$work/install.log"; exit 1; }
echo "install-check: installed $(find "$prefix/include" -name '*.h' | wc -l) headers," \
  "$(find "$prefix" -name 'libspillway*' | wc -l) libraries"

echo "install-check: find_package(spillway) consumer"
cmake -S "$here" -B "$work/cmake-consumer" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/cmake-consumer" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
"$work/cmake-consumer/spillway_install_consumer"

echo "install-check: pkg-config consumer"
pc_file=$(find "$prefix" -name spillway.pc -print -quit)
if [[ -z "$pc_file" ]]; then
  echo "install-check: spillway.pc was not installed" >&2
  exit 1
fi
PKG_CONFIG_PATH="$(dirname "$pc_file")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
pkg-config --validate spillway
flags=$(pkg-config --cflags --libs spillway)
echo "install-check: pkg-config --cflags --libs spillway: $flags"
# shellcheck disable=SC2086  # the flags are meant to split into words
"${CXX:-c++}" -std=c++20 -O1 -Wall -Wextra -Werror "$here/main.cc" $flags \
  -o "$work/pkg-config-consumer"
"$work/pkg-config-consumer"
echo "install-check: OK"
