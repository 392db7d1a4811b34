#!/usr/bin/env bash
# Command-line behaviour of tnnc: usage errors (exit 2), bad models (exit 1,
# a diagnostic naming the file and the problem, no output file left behind),
# --version/--help/--dump-ir, and byte-identical output across runs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TNNC=${TNNC:-$root/build/tnnc}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

# expect_exit NAME CODE ARGS...: runs tnnc, checks the exit status.
expect_exit() {
  local name=$1 code=$2; shift 2
  "$TNNC" "$@" > "$w/out.txt" 2> "$w/err.txt"
  local rc=$?
  if [ $rc -eq "$code" ]; then ok "$name"; else ko "$name: exit $rc, want $code: $(head -c 300 "$w/err.txt")"; fi
}

model=$root/tests/e2e/models/real_mnist_conv_float
model=$root/$(cat "$model/model.path")

expect_exit "--version" 0 --version
grep -q '^tnnc [0-9]' "$w/out.txt" && ok "--version prints the version" || ko "--version output"
expect_exit "--help" 0 --help
grep -q -- '--emit-main' "$w/out.txt" && ok "--help lists options" || ko "--help output"
expect_exit "no arguments" 2
expect_exit "unknown option" 2 "$model" -o "$w/x.c" --frobnicate
expect_exit "bad --batch" 2 "$model" -o "$w/x.c" --batch 0
expect_exit "bad --prefix" 2 "$model" -o "$w/x.c" --prefix 9lives
expect_exit "unknown pass" 2 "$model" --dump-ir=after-nosuchpass
expect_exit "missing -o" 2 "$model"
expect_exit "missing file" 1 "$w/nonexistent.onnx" -o "$w/x.c"
grep -q 'nonexistent.onnx' "$w/err.txt" && ok "missing file named" || ko "missing file not named"

# --dump-ir shows the plan's two figures.
expect_exit "--dump-ir" 0 "$model" --dump-ir
grep -q 'workspace [0-9]* bytes planned, peak of live tensors [0-9]* bytes' "$w/out.txt" \
  && ok "--dump-ir prints workspace and peak" || ko "--dump-ir lacks workspace figures"
expect_exit "--dump-ir=after-fold-bn" 0 "$model" --dump-ir=after-fold-bn
grep -q '; after fold-bn' "$w/out.txt" && ok "--dump-ir=after-PASS" || ko "--dump-ir=after-PASS output"

# --list-ops prints the op table.
expect_exit "--list-ops" 0 --list-ops
grep -qx 'Conv' "$w/out.txt" && grep -qx 'Softmax' "$w/out.txt" && ok "--list-ops lists Conv and Softmax" \
  || ko "--list-ops output"

# --const-input fixes a shape-deciding runtime input (tests/cli/gen_cli.py).
d=$here/data
expect_exit "runtime Reshape shape refused" 1 "$d/reshape_runtime_shape.onnx" -o "$w/r.c"
grep -q "node #0 'reshape' (Reshape): input 1 'shape' (shape) must be a constant" "$w/err.txt" \
  && ok "refusal names the node and the input" || ko "refusal message: $(cat "$w/err.txt")"
expect_exit "--const-input" 0 "$d/reshape_runtime_shape.onnx" -o "$w/r.c" --emit-main \
  --const-input "shape=$d/shape_3x4.npy"
grep -q '#define R_NUM_INPUTS 1' "$w/r.h" && grep -q '#define R_OUTPUT0_SHAPE {3, 4}' "$w/r.h" \
  && ok "--const-input removes the input and fixes the shape" || ko "--const-input header: $(grep -E 'NUM_INPUTS|OUTPUT0_SHAPE' "$w/r.h")"
if ${CC:-gcc} -std=c99 -Wall -Wextra -Werror ${CFLAGS_EXTRA:-} "$w/r.c" -o "$w/r" -lm 2> "$w/cc.txt" \
   && "$w/r" "$d/x_2x6.npy" "$w/y.npy" && cmp -s <(tail -c 48 "$w/y.npy") <(tail -c 48 "$d/x_2x6.npy") \
   && grep -q "'shape': (3, 4)" "$w/y.npy"; then
  ok "--const-input program runs"
