#!/usr/bin/env bash
# Installs what tnnc needs on Debian 12.
#   tools/install-deps.sh          build dependencies (with LLVM 19 and
#                                  clang-19 for the LLVM backend, and the C
#                                  library headers of aarch64, riscv64 and
#                                  Cortex-M it compiles the kernels against)
#   tools/install-deps.sh --test   also the test dependencies (clang and its
#                                  sanitizer/fuzzer runtimes, Criterion, the ONNX
#                                  backend test data, the aarch64, riscv64 and
#                                  Cortex-M cross compilers and qemu, python3-onnx for
#                                  the differential tester's graph generator,
#                                  onnxruntime-node from npm)
#   tools/install-deps.sh --bench  the test dependencies and what
#                                  benchmarks/run.sh needs (python3-torch and
#                                  python3-onnx to export the models,
#                                  gcc-arm-none-eabi for the Cortex-M4 size,
#                                  gnuplot-nox for the plot)
set -eu
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
pkgs="meson ninja-build gcc pkg-config libprotobuf-c-dev protobuf-c-compiler libonnx-dev"
pkgs="$pkgs clang-19 llvm-19-dev libc6-dev-arm64-cross libc6-dev-riscv64-cross libnewlib-arm-none-eabi"
mode=${1:-}
if [ "$mode" = "--test" ] || [ "$mode" = "--bench" ]; then
  pkgs="$pkgs clang libclang-rt-14-dev libcriterion-dev libonnx-testdata gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu qemu-user"
  pkgs="$pkgs gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm python3-onnx python3-numpy"
  command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs npm"
fi
[ "$mode" = "--bench" ] && pkgs="$pkgs python3-torch binutils gnuplot-nox"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
if { [ "$mode" = "--test" ] || [ "$mode" = "--bench" ]; } && [ ! -d tests/e2e/node_modules/onnxruntime-node ]; then
  # The package's install script downloads GPU providers; the CPU runtime is
  # inside the package, so skip it.
  (cd tests/e2e && ONNXRUNTIME_NODE_INSTALL=skip npm ci --ignore-scripts --no-audit --no-fund)
fi
