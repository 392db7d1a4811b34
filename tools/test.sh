#!/usr/bin/env bash
# Builds tnnc and runs the whole test suite (unit, command line, end to end).
set -eu
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 2 "$@"
