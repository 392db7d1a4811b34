#!/usr/bin/env bash
# Constants, inline and --weights=extern (README "Weights"):
#
#  1. round trip: tests/weights/data/consts.onnx outputs its constants
#     (signed zeros, subnormals, extremes, infinities, NaNs of both signs,
#     integer limits, every element type); built inline and extern, with gcc
#     and clang (-std=c99 -Wall -Wextra -Werror), the program writes exactly
#     the bytes of expect_K.raw;
#  2. e2e fixtures, float and packed: the extern build's outputs are
#     bit-identical to the inline build's on the fixture's inputs;
#  3. the run function's checks of `weights` (bad_weights.c: NULL 2,
#     misaligned 3, another blob 4) and the emitted main's --weights FILE,
#     its default (beside the program) and its errors;
#  4. tnnc: --weights takes inline or extern; OUT.bin gets 0666 less the
#     umask; an unwritable output leaves no OUT.bin nor a temporary behind.
#
# Env: TNNC (the compiler), TNNC_SOURCE_ROOT.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TNNC=${TNNC:-$root/build/tnnc}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }
CFLAGS=(-std=c99 -O2 -Wall -Wextra -Werror)

# the last BYTES bytes of an .npy are its data
same_payload() { cmp -s <(tail -c "$(stat -c %s "$2")" "$1") "$2"; }

# ---- 1. round trip of every element type and special value
d=$here/data
for mode in inline extern; do
  mkdir -p "$w/rt_$mode"
  if ! "$TNNC" "$d/consts.onnx" -o "$w/rt_$mode/m.c" --emit-main --weights=$mode 2> "$w/err.txt"; then
    ko "round trip ($mode): tnnc: $(head -c 300 "$w/err.txt")"; continue
  fi
  for cc in gcc clang; do
    prog=$w/rt_$mode/prog_$cc
    outs=()
    for k in 0 1 2 3 4 5 6; do outs+=("$w/rt_$mode/out_${cc}_$k.npy"); done
    if ! $cc "${CFLAGS[@]}" "$w/rt_$mode/m.c" -o "$prog" -lm 2> "$w/err.txt"; then
      ko "round trip ($mode, $cc): build: $(head -c 300 "$w/err.txt")"; continue
    fi
    if ! "$prog" "$d/x.npy" "${outs[@]}" 2> "$w/err.txt"; then
      ko "round trip ($mode, $cc): run: $(head -c 300 "$w/err.txt")"; continue
    fi
    bad=""
    for k in 0 1 2 3 4 5 6; do same_payload "${outs[$k]}" "$d/expect_$k.raw" || bad="$bad $k"; done
    [ -z "$bad" ] && ok "round trip ($mode, $cc): every constant bit-identical" ||
      ko "round trip ($mode, $cc): outputs$bad differ from the model's constants"
  done
done
if grep -q '^static const float c[0-9]*\[' "$w/rt_extern/m.c"; then
  ko "extern: the constants stay out of the C file"
else
  ok "extern: the constants stay out of the C file"
fi
grep -q -- '-NAN' "$w/rt_inline/m.c" && grep -q '0x0.000002p-126f' "$w/rt_inline/m.c" &&
  ok "inline: floats as hex floats, NaN's sign kept" || ko "inline: hex floats"

# ---- 2. e2e fixtures: extern bit-identical to inline
for m in torch_digits_cnn qa_wide_c64 qa_resnet_w1a1 qa_cnn_w2a2_rtn qw_mlp_dequant shape_gather_multi_index; do
  dir=$root/tests/e2e/models/$m
  [ -d "$dir" ] || { ko "$m: no fixture"; continue; }
  flags=$(cat "$dir/flags" 2>/dev/null || true)
  ins=() nout=0
  for i in $(seq 0 15); do [ -f "$dir/input_$i.npy" ] && ins+=("$dir/input_$i.npy"); done
  for i in $(seq 0 15); do [ -f "$dir/ref_$i.npy" ] && nout=$((nout + 1)); done
  good=1
  for mode in inline extern; do
    o=$w/$m/$mode
    mkdir -p "$o"
    outs=()
    for i in $(seq 1 "$nout"); do outs+=("$o/out_$i.npy"); done
    # shellcheck disable=SC2086
    if ! "$TNNC" "$dir/model.onnx" -o "$o/model.c" --emit-main --weights=$mode $flags 2> "$w/err.txt" ||
       ! gcc "${CFLAGS[@]}" "$o/model.c" -o "$o/prog" -lm 2>> "$w/err.txt" ||
       ! "$o/prog" "${ins[@]}" "${outs[@]}" 2>> "$w/err.txt"; then
      ko "$m ($mode): $(head -c 300 "$w/err.txt")"; good=0
    fi
  done
  [ $good = 1 ] || continue
  diff=""
  for i in $(seq 1 "$nout"); do cmp -s "$w/$m/inline/out_$i.npy" "$w/$m/extern/out_$i.npy" || diff="$diff $i"; done
  c_in=$(stat -c %s "$w/$m/inline/model.c") c_ex=$(stat -c %s "$w/$m/extern/model.c")
  bin=$(stat -c %s "$w/$m/extern/model.bin")
  [ -z "$diff" ] && ok "$m: extern outputs bit-identical to inline (C $c_in -> $c_ex bytes + $bin in model.bin)" ||
    ko "$m: extern outputs$diff differ from inline"
done