else
  ko "--const-input program: $(head -c 300 "$w/cc.txt")"
fi
expect_exit "--const-input unknown name" 1 "$d/reshape_runtime_shape.onnx" -o "$w/r2.c" \
  --const-input "nosuch=$d/shape_3x4.npy"
grep -q "'nosuch' is not a runtime input" "$w/err.txt" && [ ! -e "$w/r2.c" ] \
  && ok "--const-input unknown name diagnosed" || ko "unknown name: $(cat "$w/err.txt")"
expect_exit "--const-input wrong type" 1 "$d/reshape_runtime_shape.onnx" -o "$w/r2.c" \
  --const-input "shape=$d/shape_float.npy"
grep -q "holds float, the input is int64" "$w/err.txt" && ok "--const-input type checked" \
  || ko "wrong type: $(cat "$w/err.txt")"
expect_exit "--const-input not npy" 1 "$d/reshape_runtime_shape.onnx" -o "$w/r2.c" \
  --const-input "shape=$d/reshape_runtime_shape.onnx"
grep -q "not a .npy file" "$w/err.txt" && ok "--const-input non-npy diagnosed" || ko "non-npy: $(cat "$w/err.txt")"
expect_exit "--const-input without =" 2 "$d/reshape_runtime_shape.onnx" -o "$w/r2.c" --const-input shape

# --report: bits per layer and the compression ratio by hand:
# 32*(32+64+24) / (32*32 + 1*64 + 2*24) = 3840 / 1136 = 3.38
expect_exit "--report" 0 --report "$d/mixed_layers.onnx"
if grep -Eq '^0 +Gemm +8x4 +32 ' "$w/out.txt" && grep -Eq '^1 +Gemm +8x8 +1 +per-tensor +8 ' "$w/out.txt" \
   && grep -Eq '^2 +MatMul +8x3 +2 +per-tensor +6 ' "$w/out.txt" \
   && grep -q 'compression ratio sum(#W\*32)/sum(#W\*bits): 3.38' "$w/out.txt"; then
  ok "--report bits and ratio (3840/1136 = 3.38)"
else
  ko "--report: $(cat "$w/out.txt")"
fi
expect_exit "--report=json" 0 --report=json "$d/mixed_layers.onnx"
grep -q '"compression_ratio": 3.380282' "$w/out.txt" && ok "--report=json ratio" || ko "--report=json: $(cat "$w/out.txt")"
expect_exit "--report --pack=base3" 0 --report --pack=base3 "$d/mixed_layers.onnx"
grep -Eq '^2 +MatMul +8x3 +1.6 +per-tensor +5 ' "$w/out.txt" && ok "--pack=base3: 1.6 bits, ceil(24/5) bytes" \
  || ko "--pack=base3: $(cat "$w/out.txt")"
expect_exit "--quantize=auto --quantize-all" 0 --report --quantize=auto --quantize-all --tolerance 0.7 "$d/mixed_layers.onnx"
grep -Eq '^0 +Gemm +8x4 +(1|2) ' "$w/out.txt" && ok "--quantize=auto quantizes the float layer" \
  || ko "--quantize=auto: $(cat "$w/out.txt")"
expect_exit "--quantize=auto keeps first layer" 0 --report --quantize=auto "$d/mixed_layers.onnx"
grep -Eq '^0 +Gemm +8x4 +32 ' "$w/out.txt" && ok "--quantize without --quantize-all keeps the first layer float" \
  || ko "--quantize first layer: $(cat "$w/out.txt")"
expect_exit "bad --quantize" 2 --report --quantize=septenary "$d/mixed_layers.onnx"
expect_exit "bad --target" 2 "$d/mixed_layers.onnx" -o "$w/t.c" --target=vax
expect_exit "--target=x86-64-v4" 0 "$d/mixed_layers.onnx" -o "$w/t.c" --target=x86-64-v4
if ${CC:-gcc} -std=c99 -c "$w/t.c" -o "$w/t.o" 2> "$w/cc.txt"; then
  ko "--target=x86-64-v4 built without -march"
else
  grep -q 'build it with -march=x86-64-v4' "$w/cc.txt" && ok "--target=x86-64-v4 asks for -march" \
    || ko "--target message: $(cat "$w/cc.txt")"
