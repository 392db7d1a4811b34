#!/usr/bin/env bash
# Cortex-M figures (issue 18): the TFC models of ../shared/models/real and two
# CNN fixtures compiled by tnnc, run bare metal under qemu-system-arm
# (mps2-an386 Cortex-M4F, mps2-an500 Cortex-M7, -icount shift=0), outputs
# checked against the x86 build; prints per model and core flash, RAM,
# stack high-water mark and instructions per inference of the packed build
# and of its --float-acts twin (tests/mcu/run_mcu.js --table).
#   bash benchmarks/mcu.sh      (MCU_OPT=-Os for a size-optimized build;
#                               exits 0 with one line when the tools are missing)
set -eu
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build
ninja -C build tnnc >/dev/null
rc=0
TNNC=${TNNC:-$(pwd)/build/tnnc} node tests/mcu/run_mcu.js --table || rc=$?
[ "$rc" -eq 77 ] && rc=0   # no arm-none-eabi-gcc / qemu-system-arm: said so, not an error
exit "$rc"
