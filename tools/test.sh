#!/usr/bin/env bash
# Builds tnnc and runs the whole test suite, in three phases:
#   1. build/      gcc: unit (Criterion), cli, e2e (gcc and clang builds of
#                  every model against onnxruntime), conformance (ONNX
#                  backend tests);
#   2. build-san/  the same suites with tnnc built under AddressSanitizer and
#                  UndefinedBehaviorSanitizer, and the generated code of
#                  every e2e model (with gcc), conformance test and cli
#                  program built with them too (any report fails the test);
#   3. the libFuzzer target for FUZZ_SECONDS (default 60) seconds, then
#      its regression inputs (tests/fuzz/run_fuzz.sh).
# Arguments go to `meson test` (e.g. a suite name) and then only phase 1
# runs.  SKIP_SAN=1 / SKIP_FUZZ=1 skip phases 2 / 3.  A suite whose inputs
# are missing skips (exit 77) with one line naming them: `real` and the e2e
# model real_mnist_conv_float without ../shared/models/real beside the
# clone, the unit tests without Criterion (not configured at all).
set -u
cd "$(dirname "$0")/.."
summary=()
fail=0

phase() {                    # phase NAME BUILDDIR [meson test args...]
  local name=$1 dir=$2; shift 2
  meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" | tee "$dir/test-summary.txt"
  local rc=${PIPESTATUS[0]}
  local ok bad skip
  ok=$(awk '/^Ok:/ {print $2}' "$dir/test-summary.txt")
  bad=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {s += $2} END {print s + 0}' "$dir/test-summary.txt")
  skip=$(awk '/^Skipped:/ {print $2}' "$dir/test-summary.txt")
  summary+=("$name: ${ok:-0} passed, ${bad:-0} failed, ${skip:-0} skipped")
  [ "$rc" -eq 0 ] || fail=1
}

[ -f build/build.ninja ] || meson setup build || exit 1
ninja -C build || exit 1
phase "tests" build "$@"

if [ $# -eq 0 ] && [ "${SKIP_SAN:-0}" != 1 ]; then
  san="-fsanitize=address,undefined -fno-sanitize-recover=all"
  if [ ! -f build-san/build.ninja ]; then
    meson setup build-san -Db_sanitize=address,undefined -Db_lundef=false \
      -Dc_args=-fno-sanitize-recover=all >/dev/null || exit 1
  fi
  ninja -C build-san || exit 1
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # the generated C under the sanitizers is built with gcc only (phase 1
  # builds every e2e model with clang too): keeps CI's time in bounds
  # and the LLVM backend's identity checks on every 8th fixture, the
  # --threads checks on every 16th without the benchmark networks
  CFLAGS_EXTRA="$san" E2E_CCS=gcc LLVM_EVERY=8 THREADS_EVERY=16 THREADS_MODELS=0 \
    phase "sanitized tests" build-san
fi

if [ $# -eq 0 ] && [ "${SKIP_FUZZ:-0}" != 1 ]; then
  if bash tests/fuzz/run_fuzz.sh "${FUZZ_SECONDS:-60}" | tee build/fuzz-summary.txt; then
    summary+=("$(tail -n 1 build/fuzz-summary.txt)")
  else
    summary+=("fuzz: FAILED ($(tail -n 1 build/fuzz-summary.txt))")
    fail=1
  fi
fi

echo
for s in "${summary[@]}"; do echo "$s"; done
exit "$fail"