fi

# Determinism: same model, same flags, same bytes, whatever the locale.
mkdir -p "$w/a" "$w/b"
# Same command line (the front matter records it), different directories,
# a different locale for the second run.
(cd "$w/a" && "$TNNC" "$model" -o m.c --emit-main 2>/dev/null)
(cd "$w/b" && LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8 "$TNNC" "$model" -o m.c --emit-main 2>/dev/null)
if cmp -s "$w/a/m.c" "$w/b/m.c" && cmp -s "$w/a/m.h" "$w/b/m.h"; then ok "deterministic output"; else ko "outputs differ between runs"; fi
grep -q 'M_WORKSPACE_SIZE' "$w/a/m.h" && grep -q '#ifndef M_H' "$w/a/m.h" && grep -q 'extern "C"' "$w/a/m.h" \
  && ok "header has guard, extern C, workspace macro" || ko "header content"
"$TNNC" "$model" -o "$w/a/net.c" --prefix mynet 2>/dev/null
grep -q 'int mynet_run(' "$w/a/net.h" && ok "--prefix" || ko "--prefix not applied"

# Bad models: exit 1, message, nothing written.  FILE|PATTERN
while IFS='|' read -r file pattern; do
  [ -z "$file" ] && continue
  src=$root/tests/bad/$file
  if [ ! -f "$src" ]; then ko "$file: fixture missing"; continue; fi
  out=$w/bad_out
  rm -rf "$out"; mkdir -p "$out"
  "$TNNC" "$src" -o "$out/model.c" 2> "$w/err.txt"
  rc=$?
  if [ $rc -ne 1 ]; then ko "$file: exit $rc, want 1: $(head -c 300 "$w/err.txt")"; continue; fi
  if ! grep -q "$file" "$w/err.txt"; then ko "$file: diagnostic does not name the file: $(head -c 300 "$w/err.txt")"; continue; fi
  if ! grep -Eqi "$pattern" "$w/err.txt"; then ko "$file: diagnostic lacks /$pattern/: $(head -c 300 "$w/err.txt")"; continue; fi
  if [ -n "$(ls -A "$out")" ]; then ko "$file: left files behind: $(ls "$out")"; continue; fi
  ok "$file: $(head -n 1 "$w/err.txt" | cut -c1-150)"
done <<'LIST'
empty.onnx|empty
truncated.onnx|cannot parse|truncated
corrupt.onnx|cannot parse|not an ONNX
cyclic.onnx|cycle
undefined_input.onnx|not defined
wrong_rank.onnx|rank
overflow_shape.onnx|elements|overflow
unsupported_ops.onnx|FooBar
unsupported_dtype.onnx|not support
external_data.onnx|external
negative_dim.onnx|negative dimension
huge_initializer.onnx|more elements than the limit
reshape_mismatch.onnx|reshape|15 elements
gather_out_of_range.onnx|out of range
constantofshape_overflow.onnx|more than
LIST

# --limit lowers a bound; the model is refused with the bound named.
expect_exit "--limit elements" 1 "$model" -o "$w/l.c" --limit elements=100
grep -q 'limit of 100' "$w/err.txt" && [ ! -e "$w/l.c" ] && ok "--limit elements refuses" \
  || ko "--limit elements: $(cat "$w/err.txt")"
expect_exit "--limit weight-bytes" 1 "$model" -o "$w/l.c" --limit weight-bytes=1000
grep -q 'beyond the limit of 1000 bytes' "$w/err.txt" && ok "--limit weight-bytes refuses" \
  || ko "--limit weight-bytes: $(cat "$w/err.txt")"
expect_exit "--limit memory" 1 "$model" -o "$w/l.c" --limit memory=10000
grep -qi 'memory' "$w/err.txt" && ok "--limit memory refuses: $(head -n 1 "$w/err.txt" | cut -c1-120)" \
  || ko "--limit memory: $(cat "$w/err.txt")"
expect_exit "--limit bad key" 2 "$model" -o "$w/l.c" --limit bogus=3
expect_exit "--limit bad value" 2 "$model" -o "$w/l.c" --limit nodes=0

