#!/usr/bin/env bash
# Builds tnnc and runs the whole test suite (unit, command line, end to end,
# ONNX conformance).  Extra arguments go to `meson test` (e.g. a suite name).
set -u
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build || exit 1
ninja -C build || exit 1
meson test -C build --print-errorlogs --num-processes 2 "$@" | tee build/test-summary.txt
rc=${PIPESTATUS[0]}
ok=$(awk '/^Ok:/ {print $2}' build/test-summary.txt)
bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {s += $2} END {print s + 0}' build/test-summary.txt)
echo "tests: ${ok:-0} passed, ${bad:-0} failed"
exit "$rc"
