#!/usr/bin/env bash
# Install what is missing, build the plugin twice (plain, and with
# ASan+UBSan), and run the whole test suite against each build.
#   bash tools/check.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/tools/deps.sh"
jobs=$(nproc)
echo "== build (plain)"
cmake -S "$top" -B "$top/build" >/dev/null
cmake --build "$top/build" -j"$jobs"
ctest --test-dir "$top/build" --output-on-failure -j"$jobs"
echo "== build (ASan+UBSan)"
cmake -S "$top" -B "$top/build-asan" -DENABLE_SANITIZERS=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$top/build-asan" -j"$jobs"
ctest --test-dir "$top/build-asan" --output-on-failure -j"$jobs"
