#!/usr/bin/env bash
# What tnnc is for, on the bundled example (examples/digits_bnn: a binary /
# ternary CNN for 8x8 digits, trained with PyTorch, exported to ONNX):
#   1. `tnnc --report`: every layer runs on packed bits (W1A1, W2A2 ...);
#   2. compile it to C with --emit-main, build it, run it on the 297 bundled
#      held-out digits and print its accuracy;
#   3. the same model built with --float-acts (activations kept in float):
#      same outputs, and the speed of both on this machine.
# Needs only the build dependencies (tools/install-deps.sh); builds only tnnc.
set -eu
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build
ninja -C build tnnc
ex=examples/digits_bnn
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CC=${CC:-cc}
cflags="-std=c99 -O2 -march=native -Wall -Wextra -Werror"

echo
echo "== build/tnnc --report $ex/model.onnx"
build/tnnc --report "$ex/model.onnx"

echo
echo "== compile to C, build, run on the bundled held-out digits"
build/tnnc "$ex/model.onnx" -o "$out/digits.c" --emit-main
build/tnnc "$ex/model.onnx" -o "$out/digits_float.c" --emit-main --float-acts
# the three builds at once
# shellcheck disable=SC2086
$CC $cflags "$out/digits.c" -o "$out/digits" -lm & p1=$!
# shellcheck disable=SC2086
$CC $cflags "$out/digits_float.c" -o "$out/digits_float" -lm & p2=$!
$CC -std=c99 -O2 -Wall -Wextra -Werror "$ex/npyutil.c" -o "$out/npyutil"
wait $p1 && wait $p2
echo "build/tnnc $ex/model.onnx -o digits.c --emit-main: $(wc -c < "$out/digits.c") bytes of C" \
     "($(wc -c < "$ex/model.onnx") bytes of ONNX); $CC $cflags digits.c -lm"
"$out/digits" "$ex/samples.npy" "$out/logits.npy"
"$out/npyutil" accuracy "$out/logits.npy" "$ex/labels.npy"
"$out/digits_float" "$ex/samples.npy" "$out/logits_float.npy"
cmp -s "$out/logits.npy" "$out/logits_float.npy" \
  && echo "the --float-acts build gives the same logits, bit for bit" \
  || { echo "the --float-acts build's logits differ"; exit 1; }

echo
echo "== speed: packed bits against --float-acts, one thread"
n=$("$out/npyutil" tile "$ex/samples.npy" "${DEMO_REPS:-6}" "$out/many.npy")
ns() { local t0 t1; t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N); echo $((t1 - t0)); }
packed=$(ns "$out/digits" "$out/many.npy" "$out/o.npy")
float=$(ns "$out/digits_float" "$out/many.npy" "$out/o.npy")
awk -v p="$packed" -v f="$float" -v n="$n" 'BEGIN {
  printf "%d images: packed (XOR/popcount) %.4f ms/image, --float-acts %.4f ms/image: %.1fx faster\n",
         n, p / 1e6 / n, f / 1e6 / n, f / p }'
