#!/usr/bin/env bash
# Fuzzes the whole compiler (ONNX bytes -> import -> passes -> C emission)
# with libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   tests/fuzz/run_fuzz.sh [SECONDS]     default 60 (CI); e.g. 3600 for a long run
#
# Builds build-fuzz/ with clang, seeds a corpus from the repository's models
# (tests/e2e/models, tests/bad, tests/cli/data, tests/fuzz/regressions),
# runs the fuzzer for SECONDS on 1 job, then replays tests/fuzz/regressions
# (inputs that once crashed).  A crash, leak, timeout or sanitizer report
# fails the run and leaves the input in build-fuzz/artifacts/.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
cd "$root"
if ! command -v clang >/dev/null; then echo "fuzz: clang not found"; exit 1; fi
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
    -Db_lundef=false -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all' \
    -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C build-fuzz tests/fuzz_compile >/dev/null
fz=build-fuzz/tests/fuzz_compile
corpus=build-fuzz/corpus
mkdir -p "$corpus" build-fuzz/artifacts
for f in tests/e2e/models/*/model.onnx tests/bad/*.onnx tests/cli/data/*.onnx \
         tests/fuzz/regressions/*; do
  [ -f "$f" ] || continue
  [ "$(stat -c %s "$f")" -le 200000 ] || continue
  cp "$f" "$corpus/seed-$(sha1sum "$f" | cut -c1-16)"
done
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$fz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=300000 \
  -dict=tests/fuzz/onnx.dict -artifact_prefix=build-fuzz/artifacts/ \
  -print_final_stats=1 "$corpus" 2>&1 | tee build-fuzz/fuzz.log | grep -E "^#|stat::|ERROR|SUMMARY|Done" | tail -20
rc=${PIPESTATUS[0]}
if [ -d tests/fuzz/regressions ] && ls tests/fuzz/regressions/* >/dev/null 2>&1; then
  "$fz" -runs=0 tests/fuzz/regressions/* >/dev/null 2>&1 || { echo "fuzz: a regression input fails again"; rc=1; }
fi
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' build-fuzz/fuzz.log | grep -o '[0-9]*$' || echo 0)
eps=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' build-fuzz/fuzz.log | grep -o '[0-9]*$' || echo 0)
echo "fuzz: $execs executions in ${secs}s ($eps/s), exit $rc"
exit "$rc"