# Every unsupported node is listed at once.
"$TNNC" "$root/tests/bad/unsupported_ops.onnx" -o "$w/u.c" 2> "$w/err.txt"
if grep -q 'FooBar' "$w/err.txt" && grep -q 'Trunc' "$w/err.txt"; then ok "all unsupported nodes listed"; else ko "unsupported nodes not all listed: $(cat "$w/err.txt")"; fi

# ==== issue 12: hostile models and inputs (h12core) ====
# expect_bad FILE PATTERN [TNNC ARGS...]: tests/bad/FILE is refused with
# exit 1, a diagnostic naming the file and matching PATTERN, no output.
expect_bad() {
  local file=$1 pattern=$2; shift 2
  local out=$w/bad12_out
  rm -rf "$out"; mkdir -p "$out"
  "$TNNC" "$root/tests/bad/$file" -o "$out/model.c" "$@" 2> "$w/err.txt"
  local rc=$?
  if [ $rc -ne 1 ]; then ko "$file: exit $rc, want 1: $(head -c 300 "$w/err.txt")"
  elif ! grep -q "$file" "$w/err.txt"; then ko "$file: diagnostic does not name the file: $(head -c 300 "$w/err.txt")"
  elif ! grep -Eqi "$pattern" "$w/err.txt"; then ko "$file: diagnostic lacks /$pattern/: $(head -c 300 "$w/err.txt")"
  elif [ -n "$(ls -A "$out")" ]; then ko "$file: left files behind: $(ls "$out")"
  else ok "$file: $(head -n 1 "$w/err.txt" | cut -c1-150)"; fi
}

# NUL bytes inside protobuf strings: refused, the node and field named.
expect_bad nul_gemm_bias.onnx "node #1 'gemm' \(Gemm\): graph.node\[1\].input\[2\] holds a NUL byte"
expect_bad nul_clip_min.onnx "'clip'.*input\[1\] holds a NUL"
expect_bad nul_op_type.onnx "op_type holds a NUL"
expect_bad nul_attr_name.onnx "attribute\[0\].name holds a NUL"
expect_bad nul_domain.onnx "domain holds a NUL"
expect_bad nul_output_name.onnx "graph.output\[0\].name holds a NUL"
expect_bad nul_attr_string.onnx "'auto_pad' holds a NUL"

