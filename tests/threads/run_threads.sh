#!/usr/bin/env bash
# tnnc --threads: outputs byte-identical (cmp) to one thread.
#
#  fixtures  every 8th e2e fixture (tests/e2e/models/*) compiled with --emit-main
#            and --threads=2 and --threads=3 --thread-min-work=1 (every layer
#            with a part function split, shares of uneven and empty sizes),
#            built by gcc -std=c99 -O2 -march=native -pthread -Wall -Wextra
#            -Werror, against the --threads=1 build of the same flags;
#  models    the benchmark networks (benchmarks/models, not vgg7_sq: 40 s of
#            gcc) at the default --thread-min-work with 2 threads, and with 4
#            threads at --thread-min-work=1;
#  vnni      the 8-bit CNN fixture on the VNNI target (blocked layout),
#            --threads=2 at --thread-min-work=1, when this host runs it;
#  tsan      three models (float, packed and 8-bit layers) with --threads=2
#            --thread-min-work=1 built with -fsanitize=thread and run 3 times
#            (no data race reported);
#  errors    --threads=0 / 65 / x exit 2; --threads with --emit=obj exit 2;
#            for cortex-m4 exit 2; no file left.
#
#   run_threads.sh [MODEL_DIR...]    (default: all of tests/e2e/models/*)
# Env: TNNC, JOBS (default 2), THREADS_EVERY (default 8: every 8th
# fixture; 1: all), THREADS_MODELS (default 1; 0 leaves out the benchmark
# networks and ThreadSanitizer, as the sanitized phase of tools/test.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TNNC=${TNNC:-$root/build/tnnc}
JOBS=${JOBS:-2}
CFLAGS_T=(-std=c99 -O2 -march=native -Wall -Wextra -Werror)
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

# build_run NAME MODEL DIR TAG "TNNC ARGS" CC-EXTRA INPUTS...: builds and runs
# one program, outputs DIR/TAG_i.npy; prints the reason and fails on error
build_run() {
  local name=$1 model=$2 d=$3 tag=$4 targs=$5 extra=$6 nout=$7
  shift 7
  local outs=() i
  for i in $(seq 0 $((nout - 1))); do outs+=("$d/${tag}_$i.npy"); done
  # shellcheck disable=SC2086
  if ! "$TNNC" "$model" -o "$d/$tag.c" --emit-main $targs 2> "$d/err" ||
     ! gcc "${CFLAGS_T[@]}" $extra "$d/$tag.c" -o "$d/$tag" -lm 2>> "$d/err" ||
     ! "$d/$tag" "$@" "${outs[@]}" 2>> "$d/err"; then
    echo "FAIL $name ($tag: $targs): $(head -c 400 "$d/err")"; return 1
  fi
}

# same D NOUT TAG REF: every output of TAG equals REF's
same() {
  local d=$1 nout=$2 tag=$3 ref=$4 i
  for i in $(seq 0 $((nout - 1))); do
    cmp -s "$d/${ref}_$i.npy" "$d/${tag}_$i.npy" || return 1
  done
}

check_one() {
  local dir=$1 name model flags i
  name=$(basename "$dir")
  local d="$w/$name"
  mkdir -p "$d"
  if [ -f "$dir/model.path" ]; then model="$root/$(cat "$dir/model.path")"; else model="$dir/model.onnx"; fi
  [ -f "$model" ] || { echo "SKIP $name: $model not found"; return 0; }
  flags=$(cat "$dir/flags" 2>/dev/null || true)
  local ins=() nout=0
  for i in $(seq 0 15); do [ -f "$dir/input_$i.npy" ] && ins+=("$dir/input_$i.npy"); done
  for i in $(seq 0 15); do [ -f "$dir/ref_$i.npy" ] && nout=$((nout + 1)); done
  build_run "$name" "$model" "$d" t1 "$flags" "" "$nout" "${ins[@]}" || return 0
  local t split
  for t in 2 3; do
    build_run "$name" "$model" "$d" "t$t" "$flags --threads=$t --thread-min-work=1" -pthread \
      "$nout" "${ins[@]}" || return 0
    same "$d" "$nout" "t$t" t1 ||
      { echo "FAIL $name (--threads=$t): an output differs from one thread's"; return 0; }
  done
  split=$(grep -c 'return tnn_par_run(node' "$d/t3.c")
  echo "PASS $name: --threads=2 and 3 byte-identical to one thread ($split layer(s) split)"
}
export -f check_one build_run same
export TNNC w root
export CFLAGS_T_S="${CFLAGS_T[*]}"

