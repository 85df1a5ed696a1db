#!/usr/bin/env bash
# The main job (README.md, "Main job"): installs missing packages, configures
# the `default` preset, builds the main sample and runs it on the fake device.
# Arguments are passed to the sample. Works from any directory.
set -euo pipefail

# The sample this runs: three 13B models on one simulated 23 GiB GPU,
# naive vs spillway vs the offline bound (samples/three_models).
main_target=spillway-three-models

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

echo "==> installing missing packages"
tools/install-deps.sh
echo "==> cmake --preset default"
cmake --preset default
echo "==> building $main_target"
cmake --build --preset default --target "$main_target" --parallel "$(nproc)"
# Samples build into build/default/bin (samples/CMakeLists.txt).
exe="$root/build/default/bin/$main_target"
echo "==> $exe $*"
exec "$exe" "$@"
