#!/usr/bin/env bash
# The LLVM backend against the C backend, output bytes compared (cmp):
#
#  host     every e2e fixture (tests/e2e/models/*): `--emit=obj --emit-main`
#           for this machine (--target=native) linked with its OUT_main.c,
#           and `tnnc run`, both byte-identical to the C backend's
#           --emit-main program built by gcc -std=c99 -O2 with the flags the
#           same target needs; also --target=x86-64 and x86-64-v3 objects
#           (the scalar and AVX2 kernels) on every LLVM_STRIDE-th fixture;
#  aarch64  objects for aarch64 (NEON) linked by aarch64-linux-gnu-gcc and
#           run under qemu-aarch64, against the C backend built by the same
#           cross compiler, on every CROSS_STRIDE-th fixture;
#  riscv64  likewise with riscv64-linux-gnu-gcc and qemu-riscv64;
#  armv7e-m Cortex-M4 objects of the TFC models linked by arm-none-eabi-gcc
#           (the Cortex-M harness of tests/mcu): code and constant bytes
#           next to the C backend's;
#  errors   a bad --target, a target without kernel bitcode, generic,
#           --weights=extern with --emit=obj: exit 2 or 1, no file left.
#
#   run_llvm.sh [MODEL_DIR...]     (default: all of tests/e2e/models/*)
# Env: TNNC, JOBS (default 2), LLVM_EVERY (default 1: every fixture; N:
# every N-th only, as the sanitized phase of tools/test.sh runs it),
# LLVM_STRIDE (default 8), CROSS_STRIDE (default 8), counted in the
# fixtures checked.  Exits 77 when tnnc was built without the LLVM backend.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TNNC=${TNNC:-$root/build/tnnc}
JOBS=${JOBS:-2}
LLVM_STRIDE=${LLVM_STRIDE:-8}
CROSS_STRIDE=${CROSS_STRIDE:-8}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cp "$root/tests/e2e/models/torch_digits_mlp/model.onnx" "$w/probe.onnx"
if "$TNNC" "$w/probe.onnx" --emit=obj -o "$w/probe.o" 2>&1 | grep -q "without the LLVM backend"; then
  echo "llvm: tnnc was built without the LLVM backend; skipped"; exit 77
fi

# the C compiler flags of a target, as tnnc's report names them
target_flags() { "$TNNC" "$1" --target="$2" --report 2>/dev/null | sed -n 's/^target: .*build with //p' | head -1; }