dirs=("$@")
[ ${#dirs[@]} -eq 0 ] && dirs=("$root"/tests/e2e/models/*/)
k=0
for d in "${dirs[@]}"; do
  [ $((k++ % ${THREADS_EVERY:-8})) -eq 0 ] || continue
  echo "$d"
done |
  xargs -P "$JOBS" -L 1 bash -c 'CFLAGS_T=($CFLAGS_T_S); check_one "$1"' _ > "$w/results.txt"
sort "$w/results.txt"

# the benchmark networks: real layer shapes at the default threshold
models=(tfc_w1a1 cnn_w2a8 vgg7_w2a2 resnet18_w1a1)
[ "${THREADS_MODELS:-1}" = 0 ] && models=()
for m in "${models[@]}"; do
  f="$root/benchmarks/models/$m.onnx" in="$root/benchmarks/models/$m.input.npy"
  [ -f "$f" ] || continue
  d="$w/bm_$m"
  mkdir -p "$d"
  if build_run "$m" "$f" "$d" t1 "" "" 1 "$in" &&
     build_run "$m" "$f" "$d" t2 "--threads=2" -pthread 1 "$in" &&
     build_run "$m" "$f" "$d" t4 "--threads=4 --thread-min-work=1" -pthread 1 "$in"; then
    if same "$d" 1 t2 t1 && same "$d" 1 t4 t1; then
      echo "PASS $m: --threads=2 ($(grep -c 'return tnn_par_run(node' "$d/t2.c") layers split) and --threads=4 byte-identical to one thread"
    else
      echo "FAIL $m: a threaded output differs from one thread's"
    fi
  fi
done | tee -a "$w/results.txt"

# the 8-bit convolutions (patch blocks split) on the VNNI target's blocked
# layout, when this host runs it: threads against one thread
q8=$root/tests/e2e/models/q8_qdq_cnn_pool
if grep -qw avx512_vnni /proc/cpuinfo && grep -qw avx512_vpopcntdq /proc/cpuinfo && [ -d "$q8" ]; then
  d="$w/q8_vnni"
  mkdir -p "$d"
  tv="--target=x86-64-v4+vpopcntdq+avx512vnni"
  fv="-march=x86-64-v4 -mavx512vpopcntdq -mavx512vnni"
  if build_run q8_vnni "$q8/model.onnx" "$d" t1 "$tv" "$fv" 1 "$q8/input_0.npy" &&
     build_run q8_vnni "$q8/model.onnx" "$d" t2 "$tv --threads=2 --thread-min-work=1" "$fv -pthread" 1 "$q8/input_0.npy"; then
    n=$(grep -c 'return tnn_par_run(node' "$d/t2.c")
    if same "$d" 1 t2 t1 && [ "$n" -ge 3 ]; then
      echo "PASS q8_qdq_cnn_pool (vnni): --threads=2 ($n layers split) byte-identical to one thread"
    else
      echo "FAIL q8_qdq_cnn_pool (vnni): $n layers split, or a threaded output differs"
    fi
  fi | tee -a "$w/results.txt"
fi

# data races: ThreadSanitizer on split layers of both packed and float kinds
if [ "${THREADS_MODELS:-1}" = 0 ]; then
  echo "SKIP tsan: THREADS_MODELS=0" | tee -a "$w/results.txt"
elif echo 'int main(void){return 0;}' | gcc -x c -fsanitize=thread -o "$w/tsan_probe" - 2>/dev/null; then
  for m in torch_digits_cnn qa_resnet_w1a1 q8_qdq_cnn_pool; do
    dir="$root/tests/e2e/models/$m"
    [ -d "$dir" ] || continue
    d="$w/tsan_$m"
    mkdir -p "$d"
    ins=()
    for i in $(seq 0 15); do [ -f "$dir/input_$i.npy" ] && ins+=("$dir/input_$i.npy"); done
    nout=0
    for i in $(seq 0 15); do [ -f "$dir/ref_$i.npy" ] && nout=$((nout + 1)); done
    ok=1
    build_run "$m" "$dir/model.onnx" "$d" t1 "" "" "$nout" "${ins[@]}" || ok=0
    for r in 1 2 3; do
      [ $ok -eq 1 ] || break
      TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
        build_run "$m" "$dir/model.onnx" "$d" ts "--threads=2 --thread-min-work=1" \
        "-pthread -fsanitize=thread -g" "$nout" "${ins[@]}" || ok=0
      [ $ok -eq 1 ] && ! same "$d" "$nout" ts t1 && { echo "FAIL $m (tsan): output differs"; ok=0; }
    done
    [ $ok -eq 1 ] && echo "PASS $m: ThreadSanitizer, --threads=2, 3 runs: no race, same bytes"
  done | tee -a "$w/results.txt"
else
  echo "SKIP tsan: gcc -fsanitize=thread does not link here" | tee -a "$w/results.txt"
fi

probe="$root/tests/e2e/models/torch_digits_mlp/model.onnx"
err_check() {                  # err_check WANT_RC PATTERN tnnc-args...
  local want=$1 pat=$2; shift 2
  rm -f "$w"/e.*
  "$TNNC" "$probe" -o "$w/e.c" "$@" 2> "$w/err"
  local rc=$?
  if [ $rc -ne "$want" ] || ! grep -q -- "$pat" "$w/err" || ls "$w"/e.* >/dev/null 2>&1; then
    echo "FAIL error check ($*): exit $rc (want $want), $(head -c 300 "$w/err")" | tee -a "$w/results.txt"
  else
    echo "PASS error check ($*): exit $rc, '$pat'" | tee -a "$w/results.txt"
  fi
}
err_check 2 "from 1 to 64" --threads=0
err_check 2 "from 1 to 64" --threads=65
err_check 2 "from 1 to 64" --threads=two
err_check 2 "from 1 to 2^40" --thread-min-work=0
err_check 2 "only with --emit=c" --threads=2 --emit=obj
err_check 2 "without threads" --threads=2 --target=cortex-m4

pass=$(grep -c '^PASS' "$w/results.txt")
fail=$(grep -c '^FAIL' "$w/results.txt")
skip=$(grep -c '^SKIP' "$w/results.txt")
echo "threads: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
