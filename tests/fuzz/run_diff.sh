#!/usr/bin/env bash
# Differential testing of tnnc against onnxruntime on random valid ONNX graphs
# (tests/fuzz/diff/: gen.py makes the graphs, driver.js compiles each with
# tnnc, builds the C with ASan+UBSan, runs it and compares with onnxruntime;
# graphs with activation quantizers also compare the packed build with
# --float-acts bit for bit).
#
#   tests/fuzz/run_diff.sh N [SEED]      (default N=200, SEED=1)
#
# First checks the kept regression fixtures tests/fuzz/diff/cases/*/ (made
# by cases/make_cases.py; a `cases: ...` line), then N random graphs.
# Prints `diff: P passed, M failed, R refused` and the cases line last and exits 1 if any graph
# failed.  Every failing graph (model, inputs, onnxruntime's and tnnc's
# outputs, the C, the logs, reason.txt) is kept under build/diff-failures/
# (DIFF_FAILURES to change it); `node tests/fuzz/diff/driver.js --only
# gS_I` rechecks one.  Env: TNNC, CC, DIFF_CFLAGS, JOBS (default 2),
# ORT_NODE_MODULES.  A graph tnnc refuses (exit 1, a diagnostic) is counted
# as refused, not failed; an internal error, a crash or any other exit fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
n=${1:-200}
seed=${2:-1}
export TNNC=${TNNC:-$root/build/tnnc}
export ORT_NODE_MODULES=${ORT_NODE_MODULES:-$root/tests/e2e/node_modules}
command -v node > /dev/null && [ -d "$ORT_NODE_MODULES/onnxruntime-node" ] || {
  echo "diff: node or onnxruntime-node ($ORT_NODE_MODULES) not found" \
       "(bash tools/install-deps.sh --test); skipped"; exit 77; }
"${PYTHON:-/usr/bin/python3}" -c 'import onnx, numpy' 2> /dev/null || {
  echo "diff: ${PYTHON:-/usr/bin/python3} with onnx and numpy (the graph generator) not found; skipped"
  exit 77; }
exec node "$here/diff/driver.js" --count "$n" --seed "$seed" --jobs "${JOBS:-2}" \
  --cases "$here/diff/cases" --failures "${DIFF_FAILURES:-$root/build/diff-failures}"
