#!/usr/bin/env bash
# The single test command (README.md, "All tests"; .ci/run runs exactly this).
#
#  1. installs missing Debian packages (tools/install-deps.sh)
#  2. `default` preset (RelWithDebInfo): configure, build, ctest
#  3. `cmake --install` into a temporary prefix; builds and runs the consumer
#     in tests/install with find_package(spillway) and with pkg-config
#  4. `asan` preset (AddressSanitizer + UBSan): configure, build, ctest
#  5. `tsan` preset (ThreadSanitizer), only with SPILLWAY_TSAN=1: it roughly
#     doubles the time (docs/building.md has the measurements)
#
# Environment: SPILLWAY_ASAN=0 skips step 4 (quick local runs; CI keeps it),
# SPILLWAY_TSAN=1 adds step 5. Works from any directory; exits non-zero on the
# first failure.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

started=$SECONDS
summary=()
timing=$(mktemp)
# Runs one step and records its wall-clock and CPU (user + system) seconds:
# CPU time says what the step costs on a dedicated 2-core machine even when
# this one is busy with other work.
step() {
  local name=$1
  shift
  echo
  echo "==> [$name] $*"
  local TIMEFORMAT='%R %U %S'
  # `time` reports on the group's stderr (the file); the step's own stderr
  # goes to the terminal through fd 3.
  { time "$@" 2>&3; } 3>&2 2>"$timing"
  summary+=("$(awk -v name="$name" '{ printf "%-24s wall %6.0fs   cpu %6.0fs", name, $1, $2 + $3 }' \
    "$timing")")
}
report() {
  local rc=$?
  rm -f "$timing"
  echo
  echo "==> run-tests summary (exit $rc, ${#summary[@]} steps passed, $((SECONDS - started))s total):"
  local line
  for line in "${summary[@]}"; do echo "    $line"; done
}
trap report EXIT

jobs=$(nproc)

# Configure, build and test one preset.
preset() {
  local name=$1
  step "$name: configure" cmake --preset "$name"
  step "$name: build" cmake --build --preset "$name" --parallel "$jobs"
  step "$name: test" ctest --preset "$name"
}

step "install dependencies" "$root/tools/install-deps.sh"
preset default
step "install + consumers" "$root/tests/install/check.sh" "$root/build/default"
if [[ ${SPILLWAY_ASAN:-1} != 0 ]]; then
  preset asan
fi
if [[ ${SPILLWAY_TSAN:-0} == 1 ]]; then
  preset tsan
fi