# .npy files: one strict header reader (runtime/tnn_npy.h) for --const-input
# and the --emit-main program.  mknpy FILE VERSION HEADER DATA_BYTES writes
# a .npy by hand (zero data); HLEN overrides the stored header length.
mknpy() {
  local file=$1 ver=$2 hdr=$3 nbytes=$4 len=${HLEN:-${#3}}
  {
    printf '\x93NUMPY'
    printf "\\x$(printf %02x "$ver")\\x00"
    printf "\\x$(printf %02x $((len & 255)))\\x$(printf %02x $(((len >> 8) & 255)))"
    [ "$ver" != 1 ] && printf "\\x$(printf %02x $(((len >> 16) & 255)))\\x$(printf %02x $(((len >> 24) & 255)))"
    printf '%s' "$hdr"
    head -c "$nbytes" /dev/zero
  } > "$file"
}
b=$root/tests/bad
# --const-input: a Fortran-order (2, 2) array is refused, whatever the
# spacing or the key order; a decoy 'descr' inside a string is not read.
mknpy "$w/f_last.npy" 1 "{'descr': '<f4', 'shape': (2, 2), 'fortran_order': True}" 16
mknpy "$w/f_nospace.npy" 1 "{'descr':'<f4','fortran_order':True,'shape':(2,2)}" 16
mknpy "$w/decoy_str.npy" 1 "{\"descr\": \">f4\", 'fortran_order': False, 'shape': (2, 2), 'n': \"'descr': '<f4'\"}" 16
mknpy "$w/dup_descr.npy" 1 "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), 'descr': '<f4'}" 16
mknpy "$w/huge.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }" 16
mknpy "$w/ovf.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4611686018427387904), }" 16
mknpy "$w/bigdim.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }" 16
mknpy "$w/hlen_long.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }" 0
HLEN=4294967295 mknpy "$w/hlen_v2.npy" 2 "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }" 16
HLEN=60000 mknpy "$w/hlen_past_end.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }" 16
mknpy "$w/short_data.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }" 8
mknpy "$w/lazy_huge.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776,), }" 16
mknpy "$w/f_c_same.npy" 1 "{\"descr\": \"<f4\", \"fortran_order\": True, \"shape\": (1, 4)}" 16
for f in f_last f_nospace decoy_str dup_descr huge ovf bigdim hlen_v2 hlen_past_end short_data; do
  "$TNNC" "$b/npy_const_add.onnx" -o "$w/ci.c" --const-input "w=$w/$f.npy" 2> "$w/err.txt"
  rc=$?
  if [ $rc -eq 1 ] && grep -q "const-input w: $w/$f.npy" "$w/err.txt"; then
    ok "--const-input refuses $f.npy: $(head -n 1 "$w/err.txt" | sed 's/.*npy: //' | cut -c1-100)"
  else
    ko "--const-input $f.npy: exit $rc: $(head -c 300 "$w/err.txt")"
  fi
done
grep -q "Fortran" <("$TNNC" "$b/npy_const_add.onnx" -o "$w/ci.c" --const-input "w=$w/f_last.npy" 2>&1) \
  && ok "--const-input names Fortran order" || ko "--const-input Fortran diagnostic"
# The --emit-main program: built with ASan+UBSan where the compiler has them
# (no recovery: any UB fails the check), it refuses each hostile file with a
# message and exit 1, and still reads a C-compatible Fortran-order header.
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
echo 'int main(void){return 0;}' > "$w/san.c"
${CC:-gcc} $san "$w/san.c" -o "$w/san" 2>/dev/null && "$w/san" || san=""
if "$TNNC" "$b/npy_concat4.onnx" -o "$w/cat4.c" --emit-main 2> "$w/err.txt" &&
   ${CC:-gcc} -std=c99 -O1 -g -Wall -Wextra -Werror $san "$w/cat4.c" -o "$w/cat4" -lm 2> "$w/cc.txt"; then
  ok "npy driver built${san:+ with ASan+UBSan}"
  for f in f_last f_nospace decoy_str dup_descr huge ovf bigdim hlen_long hlen_v2 hlen_past_end short_data lazy_huge; do
    ASAN_OPTIONS=detect_leaks=0 "$w/cat4" "$w/$f.npy" "$w/cat4_out.npy" > /dev/null 2> "$w/run.txt"
    rc=$?
    if [ $rc -eq 1 ] && grep -q "$f.npy: not a supported .npy file" "$w/run.txt" &&
       ! grep -qi "sanitizer\|runtime error" "$w/run.txt"; then
      ok "--emit-main program refuses $f.npy: $(head -n 1 "$w/run.txt" | sed 's/.*file: //')"
    else
      ko "--emit-main program on $f.npy: exit $rc: $(head -c 400 "$w/run.txt")"
    fi
  done
  if ASAN_OPTIONS=detect_leaks=0 "$w/cat4" "$w/f_c_same.npy" "$w/cat4_out.npy" 2> "$w/run.txt" &&
     grep -q "'shape': (2, 8)" "$w/cat4_out.npy"; then
    ok "--emit-main program reads a Fortran-order (1, 4) array"
  else
    ko "--emit-main program on f_c_same.npy: $(head -c 300 "$w/run.txt")"
  fi
else
  ko "npy driver: $(head -c 300 "$w/err.txt" "$w/cc.txt")"
fi

# Constant folding is bounded: folded constants count against --limit
# weight-bytes (a 99-byte model asking for a 4 GiB ConstantOfShape is
# refused at once), and a node too costly to fold (an 8192x8192x8192 MatMul
# of constants, 431 s to fold) stays a run-time node.
start=$(date +%s)
timeout 20 "$TNNC" "$b/fold_cos_huge.onnx" -o "$w/fc.c" 2> "$w/err.txt"
rc=$?
if [ $rc -eq 1 ] && grep -q "node #0 'cos' (ConstantOfShape): .*beyond the limit of 2147483648 bytes" "$w/err.txt" &&
   [ ! -e "$w/fc.c" ] && [ $(( $(date +%s) - start )) -le 5 ]; then
  ok "4 GiB ConstantOfShape refused at once"
else
  ko "fold_cos_huge.onnx: exit $rc: $(head -c 300 "$w/err.txt")"
fi
expect_exit "folded constants count against --limit weight-bytes" 1 --report \
  "$b/fold_matmul_8192.onnx" --limit weight-bytes=1000000
grep -q "'cos' (ConstantOfShape): its output (268435456 bytes" "$w/err.txt" \
  && ok "folded constant over the weight limit named" || ko "fold limit: $(head -c 300 "$w/err.txt")"
start=$(date +%s)
timeout 100 "$TNNC" --report "$b/fold_matmul_8192.onnx" > "$w/out.txt" 2> "$w/err.txt"
rc=$?
if [ $rc -eq 0 ] && grep -q "549755813888 MACs" "$w/out.txt"; then
  ok "8192^3 constant MatMul stays a run-time layer ($(( $(date +%s) - start )) s)"
else
  ko "fold_matmul_8192.onnx: exit $rc: $(head -c 300 "$w/err.txt")"
fi

# Undefined behaviour in tnnc (the sanitized phase runs these under
# ASan+UBSan): window arithmetic that overflows int64 is refused (as
# onnxruntime does), so are the opsets onnxruntime refuses; an empty
# raw_data initializer and a graph without nodes still compile.
for f in window_conv_dil_pads window_conv_stride_same window_conv_same_dil \
         window_conv_same_lower_dil window_pool_same_dil window_avgpool_area; do
  expect_bad $f.onnx "node #0 'win' .*window on spatial axis 0 .* too large"
done
expect_bad opset_0.onnx "ai.onnx opset 0; tnnc .* reads opsets 1 to 26"
expect_bad opset_minus1.onnx "ai.onnx opset -1;"
expect_bad opset_99999.onnx "ai.onnx opset 99999;"
expect_bad opset_missing.onnx "imports no ai.onnx opset"
expect_bad opset_twice.onnx "opsets 13 and 14"
expect_exit "empty raw_data initializer" 0 "$b/empty_raw_data.onnx" -o "$w/e.c"
expect_exit "graph without nodes" 0 "$b/no_nodes.onnx" -o "$w/nn.c"
# A huge stride onnxruntime accepts: compiles, and the program (built with
# the sanitizers where available) matches onnxruntime.
xin=$root/tests/e2e/models/io_relu_and_input/input_0.npy  # float [2, 3, 4]
export ORT_NODE_MODULES=${ORT_NODE_MODULES:-$root/tests/e2e/node_modules}
if ! command -v node > /dev/null; then
  echo "SKIP stride 2^62 conv vs onnxruntime: no node"
elif "$TNNC" "$b/window_stride_huge_ok.onnx" -o "$w/ws.c" --emit-main 2> "$w/err.txt" &&
   ${CC:-gcc} -std=c99 -O1 -Wall -Wextra -Werror $san "$w/ws.c" -o "$w/ws" -lm 2> "$w/cc.txt" &&
   ASAN_OPTIONS=detect_leaks=0 "$w/ws" "$xin" "$w/ws_out.npy" 2> "$w/run.txt"; then
  if res=$(node "$root/tests/e2e/ort_check.js" "$b/window_stride_huge_ok.onnx" \
             --inputs "$xin" --got "$w/ws_out.npy" 2>&1); then
    ok "stride 2^62 conv matches onnxruntime"
  else
    ko "stride 2^62 conv vs onnxruntime: $res"
  fi
else
  ko "stride 2^62 conv: $(head -c 300 "$w/err.txt" "$w/cc.txt" "$w/run.txt")"
fi

# --limit values up to INT64_MAX: the library keeps its own ceilings, so
# the size arithmetic cannot overflow (a 2^62-element intermediate is
# refused instead of wrapping its byte count) and a real model compiles.
M=9223372036854775807
expect_exit "all limits at INT64_MAX" 0 "$model" -o "$w/lm.c" --limit elements=$M \
  --limit weight-bytes=$M --limit nodes=$M --limit depth=$M --limit memory=$M
expect_bad limit_huge_intermediate.onnx "more elements than the limit of 34359738368" \
  --limit elements=$M --limit weight-bytes=$M --limit memory=$M

echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
