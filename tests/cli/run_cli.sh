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

# a model of the repository (no ../shared needed): the digits CNN, with
# BatchNormalization for --dump-ir=after-fold-bn and 7 KB of weights
model=$root/tests/e2e/models/torch_digits_cnn/model.onnx

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
expect_exit "missing file" 3 "$w/nonexistent.onnx" -o "$w/x.c"
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
# 8-bit activations: every layer reads codes; the first conv writes codes
# that a max pool of codes reads (the pool commutes with the next
# quantizer), the second writes codes for the third, whose quantizer runs
# after the pool (and through the Flatten) for the Gemm;
# --float-acts keeps them float
q8=$root/tests/e2e/models/q8_qdq_cnn_pool/model.onnx
expect_exit "--report 8-bit CNN" 0 --report "$q8"
if grep -Eq '^0 +Conv .* W2A8>A8 +x_i8conv' "$w/out.txt" && grep -Eq '^1 +Conv .* W2A8>A8 +x_i8conv' "$w/out.txt" \
   && grep -Eq '^2 +Conv .* W2A8 +x_i8conv' "$w/out.txt" && grep -Eq '^3 +Gemm .* W2A8 +x_i8fc' "$w/out.txt"; then
  ok "--report: 8-bit convs behind a pool, fused output quantizer"
else
  ko "--report 8-bit CNN: $(cat "$w/out.txt")"
fi
# 8-bit weights (DequantizeLinear of int8 per channel) behind an 8-bit
# quantizer: W8A8 on the same kernels; the ternary conv after them W2A8
q8s=$root/tests/e2e/models/q8_qdq_int8_stem/model.onnx
expect_exit "--report int8 QDQ stem" 0 --report "$q8s"
if grep -Eq '^0 +Conv +16x3x3x3 +8 +per-channel .* W8A8>A8 +x_i8conv' "$w/out.txt" &&
   grep -Eq '^1 +Conv .* W8A8>A8 ' "$w/out.txt" && grep -Eq '^2 +Conv .* W2A8 ' "$w/out.txt"; then
  ok "--report: int8 weights on 8-bit activations (W8A8)"
else
  ko "--report int8 QDQ stem: $(cat "$w/out.txt")"
fi
expect_exit "--report 8-bit CNN --float-acts" 0 --report --float-acts "$q8"
grep -Eq '^1 +Conv .* W2A32 ' "$w/out.txt" && ok "--float-acts: 8-bit CNN stays float" \
  || ko "--float-acts 8-bit CNN: $(cat "$w/out.txt")"
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
grep -q 'M_WORKSPACE_SIZE' "$w/a/m.h" && grep -q '#ifndef TNNC_M_H_' "$w/a/m.h" && grep -q 'extern "C"' "$w/a/m.h" \
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

# ---------------------------------------------------------------------------
# --report=json schema, fallback notes and --quiet, escaped model strings
# (tests/cli/gen_report.py writes the report_*.onnx fixtures; schema in
# docs/report-schema.md).
# json_check NAME FILE JS: FILE must be well-formed UTF-8 and JSON; JS runs
# with j = JSON.parse(FILE) and must return true (a string it returns is the
# failure's detail).
json_check() {
  local name=$1 file=$2 js=$3 res
  if res=$(node -e '
    const fs = require("fs");
    let j;
    try {  /* JSON text is UTF-8 (RFC 8259): decode strictly */
      const text = new TextDecoder("utf-8", {fatal: true}).decode(fs.readFileSync(process.argv[1]));
      j = JSON.parse(text);
    } catch (e) { console.log("not UTF-8 JSON: " + e.message); process.exit(1); }
    const r = (function (j) { '"$js"' })(j);
    if (r !== true) { console.log(r === false ? "check false" : String(r)); process.exit(1); }
  ' "$file" 2>&1); then ok "$name"; else ko "$name: $res: $(head -c 400 "$file")"; fi
}

expect_exit "--report=json mixed_layers" 0 --report=json "$d/mixed_layers.onnx"
cp "$w/out.txt" "$w/mixed.json"
json_check "--report=json: schema, numbers, nulls" "$w/mixed.json" '
  const isInt = (v) => Number.isInteger(v) && v >= 0;
  if (j.schema !== "tnnc-report/1") return "schema " + j.schema;
  if (j.layers.length !== 3 || j.totals.layers !== 3) return "layer count";
  const [l0, l1, l2] = j.layers;
  if (l0.bits !== 32 || l0.scale !== null || l0.quantized_by !== null || l0.output_bits !== null)
    return "float layer: absent values must be null";
  if (l1.bits !== 1 || l1.scale !== "per-tensor" || l1.quantized_by !== "model") return "binary layer";
  if (l2.bits !== 2 || l2.weight_bytes !== 6 || l2.macs !== 24) return "ternary layer";
  for (const l of j.layers) {
    if (!Array.isArray(l.fused) || !Array.isArray(l.weight_shape)) return "arrays";
    if (![l.index, l.node_index, l.weights, l.weight_bytes, l.macs, l.activation_bits].every(isInt))
      return "integers in layer " + l.index;
    if (l.reason !== null && typeof l.reason !== "string") return "reason type";
  }
  if (Math.abs(j.totals.compression_ratio - 3840 / 1136) > 1e-5) return "ratio";
  if (![j.totals.weights, j.totals.weight_bytes, j.totals.macs, j.memory.constant_bytes,
        j.memory.workspace_bytes].every(isInt)) return "totals and memory are integers";
  if (!(j.memory.stack_bytes === null || isInt(j.memory.stack_bytes))) return "stack_bytes";
  if (j.totals.weights !== 120 || j.totals.weight_bytes !== 32 * 4 + 8 + 6) return "totals";
  const io = (t, name, shape) => t.name === name && t.dtype === "float" &&
    JSON.stringify(t.shape) === JSON.stringify(shape);
  if (j.inputs.length !== 1 || !io(j.inputs[0], "x", [1, 4])) return "inputs";
  if (j.outputs.length !== 1 || !io(j.outputs[0], "y", [1, 3])) return "outputs";
  if (typeof j.model !== "string" || j.opset !== 13 || j.producer !== "tnnc-tests") return "model";
  return true;'

# a model whose layers all pack: fused nodes listed, no reason, no note
expect_exit "--report=json packed model" 0 --report=json "$d/report_names.onnx"
cp "$w/out.txt" "$w/names.json"
[ ! -s "$w/err.txt" ] && ok "no note when every layer packs" || ko "unexpected notes: $(cat -v "$w/err.txt")"
json_check "--report=json: fused array, reasons null" "$w/names.json" '
  const [a, b] = j.layers;
  if (a.mode !== "W1A2>A2" || b.mode !== "W1A2") return "modes " + a.mode + " " + b.mode;
  if (a.fused.length !== 1 || a.fused[0].op_type !== "Sign" || a.fused[0].node_index !== 2)
    return "fused " + JSON.stringify(a.fused);
  if (a.reason !== null || b.reason !== null) return "reasons";
  return true;'
# names with ESC, C1, BEL and bytes that are not UTF-8
json_check "--report=json escapes model strings" "$w/names.json" '
  const [a, b] = j.layers;
  if (a.node !== "fc\ufffd\ufffd\ufffd\ufffd\"\\") return "not-UTF-8 bytes: " + JSON.stringify(a.node);
  if (a.fused[0].node !== "\u001b[31ms\u009b") return "ESC/C1: " + JSON.stringify(a.fused[0].node);
  if (b.node !== "fc2\u00e9\u0007__") return "UTF-8 kept, BEL: " + JSON.stringify(b.node);
  if (j.inputs[0].name !== "x\u001b]0;tt\u0007") return "input name " + JSON.stringify(j.inputs[0].name);
  return true;'
if grep -q '\\u001b\[31ms\\u009b' "$w/names.json" && ! LC_ALL=C grep -q $'[\x01-\x1f\x7f]' "$w/names.json"; then
  ok "--report=json writes no raw control byte"
else
  ko "--report=json control bytes: $(cat -v "$w/names.json" | head -c 400)"
fi
expect_exit "--report packed model" 0 --report "$d/report_names.onnx"
if grep -Fq "'fc\\xff\\xfe\\xc0\\x80\"\\\\' + '\\x1b[31ms\\xc2\\x9b' (Sign)" "$w/out.txt" \
   && grep -Fq "'fc2é\\x07__'" "$w/out.txt" && ! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f\xff]' "$w/out.txt"; then
  ok "--report escapes control and non-UTF-8 bytes (\\xNN)"
