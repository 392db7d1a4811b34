#!/usr/bin/env bash
# The main job on the bundled example: compile a digits CNN (trained with
# PyTorch on scikit-learn's 8x8 digits, exported to ONNX with a dynamic batch)
# to C, build that C, run it on 16 bundled images and print its predictions.
set -eu
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build
ninja -C build
ex=tests/e2e/models/torch_digits_cnn
out=$(mktemp -d)
build/tnnc "$ex/model.onnx" -o "$out/digits.c" --emit-main
cc -std=c99 -O2 -Wall -Wextra -Werror "$out/digits.c" -o "$out/digits" -lm
echo "compiled $ex/model.onnx -> $out/digits.c ($(wc -c < "$out/digits.c") bytes), built $out/digits"
"$out/digits" "$ex/input_0.npy" -