# check_one DIR INDEX: prints PASS/FAIL lines
check_one() {
  local dir=$1 idx=$2 name model flags i
  name=$(basename "$dir")
  local d="$w/$name"
  mkdir -p "$d"
  if [ -f "$dir/model.path" ]; then model="$root/$(cat "$dir/model.path")"; else model="$dir/model.onnx"; fi
  [ -f "$model" ] || { echo "SKIP $name: $model not found"; return 0; }
  flags=$(cat "$dir/flags" 2>/dev/null || true)
  local ins=() nout=0
  for i in $(seq 0 15); do [ -f "$dir/input_$i.npy" ] && ins+=("$dir/input_$i.npy"); done
  for i in $(seq 0 15); do [ -f "$dir/ref_$i.npy" ] && nout=$((nout + 1)); done
  local targets=(native)
  if [ $((idx % LLVM_STRIDE)) -eq 0 ]; then targets+=(x86-64 x86-64-v3); fi
  local t
  for t in "${targets[@]}"; do
    local cf outs_c=() outs_o=() outs_j=()
    cf=$(target_flags "$model" "$t")
    for i in $(seq 0 $((nout - 1))); do
      outs_c+=("$d/c_${t}_$i.npy"); outs_o+=("$d/o_${t}_$i.npy"); outs_j+=("$d/j_$i.npy")
    done
    # shellcheck disable=SC2086
    if ! "$TNNC" "$model" -o "$d/c.c" --emit-main --target="$t" $flags 2> "$d/err" ||
       ! gcc -std=c99 -O2 $cf "$d/c.c" -o "$d/cprog" -lm 2>> "$d/err" ||
       ! "$d/cprog" "${ins[@]}" "${outs_c[@]}" 2>> "$d/err"; then
      echo "FAIL $name ($t): the C backend: $(head -c 400 "$d/err")"; return 0
    fi
    # shellcheck disable=SC2086
    if ! "$TNNC" "$model" -o "$d/m.o" --emit=obj --emit-main --target="$t" $flags 2> "$d/err" ||
       ! gcc -std=c99 -O2 -Wall -Wextra -Werror "$d/m_main.c" "$d/m.o" -o "$d/oprog" -lm 2>> "$d/err" ||
       ! "$d/oprog" "${ins[@]}" "${outs_o[@]}" 2>> "$d/err"; then
      echo "FAIL $name ($t): the LLVM object: $(head -c 400 "$d/err")"; return 0
    fi
    for i in $(seq 0 $((nout - 1))); do
      cmp -s "${outs_c[$i]}" "${outs_o[$i]}" || { echo "FAIL $name ($t): output $i of the object differs from the C backend's"; return 0; }
    done
    echo "PASS $name ($t object): $nout output(s) byte-identical to the C backend"
    if [ "$t" = native ]; then
      # shellcheck disable=SC2086
      if ! "$TNNC" run "$model" "${ins[@]}" "${outs_j[@]}" $flags 2> "$d/err"; then
        echo "FAIL $name: tnnc run: $(head -c 400 "$d/err")"; return 0
      fi
      for i in $(seq 0 $((nout - 1))); do
        cmp -s "${outs_c[$i]}" "${outs_j[$i]}" || { echo "FAIL $name: output $i of tnnc run differs from the C backend's"; return 0; }
      done
      echo "PASS $name (tnnc run): byte-identical to the C backend"
    fi
  done
  # cross targets under qemu
  if [ $((idx % CROSS_STRIDE)) -eq 0 ]; then
    local arch cc qemu
    for arch in aarch64 riscv64; do
      cc=$arch-linux-gnu-gcc qemu=qemu-$arch
      command -v "$cc" >/dev/null && command -v "$qemu" >/dev/null || { echo "SKIP $name ($arch): $cc or $qemu not found"; continue; }
      local oc=() oo=()
      for i in $(seq 0 $((nout - 1))); do oc+=("$d/xc_${arch}_$i.npy"); oo+=("$d/xo_${arch}_$i.npy"); done
      # shellcheck disable=SC2086
      if ! "$TNNC" "$model" -o "$d/x.c" --emit-main --target="$arch" $flags 2> "$d/err" ||
         ! "$cc" -std=c99 -O2 -static $(target_flags "$model" "$arch") "$d/x.c" -o "$d/xcprog" -lm 2>> "$d/err" ||
         ! "$qemu" "$d/xcprog" "${ins[@]}" "${oc[@]}" 2>> "$d/err" ||
         ! "$TNNC" "$model" -o "$d/x.o" --emit=obj --emit-main --target="$arch" $flags 2>> "$d/err" ||
         ! "$cc" -std=c99 -O2 -Wall -Wextra -Werror -static "$d/x_main.c" "$d/x.o" -o "$d/xoprog" -lm 2>> "$d/err" ||
         ! "$qemu" "$d/xoprog" "${ins[@]}" "${oo[@]}" 2>> "$d/err"; then
        echo "FAIL $name ($arch): $(head -c 400 "$d/err")"; return 0
      fi
      for i in $(seq 0 $((nout - 1))); do
        cmp -s "${oc[$i]}" "${oo[$i]}" || { echo "FAIL $name ($arch): output $i of the object differs from the C backend's"; return 0; }
      done
      echo "PASS $name ($arch object under $qemu): byte-identical to the C backend"
    done
  fi
  return 0
}
export -f check_one target_flags
export TNNC w root LLVM_STRIDE CROSS_STRIDE

