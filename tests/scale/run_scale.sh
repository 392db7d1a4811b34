#!/usr/bin/env bash
# Scale: tnnc compiles a generated 1,000-layer model (Gemm + Tanh chain with
# residual Adds, tests/scale/gen_chain.c), the C builds and runs, and its
# output matches onnxruntime.  Also refuses it under --limit depth=100 and
# --limit nodes=100 with a clear message.
set -u
GEN=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TNNC=${TNNC:-$root/build/tnnc}
export ORT_NODE_MODULES=${ORT_NODE_MODULES:-$root/tests/e2e/node_modules}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

"$GEN" 1000 "$w/chain.onnx" 16 "$w/x.npy" || { echo "FAIL gen_chain"; exit 1; }
start=$(date +%s%N)
if "$TNNC" "$w/chain.onnx" -o "$w/chain.c" --emit-main 2> "$w/err.txt"; then
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  ok "1000-layer model compiles (${ms} ms, $(stat -c %s "$w/chain.c") bytes of C)"
else
  ko "1000-layer model: $(head -c 300 "$w/err.txt")"
fi
if ${CC:-gcc} -std=c99 -O1 -Wall -Wextra -Werror ${CFLAGS_EXTRA:-} "$w/chain.c" -o "$w/chain" -lm 2> "$w/cc.txt" \
   && "$w/chain" "$w/x.npy" "$w/y.npy"; then
  ok "1000-layer program builds and runs"
else
  ko "1000-layer program: $(head -c 300 "$w/cc.txt")"
fi
if out=$(node "$root/tests/e2e/ort_check.js" "$w/chain.onnx" --inputs "$w/x.npy" --got "$w/y.npy" --tol 1e-4 2>&1); then
  ok "1000-layer output matches onnxruntime: $out"
else
  ko "1000-layer output vs onnxruntime: $out"
fi
"$TNNC" "$w/chain.onnx" -o "$w/d.c" --limit depth=100 2> "$w/err.txt"
if [ $? -eq 1 ] && grep -q 'deeper than the limit of 100' "$w/err.txt" && [ ! -e "$w/d.c" ]; then
  ok "depth limit: $(head -n 1 "$w/err.txt" | cut -c1-160)"
else
  ko "depth limit: $(cat "$w/err.txt")"
fi
"$TNNC" "$w/chain.onnx" -o "$w/d.c" --limit nodes=100 2> "$w/err.txt"
if [ $? -eq 1 ] && grep -q 'more than the limit of 100' "$w/err.txt"; then
  ok "node limit: $(head -n 1 "$w/err.txt" | cut -c1-160)"
else
  ko "node limit: $(cat "$w/err.txt")"
fi
# Wide graph I/O stays linear: one output listed 40,000 times (6.3 GB and
# 30 s when graph outputs were appended by copying the whole list), and a
# 100,000-node fan-out, every node's output a graph output.  Peak RSS is
# measured with /usr/bin/time where it exists.
wide() {
  local what=$1 n=$2 max_kb=$3 max_s=$4
  if ! ASAN_OPTIONS=detect_leaks=0 "$GEN" "$what" "$n" "$w/$what.onnx"; then ko "gen_chain $what $n"; return; fi
  local start=$(date +%s%N) kb=0 rc
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$w/$what.rss" "$TNNC" "$w/$what.onnx" -o "$w/$what.c" 2> "$w/err.txt"
    rc=$?
    kb=$(tail -n 1 "$w/$what.rss")
  else
    "$TNNC" "$w/$what.onnx" -o "$w/$what.c" 2> "$w/err.txt"
    rc=$?
  fi
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ $rc -ne 0 ]; then ko "$what $n: exit $rc: $(head -c 300 "$w/err.txt")"
  elif [ "$kb" -gt "$max_kb" ] || [ $ms -gt $((max_s * 1000)) ]; then
    ko "$what $n: ${ms} ms, peak ${kb} KB (bounds ${max_s} s, ${max_kb} KB)"
  elif ! grep -q "_NUM_OUTPUTS $n\$" "$w/$what.h"; then ko "$what $n: header lacks $n outputs"
  else ok "$what $n: ${ms} ms, peak RSS ${kb} KB"; fi
  rm -f "$w/$what.c" "$w/$what.h"
}
wide repeat 40000 400000 60
wide fanout 100000 1000000 90

echo "scale: $pass passed, $fail failed"
[ $fail -eq 0 ]