# ---- 3. the weights pointer: the run function's checks, the emitted main
o=$w/net
mkdir -p "$o"
m=$root/tests/e2e/models/torch_digits_cnn
if "$TNNC" "$m/model.onnx" -o "$o/net.c" --weights=extern 2> "$w/err.txt" &&
   gcc "${CFLAGS[@]}" -I"$o" "$o/net.c" "$here/bad_weights.c" -o "$o/bad" -lm 2>> "$w/err.txt"; then
  res=$("$o/bad" "$o/net.bin")
  [ "$res" = "ok=0 null=2 misaligned=3 foreign=4" ] && ok "run checks weights: $res" ||
    ko "run checks weights: got '$res', want ok=0 null=2 misaligned=3 foreign=4"
  size=$(sed -n 's/^#define NET_WEIGHTS_SIZE //p' "$o/net.h")
  [ "$size" = "$(stat -c %s "$o/net.bin")" ] && ok "header: NET_WEIGHTS_SIZE is net.bin's size" ||
    ko "header: NET_WEIGHTS_SIZE $size, net.bin $(stat -c %s "$o/net.bin") bytes"
  grep -q '^#define NET_WEIGHTS_ALIGN 64$' "$o/net.h" && grep -q '^#define NET_WEIGHTS_FILE "net.bin"$' "$o/net.h" &&
    ok "header: NET_WEIGHTS_ALIGN, NET_WEIGHTS_FILE" || ko "header: NET_WEIGHTS_ALIGN, NET_WEIGHTS_FILE"
else
  ko "bad_weights: $(head -c 300 "$w/err.txt")"
fi
e=$w/torch_digits_cnn/extern
if [ -x "$e/prog" ]; then
  mkdir -p "$w/elsewhere"
  mv "$e/model.bin" "$w/elsewhere/w.bin"
  (cd "$w" && "$e/prog" "$m/input_0.npy" "$w/o1.npy" 2> "$w/err.txt")
  [ $? -eq 1 ] && grep -q "model.bin: cannot open" "$w/err.txt" &&
    ok "main: a missing model.bin is an error naming it" || ko "main: missing model.bin: $(cat "$w/err.txt")"
  (cd / && "$e/prog" --weights "$w/elsewhere/w.bin" "$m/input_0.npy" "$w/o2.npy") &&
    cmp -s "$w/o2.npy" "$w/torch_digits_cnn/inline/out_1.npy" &&
    ok "main: --weights FILE" || ko "main: --weights FILE"
  mv "$w/elsewhere/w.bin" "$e/model.bin"
  (cd / && "$e/prog" "$m/input_0.npy" "$w/o3.npy") && cmp -s "$w/o3.npy" "$w/torch_digits_cnn/inline/out_1.npy" &&
    ok "main: model.bin beside the program by default" || ko "main: default model.bin"
  head -c 100 "$e/model.bin" > "$w/short.bin"
  "$e/prog" --weights "$w/short.bin" "$m/input_0.npy" "$w/o4.npy" 2> "$w/err.txt"
  [ $? -eq 1 ] && grep -q "100 bytes of weights, the model expects" "$w/err.txt" &&
    ok "main: a blob of the wrong size is refused" || ko "main: wrong size: $(cat "$w/err.txt")"
  # the same size, another content hash in the header
  cp "$e/model.bin" "$w/other.bin"
  printf 'X' | dd of="$w/other.bin" bs=1 seek=9 conv=notrunc 2> /dev/null
  "$e/prog" --weights "$w/other.bin" "$m/input_0.npy" "$w/o5.npy" 2> "$w/err.txt"
  [ $? -eq 1 ] && grep -q "run failed: 4" "$w/err.txt" && ok "main: another blob of the same size is refused" ||
    ko "main: another blob: $(cat "$w/err.txt")"
fi

# ---- 4. the option and the file
"$TNNC" "$m/model.onnx" -o "$w/x.c" --weights=flash 2> /dev/null
[ $? -eq 2 ] && ok "--weights=flash is a usage error" || ko "--weights=flash accepted"
mkdir -p "$w/mode"
(umask 027 && "$TNNC" "$m/model.onnx" -o "$w/mode/m.c" --weights=extern) &&
  [ "$(stat -c %a "$w/mode/m.bin")" = 640 ] && ok "OUT.bin: mode 0666 less the umask" ||
  ko "OUT.bin mode $(stat -c %a "$w/mode/m.bin" 2>/dev/null), want 640"
"$TNNC" "$m/model.onnx" -o "$w/mode/m2.c" 2> /dev/null && [ ! -e "$w/mode/m2.bin" ] &&
  ok "inline: no OUT.bin" || ko "inline wrote OUT.bin"
mkdir -p "$w/ro" && chmod 555 "$w/ro"
if [ "$(id -u)" != 0 ]; then
  "$TNNC" "$m/model.onnx" -o "$w/ro/m.c" --weights=extern 2> "$w/err.txt"
  rc=$?
  [ $rc -ne 0 ] && [ -z "$(ls -A "$w/ro")" ] && grep -q "m.bin" "$w/err.txt" &&
    ok "unwritable: error naming m.bin, nothing left" || ko "unwritable: rc $rc, $(ls -A "$w/ro")"
else
  # root writes anywhere: make the blob's path a directory instead
  mkdir -p "$w/ro2/m.bin"
  "$TNNC" "$m/model.onnx" -o "$w/ro2/m.c" --weights=extern 2> "$w/err.txt"
  rc=$?
  [ $rc -ne 0 ] && [ "$(ls -A "$w/ro2")" = m.bin ] && grep -q "m.bin" "$w/err.txt" &&
    ok "unwritable blob: error naming m.bin, nothing left" || ko "unwritable blob: rc $rc, $(ls -A "$w/ro2")"
fi

echo "weights: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
