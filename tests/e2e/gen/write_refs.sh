#!/usr/bin/env bash
# Write onnxruntime's outputs as ref_K.npy into model folders.
#
#   write_refs.sh [MODEL_DIR...]   (default: every tests/e2e/models/*/ with a model.onnx)
#
# Each folder holds model.onnx (or model.path, relative to the repository
# root) and input_K.npy; a `stacked` file makes ort_check.js run the batch
# one sample at a time.  Needs /usr/bin/python3 with onnx (to count the
# outputs), node, and onnxruntime-node ($ORT_NODE_MODULES, default
# tests/e2e/node_modules).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
export ORT_NODE_MODULES=${ORT_NODE_MODULES:-$here/node_modules}
dirs=("$@")
if [ ${#dirs[@]} -eq 0 ]; then
  # default: the generated fixtures (folders with their own model.onnx)
  for m in "$here"/models/*/model.onnx; do dirs+=("$(dirname "$m")"); done
fi
fail=0
for dir in "${dirs[@]}"; do
  dir=${dir%/}
  if [ -f "$dir/model.path" ]; then model="$root/$(cat "$dir/model.path")"; else model="$dir/model.onnx"; fi
  # QONNX fixtures: onnxruntime runs the standard-op twin
  [ -f "$dir/ref_model.onnx" ] && model="$dir/ref_model.onnx"
  n_out=$(/usr/bin/python3 -c 'import onnx,sys; print(len(onnx.load(sys.argv[1]).graph.output))' "$model")
  ins=(); outs=()
  for i in $(seq 0 15); do [ -f "$dir/input_$i.npy" ] && ins+=("$dir/input_$i.npy"); done
  for i in $(seq 0 $((n_out - 1))); do outs+=("$dir/ref_$i.npy"); done
  stacked=()
  [ -f "$dir/stacked" ] && stacked=(--stacked)
  rm -f "$dir"/ref_*.npy
  if ! node "$here/ort_check.js" "$model" --inputs "${ins[@]}" --write "${outs[@]}" "${stacked[@]}"; then
    fail=1
  fi
done
exit $fail
