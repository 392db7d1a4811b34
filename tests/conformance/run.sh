#!/usr/bin/env bash
# The ONNX backend conformance suite (Debian's libonnx-testdata) over every
# test whose operators tnnc supports: fails on any failure; refusals are
# counted and listed.  Skips (exit 77) when the suite is not installed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
data=${ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}
if [ ! -d "$data/node" ]; then
  echo "conformance: $data not found (apt-get install libonnx-testdata); skipped"
  exit 77
fi
dirs=()
for d in node pytorch-converted pytorch-operator simple; do
  [ -d "$data/$d" ] && dirs+=("$data/$d")
done
exec node "$here/run_conformance.js" --tnnc "${TNNC:-$here/../../build/tnnc}" \
  --jobs "${JOBS:-2}" --supported-only "$@" "${dirs[@]}"