else
  ko "--report escaping: $(cat -v "$w/out.txt")"
fi

# Fallback notes: one line per layer, the reason in both reports; --quiet.
# FIXTURE|NOTE (node and reason)
while IFS='|' read -r fx note; do
  [ -z "$fx" ] && continue
  expect_exit "$fx compiles" 0 "$d/$fx.onnx" -o "$w/fb.c"
  if [ "$(grep -c ': note: ' "$w/err.txt")" = 1 ] && grep -Fq "$fx.onnx: note: $note" "$w/err.txt"; then
    ok "$fx: note on stderr"
  else
    ko "$fx: note: $(cat "$w/err.txt")"
  fi
  expect_exit "$fx --quiet" 0 "$d/$fx.onnx" -o "$w/fb.c" --quiet
  [ ! -s "$w/err.txt" ] && ok "$fx: --quiet hides the note" || ko "$fx --quiet: $(cat "$w/err.txt")"
  reason=${note#*stays float: }
  expect_exit "$fx --report" 0 --quiet --report "$d/$fx.onnx"
  grep -A1 -Fx 'why layers stay float:' "$w/out.txt" | grep -Fq "$reason" \
    && ok "$fx: --report gives the reason" || ko "$fx --report: $(cat "$w/out.txt")"
  expect_exit "$fx --report=json" 0 --quiet --report=json "$d/$fx.onnx"
  cp "$w/out.txt" "$w/fb.json"
  REASON=$reason json_check "$fx: --report=json reason" "$w/fb.json" '
    return j.layers.length === 1 && j.layers[0].reason === process.env.REASON &&
      j.layers[0].activation_bits === 32 || JSON.stringify(j.layers[0]);'
done <<'LIST'
report_patch|node #1 'bigconv' (Conv): stays float: patch of 4225 bytes (kh*kw*ceil(C/8)) exceeds the packed kernel's 4096
report_patch_bw|node #0 'wideconv' (Conv): stays float: patch of 9216 weights (C/group*kh*kw) exceeds the packed kernel's 8192
report_add|node #1 'fc' (Gemm): stays float: the activation quantizer's output is also read by node #2 (Add), which takes floats
report_group|node #1 'gconv' (Conv): stays float: grouped convolution (group 2; packed activations take group 1)
report_float|node #1 'fc' (Gemm): stays float: its weights are neither binary nor ternary (packed activations need them)
report_mt|node #1 'fc' (MatMul): stays float: 4 activation levels (MultiThreshold with 3 thresholds; packed kernels take 2 or 3 levels)
report_bqvec|node #1 'fc' (MatMul): stays float: activation quantizer node #0 (BipolarQuant) is not provably binary or ternary: not monotone in its input, or a constant that is not a scalar
report_pad|node #2 'pconv' (Conv): stays float: the activation quantizer's levels are not symmetric about 0 and the convolution pads (padding would need the offset)
LIST
# 3-bit and 4-level 2-bit activations run on the integer kernels (pass quant-int8)
for fm in report_act3:W1A3 report_q2u:W1A2; do
  fx=${fm%%:*} MODE=${fm#*:}
  expect_exit "$fx --report=json" 0 --quiet --report=json "$d/$fx.onnx"
  cp "$w/out.txt" "$w/i8.json"
  MODE=$MODE json_check "$fx: $MODE on x_i8fc" "$w/i8.json" '
    return j.layers.length === 1 && j.layers[0].mode === process.env.MODE &&
      j.layers[0].kernel === "x_i8fc" && j.layers[0].reason === null || JSON.stringify(j.layers[0]);'
done
# --float-acts asks for float activations: no note about them
expect_exit "report_act3 --float-acts" 0 "$d/report_act3.onnx" -o "$w/fb.c" --float-acts
[ ! -s "$w/err.txt" ] && ok "--float-acts: no activation note" || ko "--float-acts notes: $(cat "$w/err.txt")"
# --quantize leaves the first and last layers float and says so
expect_exit "--quantize notes" 0 "$d/mixed_layers.onnx" -o "$w/fb.c" --quantize=binary
grep -Fq "node #0 'fc1' (Gemm): stays float: first weighted layer" "$w/err.txt" \
  && ! grep -q "'fc3'" "$w/err.txt" \
  && ok "--quantize: note on the first layer (the last one is ternary already)" \
  || ko "--quantize notes: $(cat "$w/err.txt")"
# end of the --report block
# ---------------------------------------------------------------------------
# ===================================================================
# Command line and output files (issue 11 items 4, 6, 7; issue 12 items
# 8-10).  Uses only the repository's own models (no ../shared).
# ===================================================================
cli_model=$root/tests/e2e/models/torch_digits_cnn/model.onnx
cli_zero=$here/data/cli_zero_ws.onnx
cli_cc() { ${CC:-gcc} -std=c99 -Wall -Wextra -Werror ${CFLAGS_EXTRA:-} "$@" -lm 2> "$w/cc.txt"; }
# no_temps DIR: no *.tmpXXXXXX file left in DIR
no_temps() { [ -z "$(find "$1" -maxdepth 1 -name '*.tmp??????' -print -quit)" ]; }
# fresh: an empty directory for one check
fresh() { rm -rf "$w/o"; mkdir -p "$w/o"; }
mixed=$here/data/mixed_layers.onnx

# -- one option parser: --opt=value and --opt value alike --
fresh
expect_exit "--target x86-64-v4 (separate value)" 0 "$mixed" -o "$w/o/t.c" --target x86-64-v4
grep -q 'build it with -march=x86-64-v4' "$w/o/t.c" && ok "--target x86-64-v4 applied" || ko "--target x86-64-v4 not applied"
expect_exit "--prefix=foo" 0 "$mixed" -o "$w/o/f.c" --prefix=foo
grep -q 'int foo_run(' "$w/o/f.h" && ok "--prefix=foo applied" || ko "--prefix=foo not applied"
expect_exit "-oFILE (attached)" 0 "$mixed" "-o$w/o/att.c"
[ -f "$w/o/att.c" ] && [ -f "$w/o/att.h" ] && ok "-oFILE writes FILE" || ko "-oFILE: $(ls "$w/o")"
for form in "--report json" "--report=json"; do
  # shellcheck disable=SC2086
  expect_exit "$form" 0 $form "$mixed"
  grep -q '"compression_ratio": 3.380282' "$w/out.txt" && ok "$form prints JSON" || ko "$form: $(head -c 200 "$w/out.txt")"
done
for form in "--report text" "--report=text" "--report"; do
  # shellcheck disable=SC2086
  expect_exit "$form" 0 $form "$mixed"
  grep -q 'compression ratio sum(#W\*32)/sum(#W\*bits): 3.38' "$w/out.txt" && ! grep -q '"layers"' "$w/out.txt" \
    && ok "$form prints the text table" || ko "$form: $(head -c 200 "$w/out.txt")"
done
expect_exit "--report after the model" 0 "$mixed" --report
expect_exit "--report=yaml refused" 2 "$mixed" --report=yaml
expect_exit "--dump-ir after-fold-bn (separate value)" 0 "$cli_model" --dump-ir after-fold-bn
grep -q '; after fold-bn' "$w/out.txt" && ok "--dump-ir after-PASS applied" || ko "--dump-ir after-PASS: $(head -c 200 "$w/out.txt")"
expect_exit "--quantize auto --tolerance=0.7 --pack base3" 0 --report --quantize auto --quantize-all \
  --tolerance=0.7 --pack base3 "$mixed"
grep -Eq '^0 +Gemm +8x4 +(1|1.6|2) ' "$w/out.txt" && grep -Eq '^2 +MatMul +8x3 +1.6 ' "$w/out.txt" \
  && ok "--quantize auto, --pack base3 applied" || ko "--quantize/--pack separate values: $(cat "$w/out.txt")"
expect_exit "--pack=septenary refused" 2 --report --pack=septenary "$mixed"
expect_exit "--batch=2" 0 "$mixed" -o "$w/o/b.c" --batch=2
expect_exit "--const-input=NAME=FILE" 0 "$here/data/reshape_runtime_shape.onnx" -o "$w/o/r.c" \
  --const-input="shape=$here/data/shape_3x4.npy"
grep -q '#define R_NUM_INPUTS 1' "$w/o/r.h" && ok "--const-input=... applied" || ko "--const-input=...: $(grep NUM_INPUTS "$w/o/r.h")"
expect_exit "--limit=nodes=100000" 0 "$mixed" -o "$w/o/l.c" --limit=nodes=100000
expect_exit "--limit N = INT64_MAX" 0 "$mixed" -o "$w/o/l.c" --limit nodes=9223372036854775807
expect_exit "--limit N overflowing int64" 2 "$mixed" -o "$w/o/l.c" --limit nodes=9223372036854775808
expect_exit "--limit N overflowing (20 digits)" 2 "$mixed" -o "$w/o/l.c" --limit memory=99999999999999999999
expect_exit "option missing its value" 2 "$mixed" -o "$w/o/x.c" --prefix
grep -q "requires an argument" "$w/err.txt" && ok "missing value named" || ko "missing value: $(cat "$w/err.txt")"
expect_exit "model after --" 0 -o "$w/o/dd.c" -- "$mixed"
POSIXLY_CORRECT=1 "$TNNC" "$mixed" -o "$w/o/p.c" --prefix pc 2> "$w/err.txt"
[ $? -eq 0 ] && grep -q 'int pc_run(' "$w/o/p.h" && ok "options after the model under POSIXLY_CORRECT" \
  || ko "POSIXLY_CORRECT: $(cat "$w/err.txt")"

# -- exit codes: 0 ok, 1 model, 2 usage, 3 I/O --
expect_exit "--help" 0 --help
grep -q '3 I/O error' "$w/out.txt" && grep -q '2 bad usage' "$w/out.txt" && grep -q '1 bad or unsupported model' "$w/out.txt" \
  && ok "--help lists the exit codes" || ko "--help exit codes"
expect_exit "unwritable -o is I/O (3)" 3 "$mixed" -o "$w/no/such/dir/x.c"
grep -q "cannot write $w/no/such/dir/x.c" "$w/err.txt" && ok "unwritable -o named" || ko "unwritable -o: $(cat "$w/err.txt")"
expect_exit "model is a directory: I/O (3)" 3 "$w" -o "$w/o/x.c"
expect_exit "bad model stays 1" 1 "$root/tests/bad/cyclic.onnx" -o "$w/o/x.c"

# -- generated files get 0666 & ~umask --
for um in 022 077 002; do
  fresh
  (umask $um && "$TNNC" "$cli_zero" -o "$w/o/m.c" 2> "$w/err.txt")
  want=$(printf '%o' $((0666 & ~0$um)))
  got_c=$(stat -c %a "$w/o/m.c" 2>/dev/null) got_h=$(stat -c %a "$w/o/m.h" 2>/dev/null)
  [ "$got_c" = "$want" ] && [ "$got_h" = "$want" ] && ok "umask $um: outputs mode $want" \
    || ko "umask $um: .c $got_c .h $got_h, want $want"
done

# -- -o onto what is not a regular file --
fresh
mkfifo "$w/o/fifo.c"
expect_exit "-o FIFO refused" 3 "$cli_zero" -o "$w/o/fifo.c"
[ -p "$w/o/fifo.c" ] && [ ! -e "$w/o/fifo.h" ] && no_temps "$w/o" && grep -q 'not a regular file' "$w/err.txt" \
  && ok "-o FIFO: FIFO kept, nothing written" || ko "-o FIFO: $(ls -l "$w/o") $(cat "$w/err.txt")"
fresh
mkfifo "$w/o/hf.h"
expect_exit "header onto a FIFO refused" 3 "$cli_zero" -o "$w/o/hf.c"
[ -p "$w/o/hf.h" ] && [ ! -e "$w/o/hf.c" ] && grep -q "cannot write $w/o/hf.h" "$w/err.txt" \
  && ok "header FIFO kept, named, no .c" || ko "header FIFO: $(ls -l "$w/o") $(cat "$w/err.txt")"
fresh
# a device node (the case of -o /dev/null as root), made here, never /dev/null itself
if mknod "$w/o/null.c" c 1 3 2>/dev/null; then
  expect_exit "-o device node refused" 3 "$cli_zero" -o "$w/o/null.c"
  [ -c "$w/o/null.c" ] && [ ! -e "$w/o/null.h" ] && no_temps "$w/o" && ok "-o device: node kept" \
    || ko "-o device node replaced: $(ls -l "$w/o")"
else
  echo "SKIP -o device node (mknod not permitted)"
fi
fresh
mkdir "$w/o/adir.c"
echo keep > "$w/o/adir.h"
expect_exit "-o DIRECTORY refused" 3 "$cli_zero" -o "$w/o/adir.c"
[ "$(cat "$w/o/adir.h" 2>/dev/null)" = keep ] && no_temps "$w/o" \
  && ok "-o DIRECTORY: existing header kept" || ko "-o DIRECTORY: adir.h $(cat "$w/o/adir.h" 2>&1)"
grep -q "cannot write $w/o/adir.c: it is a directory" "$w/err.txt" && ok "-o DIRECTORY: cause named" \
  || ko "-o DIRECTORY message: $(cat "$w/err.txt")"
fresh
ln -s "$w/o/elsewhere.c" "$w/o/dangling.c"
expect_exit "-o onto a dangling symlink (a new name)" 0 "$cli_zero" -o "$w/o/dangling.c"

# -- signals while writing leave no temporary files --
cat > "$w/hook.c" <<'HOOK'
/* rename() of a tnnc temporary first sends this process CLI_SIGNAL */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int rename(const char *from, const char *to) {
  int (*real)(const char *, const char *) = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
  const char *s = getenv("CLI_SIGNAL");
  if (s && strstr(from, ".tmp")) kill(getpid(), atoi(s));
  return real(from, to);
}
HOOK
if ${CC:-gcc} -shared -fPIC -o "$w/hook.so" "$w/hook.c" -ldl 2> "$w/cc.txt"; then
  for sig in TERM INT HUP; do
    fresh
    n=$(kill -l "$sig")
    { CLI_SIGNAL=$n LD_PRELOAD="$w/hook.so" ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
      "$TNNC" "$cli_model" -o "$w/o/s.c" 2> "$w/err.txt"; rc=$?; } 2> /dev/null
    # a signal the caller ignores (nohup: SIGHUP) stays ignored in tnnc, which then completes
    ign=$(( (0x$(awk '/^SigIgn/ {print $2}' /proc/$$/status 2> /dev/null || echo 0) >> (n - 1)) & 1 ))
    if [ "$ign" = 1 ]; then
      [ $rc -eq 0 ] && no_temps "$w/o" && ok "SIG$sig ignored by the caller: tnnc completes, no temporaries" \
        || ko "SIG$sig (ignored by the caller) while writing: exit $rc, left: $(ls "$w/o")"
      continue
    fi
    [ $rc -eq $((128 + n)) ] && no_temps "$w/o" && ok "SIG$sig while writing: died of it, no temporaries" \
      || ko "SIG$sig while writing: exit $rc, left: $(ls "$w/o")"
  done
else
  ko "signal hook does not build: $(head -c 300 "$w/cc.txt")"
fi
fresh
(ulimit -f 8 && exec "$TNNC" "$cli_model" -o "$w/o/big.c" 2> "$w/err.txt")
rc=$?
[ $rc -eq 3 ] && no_temps "$w/o" && [ ! -e "$w/o/big.c" ] && grep -q 'File too large' "$w/err.txt" \
  && ok "beyond RLIMIT_FSIZE: I/O error (3), no temporaries" || ko "RLIMIT_FSIZE: exit $rc, left: $(ls "$w/o") $(cat "$w/err.txt")"
# out of compile-time memory while emitting: the smallest --limit memory
# that compiles, then just below it (where the C is being written)
fresh
lo=1000 hi=$((1 << 30))
while [ $((hi - lo)) -gt 1 ]; do
  mid=$(((lo + hi) / 2))
  if "$TNNC" "$cli_model" -o "$w/o/m.c" --limit memory=$mid 2>/dev/null; then hi=$mid; else lo=$mid; fi
done
rm -f "$w/o"/m.*
for step in 1 2 4 8 16 32 64 128; do "$TNNC" "$cli_model" -o "$w/o/m.c" --limit memory=$((hi - step)) 2>/dev/null; done
no_temps "$w/o" && [ ! -e "$w/o/m.c" ] && ok "out of memory while emitting (limit $hi - 1..128): no temporaries" \
  || ko "out of memory while emitting left: $(ls "$w/o")"

# -- output names that cannot be #included or give bad C identifiers --
fresh
for name in 'q"x.c' $'nl\n#error injected.c' 'back\slash.c' "it's.c" $'esc\033.c'; do
  expect_exit "-o $(printf %q "$name") refused" 2 "$cli_zero" -o "$w/o/$name"
  [ -z "$(ls -A "$w/o")" ] && grep -q 'cannot be written in #include' "$w/err.txt" \
    && ok "-o $(printf %q "$name"): usage error, nothing written" || ko "-o $(printf %q "$name"): $(ls "$w/o") $(cat "$w/err.txt")"
done
expect_exit "-o - refused" 2 "$cli_zero" -o -
grep -q 'give a file name' "$w/err.txt" && [ ! -e ./- ] && ok "-o -: says to give a file name" || ko "-o -: $(cat "$w/err.txt")"
expect_exit "-o DIR/ refused" 2 "$cli_zero" -o "$w/o/"
for p in tnn_ba_grp TNN_X Tnn _x a__b ab_ 9lives 'a-b'; do
  expect_exit "--prefix $p refused" 2 "$cli_zero" -o "$w/o/p.c" --prefix "$p"
done
# Names that used to give C that does not build or a reserved guard (_X_H):
# each must build (as a program with --emit-main) and run, its guard not
# starting with '_'.
for spec in "_x.c" "tnn_runtime.c" "_stdint.c" "_math.c" "main.c" "stdint.c" "__.c" "int.c|--prefix int" "k.c|--prefix stdio"; do
  fresh
  name=${spec%%|*} extra=
  [ "$spec" != "$name" ] && extra=${spec#*|}
  # shellcheck disable=SC2086
  if "$TNNC" "$cli_zero" -o "$w/o/$name" --emit-main $extra 2> "$w/err.txt" \
     && cli_cc "$w/o/$name" -o "$w/o/prog" && "$w/o/prog" "$here/data/cli_x_1x4.npy" - > "$w/run.txt" 2>&1 \
     && grep -q '0 2 0 4' "$w/run.txt" && ! grep -q '^#ifndef _' "$w/o/${name%.c}.h"; then
    ok "-o $name $extra: C builds and runs ($(grep -m1 '^#ifndef' "$w/o/${name%.c}.h"))"
  else
    ko "-o $name $extra: $(cat "$w/err.txt") $(head -c 300 "$w/cc.txt") $(head -c 200 "$w/run.txt" 2>/dev/null)"
  fi
done
# A zero-byte workspace still sizes an array (a caller's static buffer).
fresh
"$TNNC" "$cli_zero" -o "$w/o/z.c" 2> "$w/err.txt"
cat > "$w/o/user.c" <<'USER'
#include <stdio.h>
#include "z.h"
static unsigned char ws[Z_WORKSPACE_SIZE];
int main(void) {
  const float x[4] = {-1, 2, -3, 4};
  float y[4];
  if (z_run(x, y, ws) != 0) return 1;
  printf("%g %g %g %g\n", y[0], y[1], y[2], y[3]);
  return 0;
}
USER
if cli_cc -pedantic "$w/o/user.c" "$w/o/z.c" -o "$w/o/user" && [ "$("$w/o/user")" = "0 2 0 4" ]; then
  ok "zero-byte workspace: <P>_WORKSPACE_SIZE sizes a static array (-pedantic)"
else
  ko "zero-byte workspace: $(grep WORKSPACE_SIZE "$w/o/z.h") $(head -c 300 "$w/cc.txt")"
fi

# -- control characters in model strings are escaped in diagnostics --
expect_exit "ESC in names: refused as a bad model" 1 "$here/data/cli_esc_name.onnx" -o "$w/o/e.c"
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$w/err.txt" || LC_ALL=C grep -q $'\xff\|\xc2\x9b' "$w/err.txt"; then
  ko "raw control bytes in the diagnostic: $(od -c "$w/err.txt" | head -5)"
elif [ "$(wc -l < "$w/err.txt")" -ne 1 ]; then
  ko "the newline in the name split the diagnostic: $(cat "$w/err.txt")"
elif grep -qF "'n\x1b[2J\x1b[31mred\x0alin\xff2\xc2\x9bX' (Evil\x1b]0;pwned\x07)" "$w/err.txt"; then
  ok "control characters, C1 and non-UTF-8 bytes shown as \\xNN"
else
  ko "escaped diagnostic: $(cat "$w/err.txt")"
fi

# ---------------------------------------------------------------------------
# --target (ir/target.c): names, native detection, the #error guard naming the
# missing flag, the variants the runtime picks, the scratch only the AVX-512
# packed convolution reads, cross compilers.
qa=$root/tests/e2e/models/qa_wide_c64
for t in generic x86-64 x86-64-v2 x86-64-v3 x86-64-v4 haswell skylake-avx512 cascadelake \
         icelake-server sapphirerapids znver4 x86-64-v4+vpopcntdq x86-64-v4+avx512vnni \
         x86-64-v3+fma+vnni aarch64 aarch64+dotprod armv7e-m cortex-m4 cortex-m7 riscv64 native; do
  expect_exit "--target=$t accepted" 0 --quiet "$d/mixed_layers.onnx" -o "$w/t.c" --target="$t"
done
for t in vax x86-64-v5 x86-64-v4+dotprod aarch64+avx2 riscv64+neon "x86-64-v4+" armv7e-m+vpopcntdq; do
  rm -f "$w/t.c"
  expect_exit "--target=$t refused" 2 --quiet "$d/mixed_layers.onnx" -o "$w/t.c" --target="$t"
  grep -q 'known targets: generic, x86-64, .*native' "$w/err.txt" && [ ! -e "$w/t.c" ] \
    && ok "--target=$t: diagnostic lists the known targets, no output" \
    || ko "--target=$t: no list of known targets: $(cat "$w/err.txt")"
done
grep -q "unknown feature '+vpopcntdq' for armv7e-m" "$w/err.txt" && ok "unknown feature named with its arch" \
  || ko "unknown feature message: $(cat "$w/err.txt")"

# native: the features tnnc detects are this machine's (/proc/cpuinfo)
if [ "$(uname -m)" = x86_64 ] && [ -r /proc/cpuinfo ]; then
  expect_exit "--target=native report" 0 --quiet --report=json --target=native "$d/mixed_layers.onnx"
  cpu=$(grep -m1 '^flags' /proc/cpuinfo)
  want=""
  for pair in sse4.2:sse4_2 avx2:avx2 fma:fma avx512f:avx512f avx512bw:avx512bw avx512dq:avx512dq \
              avx512vl:avx512vl avx512vpopcntdq:avx512_vpopcntdq avx512vnni:avx512_vnni; do
    case " $cpu " in *" ${pair#*:} "*) want="$want,${pair%%:*}" ;; esac
  done
  got=$(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));
    console.log((j.target.features.length ? "," : "") + j.target.features.join(","))' "$w/out.txt")
  [ "$got" = "$want" ] && ok "--target=native: features as in /proc/cpuinfo ($want)" \
    || ko "--target=native features: got '$got', /proc/cpuinfo '$want'"
  grep -q '"flags": "-march=native' "$w/out.txt" && ko "--target=native flags are -march=native" \
    || ok "--target=native: explicit flags"
fi

CCT=${CC:-gcc}
ccw() { "$CCT" -std=c99 -Wall -Wextra -Werror "$@"; }
# x86-64-v4 has no VPOPCNTDQ: the report and the C say the packed kernels run
# avx2, and built with only -march=x86-64-v4 it compiles
expect_exit "qa_wide_c64 --target=x86-64-v4" 0 --quiet "$qa/model.onnx" -o "$w/v4.c" --target=x86-64-v4 --report
grep -q 'kernels on this target: packed avx2 (the avx512 variant needs -mavx512vpopcntdq)' "$w/out.txt" \
  && grep -Eq '^1 +Conv .* x_baconv +avx2 ' "$w/out.txt" \
  && grep -q 'packed avx2 (its avx512 variant needs -mavx512vpopcntdq)' "$w/v4.c" \
  && ok "--target=x86-64-v4: report and C comment say packed kernels run avx2" \
  || ko "--target=x86-64-v4 report: $(cat "$w/out.txt")"
ccw -march=x86-64-v4 -c "$w/v4.c" -o "$w/v4.o" 2> "$w/cc.txt" && ok "x86-64-v4 output builds with -march=x86-64-v4" \
  || ko "x86-64-v4 build: $(head -c 300 "$w/cc.txt")"
# ... and the runtime picks avx2 there even when the build enables VPOPCNTDQ
# (no target: it picks AVX-512)
"$CCT" -std=c99 -march=x86-64-v4 -mavx512vpopcntdq -dM -E "$w/v4.c" > "$w/v4.macros"
"$TNNC" --quiet "$qa/model.onnx" -o "$w/nt.c"
"$CCT" -std=c99 -march=x86-64-v4 -mavx512vpopcntdq -dM -E "$w/nt.c" > "$w/nt.macros"
grep -q '#define TNN_BA_AVX2 1' "$w/v4.macros" && ! grep -q 'TNN_BA_AVX512' "$w/v4.macros" \
  && grep -q '#define TNN_BA_AVX512 1' "$w/nt.macros" \
  && ok "--target=x86-64-v4: the runtime runs the planned avx2 variant under -mavx512vpopcntdq" \
  || ko "x86-64-v4 variant selection: $(grep TNN_BA_ "$w/v4.macros" "$w/nt.macros")"
# x86-64-v4+vpopcntdq: avx512, and the guard names the missing flag
expect_exit "qa_wide_c64 --target=x86-64-v4+vpopcntdq" 0 --quiet "$qa/model.onnx" -o "$w/vp.c" \
  --target=x86-64-v4+vpopcntdq --emit-main --report
grep -Eq '^1 +Conv .* x_baconv +avx512 ' "$w/out.txt" && ok "--target=x86-64-v4+vpopcntdq: report says avx512" \
  || ko "x86-64-v4+vpopcntdq report: $(cat "$w/out.txt")"
if ccw -march=x86-64-v4 -c "$w/vp.c" -o "$w/vp.o" 2> "$w/cc.txt"; then
  ko "x86-64-v4+vpopcntdq output built without -mavx512vpopcntdq"
else
  grep -q 'compiled by tnnc for x86-64-v4+vpopcntdq: build it with -march=x86-64-v4 -mavx512vpopcntdq (missing -mavx512vpopcntdq' "$w/cc.txt" \
    && [ "$(grep -c 'error: #error' "$w/cc.txt")" = 1 ] \
    && ok "x86-64-v4+vpopcntdq built with -march=x86-64-v4: one #error naming -mavx512vpopcntdq" \
    || ko "x86-64-v4+vpopcntdq guard: $(head -c 400 "$w/cc.txt")"
fi
ccw -march=x86-64-v4 -mavx512vpopcntdq -c "$w/vp.c" -o "$w/vp.o" 2> "$w/cc.txt" \
  && ok "x86-64-v4+vpopcntdq output builds with the flags the guard names" || ko "vp build: $(head -c 300 "$w/cc.txt")"
clang -std=c99 -Wall -Wextra -Werror -march=x86-64-v3 -mavx512f -mavx512bw -mavx512vpopcntdq -c "$w/v4.c" \
  -o "$w/v4c.o" 2> "$w/cc.txt" && ok "x86-64-v4 output: clang accepts the #undef of a feature macro" \
  || ko "clang x86-64-v4: $(head -c 300 "$w/cc.txt")"

# the packed AVX-512 body also needs AVX512DQ (_mm512_mullo_epi64): a target
# with VPOPCNTDQ but no DQ plans avx2, and builds with the flags it names
expect_exit "--target=x86-64-v3+vpopcntdq" 0 --quiet "$qa/model.onnx" -o "$w/v3p.c" --target=x86-64-v3+vpopcntdq
fl=$(sed -n 's/^#error "compiled by tnnc for x86-64-v3+vpopcntdq: build it for x86-64 with \(.*\)"$/\1/p' "$w/v3p.c")
grep -q 'kernel variants: packed avx2 (its avx512 variant needs -mavx512bw -mavx512dq)' "$w/v3p.c" \
  && [ "$fl" = "-march=x86-64-v3 -mavx512f -mavx512vpopcntdq" ] \
  && ccw $fl -c "$w/v3p.c" -o "$w/v3p.o" 2> "$w/cc.txt" \
  && clang -std=c99 -Wall -Wextra -Werror $fl -c "$w/v3p.c" -o "$w/v3p.o" 2>> "$w/cc.txt" \
  && ok "x86-64-v3+vpopcntdq: packed avx2, builds with '$fl' (gcc, clang)" \
  || ko "x86-64-v3+vpopcntdq: flags '$fl': $(head -c 300 "$w/cc.txt")"

# generic: no AVX-512 padded-image scratch, so a smaller workspace, same outputs
expect_exit "qa_wide_c64 --target=generic" 0 --quiet "$qa/model.onnx" -o "$w/gen.c" --target=generic --emit-main
wsg=$(sed -n 's/^#define GEN_WORKSPACE_SIZE \([0-9]*\)$/\1/p' "$w/gen.h")
wsv=$(sed -n 's/^#define VP_WORKSPACE_SIZE \([0-9]*\)$/\1/p' "$w/vp.h")
[ -n "$wsg" ] && [ -n "$wsv" ] && [ "$wsg" -lt "$wsv" ] \
  && ok "--target=generic workspace $wsg < x86-64-v4+vpopcntdq $wsv" || ko "workspaces: generic '$wsg', vpopcntdq '$wsv'"
if ccw -O2 "$w/gen.c" -o "$w/gen" -lm 2> "$w/cc.txt" && "$w/gen" "$qa/input_0.npy" "$w/gen.npy"; then
  if grep -q avx512_vpopcntdq /proc/cpuinfo 2>/dev/null; then
    ccw -O2 -march=x86-64-v4 -mavx512vpopcntdq "$w/vp.c" -o "$w/vp" -lm && "$w/vp" "$qa/input_0.npy" "$w/vp.npy" \
      && cmp -s "$w/gen.npy" "$w/vp.npy" && ok "generic and x86-64-v4+vpopcntdq outputs identical" \
      || ko "generic vs x86-64-v4+vpopcntdq outputs differ"
  else
    echo "SKIP x86-64-v4+vpopcntdq run (no AVX512VPOPCNTDQ here)"
  fi
else
  ko "generic build/run: $(head -c 300 "$w/cc.txt")"
fi

# other architectures: the guard refuses the host compiler; cross compilers build it
expect_exit "qa_wide_c64 --target=armv7e-m" 0 --quiet "$qa/model.onnx" -o "$w/m4.c" --target=armv7e-m
"$CCT" -std=c99 -c "$w/m4.c" -o "$w/m4.o" 2> "$w/cc.txt" && ko "armv7e-m output built by the host compiler" \
  || { grep -q 'compiled by tnnc for armv7e-m: build it for armv7e-m' "$w/cc.txt" \
       && ok "armv7e-m output: the host compiler gets the #error" || ko "armv7e-m host: $(head -c 300 "$w/cc.txt")"; }
if command -v arm-none-eabi-gcc > /dev/null; then
  arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 \
    -c "$w/m4.c" -o "$w/m4.o" 2> "$w/cc.txt" && ok "armv7e-m output builds for Cortex-M4" || ko "armv7e-m: $(head -c 300 "$w/cc.txt")"
else
  echo "SKIP armv7e-m build (no arm-none-eabi-gcc)"
fi
for t in aarch64 aarch64+dotprod; do
  expect_exit "qa_wide_c64 --target=$t" 0 --quiet "$qa/model.onnx" -o "$w/a64.c" --target=$t
  if command -v aarch64-linux-gnu-gcc > /dev/null; then
    fl=$([ $t = aarch64 ] || echo -march=armv8.2-a+dotprod)
    aarch64-linux-gnu-gcc -std=c99 -Wall -Wextra -Werror $fl -c "$w/a64.c" -o "$w/a64.o" 2> "$w/cc.txt" \
      && ok "$t output builds with aarch64-linux-gnu-gcc $fl" || ko "$t: $(head -c 300 "$w/cc.txt")"
  else
    echo "SKIP $t build (no aarch64-linux-gnu-gcc)"
  fi
done
grep -q 'kernel variants: packed neon' "$w/a64.c" && ok "aarch64: packed kernels run neon" || ko "aarch64 variants"
expect_exit "qa_wide_c64 --target=riscv64" 0 --quiet "$qa/model.onnx" -o "$w/rv.c" --target=riscv64
grep -q '#define TNN_NO_SIMD 1' "$w/rv.c" && ok "riscv64: portable kernels (TNN_NO_SIMD)" || ko "riscv64: no TNN_NO_SIMD"
if command -v riscv64-linux-gnu-gcc > /dev/null; then
  riscv64-linux-gnu-gcc -std=c99 -Wall -Wextra -Werror -c "$w/rv.c" -o "$w/rv.o" 2> "$w/cc.txt" \
    && ok "riscv64 output builds" || ko "riscv64: $(head -c 300 "$w/cc.txt")"
else
  echo "SKIP riscv64 build (no riscv64-linux-gnu-gcc)"
fi

# without --target, the report says which variants which flags select
expect_exit "qa_wide_c64 --report (no target)" 0 --quiet --report "$qa/model.onnx"
grep -q "^kernels (no --target: the C compiler's flags choose): packed: avx512 with -mavx512f -mavx512bw -mavx512dq -mavx512vpopcntdq, avx2 with -mavx2, neon on aarch64, armv7e-m with -march=armv7e-m, else scalar; float: avx2 with -mavx2 -mfma, else scalar$" "$w/out.txt" \
  && ok "--report without --target: variants by flags" || ko "--report by flags: $(cat "$w/out.txt")"
expect_exit "--report=json --target=x86-64-v4" 0 --quiet --report=json --target=x86-64-v4 "$qa/model.onnx"
json_check "--report=json: target object and per-layer variant" "$w/out.txt" '
  const t = j.target;
  if (t.name !== "x86-64-v4" || t.flags !== "-march=x86-64-v4" || t.features.includes("avx512vpopcntdq"))
    return "target " + JSON.stringify(t);
  if (j.layers[1].variant !== "avx2" || j.layers[5].variant !== "scalar") return "variants";
  if (t.kernels[0].family !== "packed" || t.kernels[0].variant !== "avx2" || t.kernels[0].by_flags !== null)
    return "kernels " + JSON.stringify(t.kernels);
  return true;'
# end of the --target block
# ---------------------------------------------------------------------------
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
# QuantizeLinear to a type other than int8/uint8
expect_bad quantizelinear_uint16.onnx "node #0 'ql' \(QuantizeLinear\): attribute 'output_dtype' is 4"
# shape-deciding inputs of OneHot / Compress, GatherND's index length, Range's delta
expect_bad range_delta_zero.onnx "node #0 'rng' \(Range\): input 2 'd' \(delta\) is 0"
expect_bad onehot_depth_input.onnx "node #0 'oh' \(OneHot\): input 1 'depth' \(depth\) must be a constant"
expect_bad gathernd_index_too_long.onnx "node #0 'gnd' \(GatherND\): input 1 'ix' \(indices\) has last dim 3, expected 1 to 2"
expect_bad resize_sizes_input.onnx "node #0 'up' \(Resize\): input 3 'sizes' \(sizes\) must be a constant"
expect_bad resize_align_corners_fraction.onnx "node #0 'down' \(Resize\): align_corners with scales\[2\] = 0.6: axis 2 of length 2 resizes to 1.2"
expect_bad compress_condition_beyond.onnx "node #0 'cmp' \(Compress\): input 1 'c' \(condition\) is true at 3, beyond the 3 slices"
# ConvTranspose: weight shape, group, output size
expect_bad convt_weight_channels.onnx "node #0 'up' \(ConvTranspose\): input 1 'w' has 3 filters \(dim 0\), expected the input channels 4"
expect_bad convt_bad_group.onnx "node #0 'up' \(ConvTranspose\): group 3 does not divide the input channels \(4\)"
expect_bad convt_negative_output.onnx "node #0 'up' \(ConvTranspose\): the output size on spatial axis 0 is -4"

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
# (no recovery: any UB fails the check; leak detection on: every error path
# frees what it allocated), it refuses each hostile file with a message and
# exit 1, and still reads a C-compatible Fortran-order header.
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
echo 'int main(void){return 0;}' > "$w/san.c"
${CC:-gcc} $san "$w/san.c" -o "$w/san" 2>/dev/null && "$w/san" || san=""
if "$TNNC" "$b/npy_concat4.onnx" -o "$w/cat4.c" --emit-main 2> "$w/err.txt" &&
   ${CC:-gcc} -std=c99 -O1 -g -Wall -Wextra -Werror $san "$w/cat4.c" -o "$w/cat4" -lm 2> "$w/cc.txt"; then
  ok "npy driver built${san:+ with ASan+UBSan}"
  for f in f_last f_nospace decoy_str dup_descr huge ovf bigdim hlen_long hlen_v2 hlen_past_end short_data lazy_huge; do
    ASAN_OPTIONS=detect_leaks=1 "$w/cat4" "$w/$f.npy" "$w/cat4_out.npy" > /dev/null 2> "$w/run.txt"
    rc=$?
    if [ $rc -eq 1 ] && grep -q "$f.npy: not a supported .npy file" "$w/run.txt" &&
       ! grep -qi "sanitizer\|runtime error" "$w/run.txt"; then
      ok "--emit-main program refuses $f.npy: $(head -n 1 "$w/run.txt" | sed 's/.*file: //')"
    else
      ko "--emit-main program on $f.npy: exit $rc: $(head -c 400 "$w/run.txt")"
    fi
  done
  # a well-formed file the model does not take, and an output that cannot
  # be written: exit 1, a message, and nothing leaked (the buffers read or
  # allocated before the error are freed)
  mknpy "$w/count3.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }" 12
  mknpy "$w/int64.npy" 1 "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 4), }" 32
  mknpy "$w/good.npy" 1 "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }" 16
  for c in "count3.npy:3 elements, the model expects 4:$w/cat4_out.npy" \
           "int64.npy:element type int64, the model expects float32:$w/cat4_out.npy" \
           "good.npy:cannot create:$w/no/such/dir/out.npy"; do
    f=${c%%:*} rest=${c#*:}
    msg=${rest%%:*} outp=${rest#*:}
    ASAN_OPTIONS=detect_leaks=1 "$w/cat4" "$w/$f" "$outp" > /dev/null 2> "$w/run.txt"
    rc=$?
    if [ $rc -eq 1 ] && grep -q "$msg" "$w/run.txt" && ! grep -qi "sanitizer\|runtime error" "$w/run.txt"; then
      ok "--emit-main program: $msg, nothing leaked"
    else
      ko "--emit-main program on $f -> $outp: exit $rc: $(head -c 400 "$w/run.txt")"
    fi
  done
  if ASAN_OPTIONS=detect_leaks=1 "$w/cat4" "$w/f_c_same.npy" "$w/cat4_out.npy" 2> "$w/run.txt" &&
     grep -q "'shape': (2, 8)" "$w/cat4_out.npy"; then
    ok "--emit-main program reads a Fortran-order (1, 4) array"
  else
    ko "--emit-main program on f_c_same.npy: $(head -c 300 "$w/run.txt")"
  fi
else
  ko "npy driver: $(head -c 300 "$w/err.txt" "$w/cc.txt")"
fi

# Activation quantizers (the differential tester's kept cases, issue 12):
# an epilogue or quantizer input with a second reader is not fused away
# (it was: "IR verification failed: uses 'r' before it is defined"), and a
# constant that varies along an axis (Min(C, x), Add(C[9,1], x), C first)
# keeps the quantizer float (it was read as its element 0).  Each compiles,
# and the packed build's outputs are byte-identical to --float-acts'.
cases=$root/tests/fuzz/diff/cases
for c in quant_epilogue_second_reader quant_epilogue_second_quantizer \
         quant_per_element_constant quant_constant_first_batch_axis quant_chain_exp_before_bn; do
  nout=$(grep -o '"n_out": [0-9]*' "$cases/$c/meta.json" | grep -o '[0-9]*$')
  good=1
  for v in packed float; do
    fl=""; [ $v = float ] && fl=--float-acts
    outs=()
    for i in $(seq 0 $((nout - 1))); do outs+=("$w/qa_${v}_$i.npy"); done
    # shellcheck disable=SC2086
    if ! "$TNNC" "$cases/$c/model.onnx" -o "$w/qa_$v.c" --emit-main $fl 2> "$w/err.txt" ||
       ! ${CC:-gcc} -std=c99 -O1 -Wall -Wextra -Werror $san "$w/qa_$v.c" -o "$w/qa_$v" -lm 2> "$w/cc.txt" ||
       ! "$w/qa_$v" "$cases/$c/input_0.npy" "${outs[@]}" 2> "$w/run.txt"; then
      ko "$c ($v): $(head -c 300 "$w/err.txt" "$w/cc.txt" "$w/run.txt")"
      good=0
      break
    fi
  done
  [ $good = 1 ] || continue
  for i in $(seq 0 $((nout - 1))); do
    cmp -s "$w/qa_packed_$i.npy" "$w/qa_float_$i.npy" || good=0
  done
  [ $good = 1 ] && ok "$c: packed build byte-identical to --float-acts" ||
    ko "$c: packed output differs from --float-acts"
done

# The epilogue chain between a packed layer and its quantizer is any op the
# op table calls monotone (ir/op_props.def), not a fixed list: Relu, a Mul
# by -0.75 and Exp before BatchNorm -> Sign fold into the first Conv's
# integer thresholds (it writes packed bits: W1A2>A1), as the Exp kept them
# float before.
if "$TNNC" --report "$cases/quant_chain_exp_before_bn/model.onnx" > "$w/rep.txt" 2> "$w/err.txt" &&
   grep -q "^0 .*W1A2>A1 .*(Relu), '' (Mul), '' (Exp)" "$w/rep.txt"; then
  ok "monotone chain (Relu, Mul, Exp, BatchNorm) folded into the packed conv's thresholds"
else
  ko "quant_chain_exp_before_bn: $(head -c 400 "$w/rep.txt" "$w/err.txt")"
fi

# --profile: the --emit-main program times every layer.  It builds warning-
# free, writes the same outputs as the --emit-main build, prints one row per
# kernel call with the MACs --report counts (same total), rejects a bad
# --runs; without --profile the output holds no timing at all.
dm=$root/examples/digits_bnn
if "$TNNC" "$dm/model.onnx" -o "$w/prof.c" --profile 2> "$w/err.txt" &&
   ${CC:-gcc} -std=c99 -O1 -Wall -Wextra -Werror $san "$w/prof.c" -o "$w/prof" -lm 2> "$w/cc.txt" &&
   "$w/prof" --runs 3 "$dm/samples.npy" "$w/prof_out.npy" 2> "$w/prof.txt" &&
   "$TNNC" "$dm/model.onnx" -o "$w/noprof.c" --emit-main 2> "$w/err.txt" &&
   ${CC:-gcc} -std=c99 -O1 -Wall -Wextra -Werror "$w/noprof.c" -o "$w/noprof" -lm 2> "$w/cc.txt" &&
   "$w/noprof" "$dm/samples.npy" "$w/noprof_out.npy"; then
  cmp -s "$w/prof_out.npy" "$w/noprof_out.npy" && ok "--profile program: outputs identical to --emit-main's" ||
    ko "--profile program: outputs differ from --emit-main's"
  rows=$(grep -cE '^[0-9]+ ' "$w/prof.txt")
  calls=$(grep -cE 'tnn_prof_acc\[[0-9]+\] \+=' "$w/prof.c")
  macs=$("$TNNC" --report "$dm/model.onnx" | grep -o '[0-9]* MACs$' | grep -o '^[0-9]*')
  if grep -q "^profile: 3 runs of 297 samples after 1 warm-up: .* $macs MACs$" "$w/prof.txt" &&
     [ "$rows" -gt 0 ] && [ "$rows" = "$calls" ] && grep -qE '^1 +/1/Conv +Conv +x_baconv ' "$w/prof.txt"; then
    ok "--profile table: $rows layers, $macs MACs as --report counts"
  else
    ko "--profile table ($rows rows, $calls calls, $macs MACs): $(head -c 400 "$w/prof.txt")"
  fi
  # the ceiling column: W1A1 at 1 GMAC/s is 100x any real rate, so every
  # packed layer's fraction is a number, and a layer without MACs shows -
  if TNN_PROF_CEILINGS="w1a1=1,w2a2=1,f32=1" "$w/prof" --runs 2 "$dm/samples.npy" "$w/prof_out.npy" 2> "$w/profc.txt" &&
     grep -q 'mode  of ceiling$' "$w/profc.txt" &&
     grep -qE ' x_baconv .* w1a1 +[0-9]+\.[0-9]%$' "$w/profc.txt" &&
     grep -qE '^0 +/0/Sub .* - +-$' "$w/profc.txt" &&
     ! grep -q 'of ceiling' "$w/prof.txt"; then
    ok "--profile with TNN_PROF_CEILINGS: mode and fraction of the ceiling per layer"
  else
    ko "--profile ceiling column: $(head -c 600 "$w/profc.txt")"
  fi
  grep -q 'tnn_prof\|clock_gettime\|_POSIX_C_SOURCE' "$w/noprof.c" && ko "--emit-main output holds profile code" ||
    ok "no timing code without --profile"
  "$w/prof" --runs 0 "$dm/samples.npy" "$w/prof_out.npy" 2> "$w/err.txt"
  [ $? -eq 2 ] && grep -q -- '--runs takes a count' "$w/err.txt" && ok "--runs 0 refused (exit 2)" ||
    ko "--runs 0: $(head -c 200 "$w/err.txt")"
else
  ko "--profile: $(head -c 400 "$w/err.txt" "$w/cc.txt" "$w/prof.txt" 2>/dev/null)"
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
