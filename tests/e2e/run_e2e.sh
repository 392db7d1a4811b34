#!/usr/bin/env bash
# End-to-end check of every model under tests/e2e/models/: compile with tnnc,
# build the C with gcc and clang (-std=c99 -Wall -Wextra -Werror), run both on
# the bundled inputs, and compare with onnxruntime (run live) and, where the
# folder has them, with committed reference outputs ref_K.npy.
#
#   run_e2e.sh [MODEL_DIR...]      (default: all of tests/e2e/models/*)
#
# A model folder holds model.onnx (or model.path naming one relative to the
# repository root; skipped when that file is missing), input_K.npy, ref_K.npy (one per output), and optionally
# `flags` (extra tnnc flags), `tol` (relative tolerance, default 1e-4) and
# `stacked` (the input holds N samples on axis 0 for a batch-1 model),
# `ref_model.onnx` (what onnxruntime runs instead, for QONNX models) and
# `argmax` (the least percentage of samples whose argmax must agree),
# `exact_float_acts` (the --float-acts build's outputs must be bit-identical)
# and `simd` (also build for each SIMD level this host runs, AVX2 and
# AVX-512 with VPOPCNTDQ, and check those too).
# Env: TNNC (the compiler), ORT_NODE_MODULES (where onnxruntime-node is),
# CFLAGS_EXTRA (e.g. sanitizer flags), JOBS (parallel models, default 2),
# E2E_CCS (the compilers, default "gcc clang"; the first one's build is the
# one the other checks compare against).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TNNC=${TNNC:-$root/build/tnnc}
export ORT_NODE_MODULES=${ORT_NODE_MODULES:-$here/node_modules}
JOBS=${JOBS:-2}
E2E_CCS=${E2E_CCS:-gcc clang}
command -v node >/dev/null && [ -d "$ORT_NODE_MODULES/onnxruntime-node" ] || {
  echo "e2e: node or onnxruntime-node ($ORT_NODE_MODULES) not found" \
       "(bash tools/install-deps.sh --test); skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

check_one() {
  local dir=$1 name model tol flags n_in n_out cc prog i
  name=$(basename "$dir")
  local w="$work/$name"
  mkdir -p "$w"
  if [ -f "$dir/model.path" ]; then model="$root/$(cat "$dir/model.path")"; else model="$dir/model.onnx"; fi
  # model.path names a third-party model outside the repository (../shared)
  if [ -f "$dir/model.path" ] && [ ! -f "$model" ]; then
    echo "SKIP $name: $(cat "$dir/model.path") not found"; return 0
  fi
  tol=$(cat "$dir/tol" 2>/dev/null || echo 1e-4)
  flags=$(cat "$dir/flags" 2>/dev/null || true)
  local ins=() refs=()
  for i in $(seq 0 15); do [ -f "$dir/input_$i.npy" ] && ins+=("$dir/input_$i.npy"); done
  for i in $(seq 0 15); do [ -f "$dir/ref_$i.npy" ] && refs+=("$dir/ref_$i.npy"); done
  n_out=${#refs[@]}
  # shellcheck disable=SC2086
  if ! "$TNNC" "$model" -o "$w/model.c" --emit-main $flags 2> "$w/tnnc.err"; then
    echo "FAIL $name: tnnc: $(head -c 600 "$w/tnnc.err")"; return 1
  fi
  local stacked="" ortmodel=$model argm=()
  [ -f "$dir/stacked" ] && stacked=--stacked
  # onnxruntime cannot run QONNX ops: such fixtures carry the same
  # computation in standard ops as ref_model.onnx
  [ -f "$dir/ref_model.onnx" ] && ortmodel=$dir/ref_model.onnx
  [ -f "$dir/argmax" ] && argm=(--argmax "$(cat "$dir/argmax")")
  local first=${E2E_CCS%% *}
  for cc in $E2E_CCS; do
    # shellcheck disable=SC2086
    if ! $cc -std=c99 -O2 -Wall -Wextra -Werror ${CFLAGS_EXTRA:-} "$w/model.c" -o "$w/prog_$cc" -lm 2> "$w/$cc.err"; then
      echo "FAIL $name: $cc: $(head -c 600 "$w/$cc.err")"; return 1
    fi
    local outs=()
    for i in $(seq 0 $((n_out - 1))); do outs+=("$w/out_${cc}_$i.npy"); done
    if ! "$w/prog_$cc" "${ins[@]}" "${outs[@]}" 2> "$w/run_$cc.err"; then
      echo "FAIL $name: running the $cc build: $(head -c 600 "$w/run_$cc.err")"; return 1
    fi
    local res
    if ! res=$(node "$here/ort_check.js" "$ortmodel" --inputs "${ins[@]}" --got "${outs[@]}" --tol "$tol" $stacked "${argm[@]}" 2>&1); then
      echo "FAIL $name ($cc vs onnxruntime): $res"; return 1
    fi
    local rr=""
    if ! rr=$(node "$here/ort_check.js" --compare "${refs[@]}" --got "${outs[@]}" --tol "$tol" 2>&1); then
      echo "FAIL $name ($cc vs committed reference): $rr"; return 1
    fi
    [ "$cc" = "$first" ] && echo "PASS $name: ${res#PASS } | ref: ${rr#PASS }"
  done
  # packed activations must take the float path's decisions: with
  # `exact_float_acts` the --float-acts build's outputs are bit-identical
  if [ -f "$dir/exact_float_acts" ]; then
    local fouts=()
    for i in $(seq 0 $((n_out - 1))); do fouts+=("$w/out_float_$i.npy"); done
    # shellcheck disable=SC2086
    if ! "$TNNC" "$model" -o "$w/float.c" --emit-main --float-acts $flags 2> "$w/tnnc.err" ||
       ! gcc -std=c99 -O2 ${CFLAGS_EXTRA:-} "$w/float.c" -o "$w/prog_float" -lm 2> "$w/float.err" ||
       ! "$w/prog_float" "${ins[@]}" "${fouts[@]}" 2> "$w/run_float.err"; then
      echo "FAIL $name: --float-acts build: $(head -c 600 "$w/tnnc.err" "$w/float.err" "$w/run_float.err")"; return 1
    fi
    for i in $(seq 0 $((n_out - 1))); do
      if ! cmp -s "$w/out_${first}_$i.npy" "$w/out_float_$i.npy"; then
        echo "FAIL $name: output $i differs from the --float-acts build"; return 1
      fi
    done
    echo "PASS $name: packed activations bit-identical to --float-acts"
  fi
  # `simd`: also built for each SIMD level this host runs (AVX2; AVX-512
  # with VPOPCNTDQ; and, for models with 8-bit layers, with VNNI), so the
  # register-blocked kernels run inside a whole model
  if [ -f "$dir/simd" ]; then
    local lvl march souts sres
    for lvl in avx2 avx512 vnni; do
      case $lvl in
        avx2) grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo || continue
              march="-march=x86-64-v3" ;;
        avx512) grep -qw avx512_vpopcntdq /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo || continue
                march="-march=x86-64-v4 -mavx512vpopcntdq" ;;
        vnni) grep -qw avx512_vnni /proc/cpuinfo && grep -qw avx512_vpopcntdq /proc/cpuinfo || continue
              # only the 8-bit kernels differ on that target
              grep -q 'tnn_x_i8' "$w/model.c" || continue
              march="-march=x86-64-v4 -mavx512vpopcntdq -mavx512vnni" ;;
      esac
      # the vnni level compiles for that target, so tnnc plans its layouts
      # (8-bit convolutions: the blocked weights of the VNNI body)
      local src="$w/model.c"
      if [ $lvl = vnni ]; then
        src="$w/model_vnni.c"
        # shellcheck disable=SC2086
        if ! "$TNNC" "$model" -o "$src" --emit-main --target=x86-64-v4+vpopcntdq+avx512vnni $flags 2> "$w/tnnc_vnni.err"; then
          echo "FAIL $name: tnnc --target (vnni): $(head -c 600 "$w/tnnc_vnni.err")"; return 1
        fi
      fi
      souts=()
      for i in $(seq 0 $((n_out - 1))); do souts+=("$w/out_${lvl}_$i.npy"); done
      # shellcheck disable=SC2086
      if ! gcc -std=c99 -O2 -Wall -Wextra -Werror $march ${CFLAGS_EXTRA:-} \
             "$src" -o "$w/prog_$lvl" -lm 2> "$w/$lvl.err" ||
         ! "$w/prog_$lvl" "${ins[@]}" "${souts[@]}" 2> "$w/run_$lvl.err"; then
        echo "FAIL $name: $lvl build: $(head -c 600 "$w/$lvl.err" "$w/run_$lvl.err")"; return 1
      fi
      if ! sres=$(node "$here/ort_check.js" "$ortmodel" --inputs "${ins[@]}" --got "${souts[@]}" --tol "$tol" $stacked "${argm[@]}" 2>&1); then
        echo "FAIL $name ($lvl build vs onnxruntime): $sres"; return 1
      fi
      echo "PASS $name: $lvl build ${sres#PASS }"
    done
  fi
  return 0
}
export -f check_one
export TNNC work root here E2E_CCS

dirs=("$@")
[ ${#dirs[@]} -eq 0 ] && dirs=("$here"/models/*/)
printf '%s\n' "${dirs[@]}" | xargs -P "$JOBS" -I{} bash -c 'check_one "$1"' _ {} > "$work/results.txt"
sort "$work/results.txt"
pass=$(grep -c '^PASS' "$work/results.txt")
fail=$(grep -c '^FAIL' "$work/results.txt")
skip=$(grep -c '^SKIP' "$work/results.txt")
echo "e2e: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