dirs=("$@")
[ ${#dirs[@]} -eq 0 ] && dirs=("$root"/tests/e2e/models/*/)
i=0 k=0
for d in "${dirs[@]}"; do
  [ $((k++ % ${LLVM_EVERY:-1})) -eq 0 ] || continue
  echo "$d $i"; i=$((i + 1))
done |
  xargs -P "$JOBS" -L 1 bash -c 'check_one "$1" "$2"' _ > "$w/results.txt"
sort "$w/results.txt"

# Cortex-M4: the object links with arm-none-eabi-gcc; sizes next to C's
if command -v arm-none-eabi-gcc >/dev/null; then
  for f in "$root/benchmarks/models/tfc_w1a1.onnx" "$root/../shared/models/real/tfc_w1a1_qonnx.onnx" \
           "$root/../shared/models/real/tfc_w2a2_qonnx.onnx" "$root/tests/e2e/models/torch_digits_mlp/model.onnx"; do
    [ -f "$f" ] || continue
    n=$(basename "$(dirname "$f")")_$(basename "$f" .onnx)
    if "$TNNC" "$f" -o "$w/m4.o" --emit=obj --target=cortex-m4 --prefix net 2> "$w/m4.err" &&
       "$TNNC" "$f" -o "$w/m4.c" --target=cortex-m4 --prefix net 2>> "$w/m4.err" &&
       arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c99 \
         -ffunction-sections -c "$w/m4.c" -o "$w/m4c.o" 2>> "$w/m4.err" &&
       printf 'int net_run(); static unsigned char ws[1 << 16] __attribute__((aligned(64)));\n
               int main(void) { return net_run(0, 0, ws); }\n' > "$w/m4main.c" &&
       arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 --specs=nosys.specs \
         "$w/m4main.c" "$w/m4.o" -o "$w/m4.elf" -lm 2>> "$w/m4.err"; then
      read -r lt lc < <(arm-none-eabi-size -A "$w/m4.o" | awk '/^\.text/ {t += $2} /^\.(rodata|data)/ {c += $2} END {print t + 0, c + 0}')
      read -r ct cc < <(arm-none-eabi-size -A "$w/m4c.o" | awk '/^\.text/ {t += $2} /^\.(rodata|data)/ {c += $2} END {print t + 0, c + 0}')
      echo "PASS $n (cortex-m4 object links with arm-none-eabi-gcc): code $lt bytes, constants $lc bytes (LLVM); code $ct, constants $cc (C backend, arm-none-eabi-gcc -Os)" | tee -a "$w/results.txt"
    else
      echo "FAIL $n (cortex-m4): $(head -c 400 "$w/m4.err")" | tee -a "$w/results.txt"
    fi
  done
fi

# errors: exit status, diagnostic, no file left
err_check() {                  # err_check WANT_RC PATTERN tnnc-args...
  local want=$1 pat=$2; shift 2
  rm -f "$w"/e.*
  "$TNNC" "$w/probe.onnx" -o "$w/e.o" "$@" 2> "$w/err"
  local rc=$?
  if [ $rc -ne "$want" ] || ! grep -q -- "$pat" "$w/err" || ls "$w"/e.* >/dev/null 2>&1; then
    echo "FAIL error check ($*): exit $rc (want $want), $(head -c 300 "$w/err")" | tee -a "$w/results.txt"
  else
    echo "PASS error check ($*): exit $rc, '$pat'" | tee -a "$w/results.txt"
  fi
}
err_check 2 "unknown --target" --emit=obj --target=pdp11
err_check 1 "names no architecture" --emit=obj --target=generic
err_check 1 "no kernel bitcode" --emit=obj --target=x86-64-v2+avx2
err_check 2 "only with --emit=c" --emit=obj --weights=extern
err_check 2 "only with --emit=c" --emit=asm --profile
err_check 2 "--emit takes" --emit=exe
"$TNNC" run "$w/probe.onnx" "$w/nothing.npy" "$w/o.npy" 2> "$w/err"; rc=$?
if [ $rc -eq 3 ] && [ ! -f "$w/o.npy" ]; then echo "PASS error check (tnnc run, missing input): exit 3" | tee -a "$w/results.txt"
else echo "FAIL error check (tnnc run, missing input): exit $rc" | tee -a "$w/results.txt"; fi

pass=$(grep -c '^PASS' "$w/results.txt")
fail=$(grep -c '^FAIL' "$w/results.txt")
skip=$(grep -c '^SKIP' "$w/results.txt")
echo "llvm: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
