#!/usr/bin/env bash
# The binary/ternary weight kernels built for aarch64 (NEON) with
# aarch64-linux-gnu-gcc and run under qemu-aarch64: the NEON variant against
# the scalar reference and a naive float reference (tests/cross/bitw_check.c),
# and a generated model's C built for aarch64 whose outputs must equal the
# host build's.  Exits 77 (skipped) without the cross compiler or qemu.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TNNC=${TNNC:-$root/build/tnnc}
CROSS=${CROSS_CC:-aarch64-linux-gnu-gcc}
QEMU=${QEMU:-qemu-aarch64}
command -v "$CROSS" >/dev/null && command -v "$QEMU" >/dev/null || {
  echo "aarch64: $CROSS or $QEMU not found; skipped"; exit 77; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
fail=0
"$CROSS" -std=c99 -O2 -Wall -Wextra -Werror -static "$here/bitw_check.c" -o "$w/check" -lm \
  && "$QEMU" "$w/check" || fail=1
"$CROSS" -std=c99 -O2 -Wall -Wextra -Werror -static "$here/bitact_check.c" -o "$w/bacheck" -lm \
  && "$QEMU" "$w/bacheck" || fail=1
# whole models: host and aarch64 builds agree on their outputs (bit for bit
# where the float parts round alike, else within 1e-4 of the output scale)
model_check() {              # model_check NAME MODEL.onnx INPUT.npy OUTBYTES [tnnc flags...]
  local name=$1 model=$2 input=$3 bytes=$4; shift 4
  if "$TNNC" "$model" -o "$w/m.c" --emit-main "$@" \
     && gcc -std=c99 -O2 "$w/m.c" -o "$w/host" -lm \
     && "$CROSS" -std=c99 -O2 -Wall -Wextra -Werror -static "$w/m.c" -o "$w/arm" -lm \
     && "$w/host" "$input" "$w/h.npy" && "$QEMU" "$w/arm" "$input" "$w/a.npy"; then
    if cmp -s <(tail -c "$bytes" "$w/h.npy") <(tail -c "$bytes" "$w/a.npy"); then
      echo "PASS $name: aarch64 output equals the host's"
    else
      node -e '
        const fs=require("fs");const r=f=>{const b=fs.readFileSync(f);const h=b.readUInt16LE(8);return new Float32Array(b.buffer.slice(b.byteOffset+10+h,b.byteOffset+b.length));};
        const a=r(process.argv[1]),b=r(process.argv[2]);let m=0,s=1;for(let i=0;i<a.length;i++){m=Math.max(m,Math.abs(a[i]-b[i]));s=Math.max(s,Math.abs(a[i]));}
        console.log((m<=1e-4*s?"PASS":"FAIL")+" "+process.argv[3]+": aarch64 vs host max abs error "+m);process.exit(m<=1e-4*s?0:1);' "$w/h.npy" "$w/a.npy" "$name" || fail=1
    fi
  else
    echo "FAIL $name: building or running the model for aarch64"; fail=1
  fi
}
m=$root/tests/e2e/models
model_check "ternary digits CNN" "$m/torch_digits_cnn/model.onnx" "$m/torch_digits_cnn/input_0.npy" 640 \
  --batch 16 --quantize=ternary --quantize-all
# packed activations (XOR/popcount, NEON): binary/ternary CNN with pooling
model_check "W1A1/W2A2 pooled CNN" "$m/qa_cnn_pool_w1a1_w2a2/model.onnx" \
  "$m/qa_cnn_pool_w1a1_w2a2/input_0.npy" 11880
model_check "Bi-Real residual net" "$m/qa_resnet_w1a1/model.onnx" "$m/qa_resnet_w1a1/input_0.npy" 11880
# 8- and 4-bit activations on the integer dot (scalar on aarch64): W2A8 conv, W2A4 Gemm
model_check "W2A8/W2A4 int8 net" "$m/q8_qdq_conv_fq4_mlp/model.onnx" "$m/q8_qdq_conv_fq4_mlp/input_0.npy" 40
exit $fail
