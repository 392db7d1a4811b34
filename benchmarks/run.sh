#!/usr/bin/env bash
# tnnc benchmarks, all in one run (README.md, "Benchmarks"):
#
#   bash benchmarks/run.sh [RUNS [ROUNDS]]   RUNS timed runs per measurement
#                                            (default 20), ROUNDS alternating
#                                            tnnc/onnxruntime rounds (default 5)
#
#  1. the machine's ceilings: ../shared/tools/roofline (3 rounds);
#  2. the packed kernels at the benchmark models' layer shapes
#     (benchmarks/bench_kernels.c), as a fraction of those ceilings;
#  3. each model of benchmarks/gen_models.py: tnnc compiles it for this
#     host's best target, the program's per-image latency on one thread
#     (median of RUNS after 3 warm-ups) against onnxruntime running the
#     float32 twin (one thread, all graph optimizations) in the same run,
#     alternating ROUNDS times (this machine is shared and noisy: the table
#     gives the median over rounds of each, and the median of the per-round
#     ratios),
#     peak RSS, code and constant bytes; in the same rounds the same C
#     built by clang-19 and the LLVM backend's object (--emit=obj), each
#     against onnxruntime too;
#  4. threads: VGG-7 W2A2, ResNet-18 and the ternary CNN with --threads=2
#     against the same C on one thread and onnxruntime with 1 and 2
#     intra-op threads, alternating ROUNDS times;
#  5. every model built for aarch64 and run under qemu-aarch64, outputs
#     checked against the host build; the TFC models' code size for a
#     Cortex-M4 (arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb);
#  6. benchmarks/results/results.md (tables) and results.png (plot), made
#     by benchmarks/report.js from the raw figures in benchmarks/results/.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
RUNS=${1:-20}
ROUNDS=${2:-5}
bash tools/install-deps.sh --bench
[ -f build/build.ninja ] || meson setup build
ninja -C build
out=$root/benchmarks/results
models=$root/benchmarks/models
mkdir -p "$out"
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT

echo "== models (torch export)"
for m in resnet18_w1a1 vgg7_w2a2 vgg7_sq tfc_w1a1 cnn_w2a8 cnn_w2a8q; do
  [ -f "$models/$m.onnx" ] || /usr/bin/python3 benchmarks/gen_models.py --only "$m"
done

target=generic
flags=()
if grep -qw avx512bw /proc/cpuinfo && grep -qw avx512f /proc/cpuinfo; then
  target=x86-64-v4
  flags=(-march=x86-64-v4)
  # the packed kernels' AVX-512 variant needs VPOPCNTDQ, which x86-64-v4
  # lacks: name it in the target too, or tnnc plans the AVX2 layouts
  if grep -qw avx512_vpopcntdq /proc/cpuinfo; then
    target=x86-64-v4+vpopcntdq
    flags+=(-mavx512vpopcntdq)
  fi
  # and the 8-bit kernels' vpdpbusd body needs VNNI
  if grep -qw avx512_vnni /proc/cpuinfo; then
    target=$target+avx512vnni
    flags+=(-mavx512vnni)
  fi
elif grep -qw avx2 /proc/cpuinfo; then
  target=x86-64-v3
  flags=(-march=x86-64-v3)
fi

echo "== roofline"
shared=$root/../shared/tools/roofline
if [ -f "$shared/roofline.c" ]; then
  gcc -O2 -march=native "$shared/roofline.c" -o "$w/roofline" -lm
  "$w/roofline" 3 > "$out/roofline.txt" 2>/dev/null
else
  echo "roofline: $shared not found" > "$out/roofline.txt"
fi

echo "== kernels"
gcc -O3 -std=c99 "${flags[@]}" benchmarks/bench_kernels.c -o "$w/bench_kernels" -lm
"$w/bench_kernels" 15 | tee "$out/kernels.txt"

echo "== models: tnnc ($target) vs onnxruntime fp32"
: > "$out/models.tsv"
for m in tfc_w1a1 cnn_w2a8 cnn_w2a8q vgg7_w2a2 vgg7_sq resnet18_w1a1; do
  d=$w/$m
  mkdir -p "$d"
  build/tnnc "$models/$m.onnx" -o "$d/net.c" --prefix net --target="$target"
  gcc -O3 -std=c99 "${flags[@]}" -I"$d" "$d/net.c" benchmarks/bench_model.c -o "$d/bench" -lm
  gcc -O3 -std=c99 "${flags[@]}" -c "$d/net.c" -o "$d/net.o"
  # the same C built by clang, and the LLVM backend's object (same header)
  clang-19 -O3 -std=c99 "${flags[@]}" -I"$d" "$d/net.c" benchmarks/bench_model.c -o "$d/bench_clang" -lm
  mkdir -p "$d/llvm"
  build/tnnc "$models/$m.onnx" -o "$d/llvm/net.o" --emit=obj --prefix net --target="$target"
  gcc -O3 -std=c99 -I"$d/llvm" benchmarks/bench_model.c "$d/llvm/net.o" -o "$d/bench_llvm" -lm
  read -r text consts < <(size -A "$d/net.o" | awk '/^\.text/ {t += $2} /^\.(rodata|data)/ {c += $2} END {print t + 0, c + 0}')
  shape=$(/usr/bin/python3 -c "import numpy as np; print(list(np.load('$models/$m.input.npy').shape))")
  tns=() orts=() tcs=() tls=()
  for ((r = 0; r < ROUNDS; r++)); do
    tns+=("$("$d/bench" "$RUNS" 3)")
    tcs+=("$("$d/bench_clang" "$RUNS" 3)")
    tls+=("$("$d/bench_llvm" "$RUNS" 3)")
    orts+=("$(INPUT_SHAPE="$shape" node benchmarks/ort_bench.js "$models/$m.float.onnx" "$RUNS" 3)")
  done
  tn=$(IFS='|'; echo "${tns[*]}")
  tc=$(IFS='|'; echo "${tcs[*]}")
  tl=$(IFS='|'; echo "${tls[*]}")
  ort=$(IFS='|'; echo "${orts[*]}")
  # aarch64: the same model, outputs against the host build's
  arm=skipped
  if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
    build/tnnc "$models/$m.onnx" -o "$d/main.c" --emit-main
    gcc -O2 -std=c99 "$d/main.c" -o "$d/host" -lm
    aarch64-linux-gnu-gcc -O2 -std=c99 -static "$d/main.c" -o "$d/arm" -lm
    "$d/host" "$models/$m.input.npy" "$d/h.npy"
    qemu-aarch64 "$d/arm" "$models/$m.input.npy" "$d/a.npy"
    arm=$(node -e '
      const fs=require("fs");const r=f=>{const b=fs.readFileSync(f);const h=b.readUInt16LE(8);return new Float32Array(b.buffer.slice(b.byteOffset+10+h,b.byteOffset+b.length));};
      const a=r(process.argv[1]),b=r(process.argv[2]);let m=0,s=1;for(let i=0;i<a.length;i++){m=Math.max(m,Math.abs(a[i]-b[i]));s=Math.max(s,Math.abs(a[i]));}
      console.log((m<=1e-4*s?"ok":"MISMATCH")+"(max-abs-diff="+m.toExponential(2)+")");' "$d/h.npy" "$d/a.npy")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$m" "$tn" "$ort" "$text" "$consts" "$arm" "$tc" "$tl" | tee -a "$out/models.tsv"
done

echo "== threads: tnnc --threads=2 vs one thread, onnxruntime 1 and 2 intra-op threads"
: > "$out/threads.tsv"
for m in vgg7_w2a2 resnet18_w1a1 cnn_w2a8 cnn_w2a8q; do
  d=$w/$m
  mkdir -p "$d/t2"
  build/tnnc "$models/$m.onnx" -o "$d/t2/net.c" --prefix net --target="$target" --threads=2
  gcc -O3 -std=c99 -pthread "${flags[@]}" -I"$d/t2" "$d/t2/net.c" benchmarks/bench_model.c -o "$d/bench_t2" -lm
  shape=$(/usr/bin/python3 -c "import numpy as np; print(list(np.load('$models/$m.input.npy').shape))")
  t1s=() t2s=() o1s=() o2s=()
  for ((r = 0; r < ROUNDS; r++)); do
    t1s+=("$("$d/bench" "$RUNS" 3)")
    t2s+=("$("$d/bench_t2" "$RUNS" 3)")
    o1s+=("$(INPUT_SHAPE="$shape" node benchmarks/ort_bench.js "$models/$m.float.onnx" "$RUNS" 3)")
    o2s+=("$(ORT_THREADS=2 INPUT_SHAPE="$shape" node benchmarks/ort_bench.js "$models/$m.float.onnx" "$RUNS" 3)")
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$m" "$(grep -c 'return tnn_par_run(node' "$d/t2/net.c")" \
    "$(IFS='|'; echo "${t1s[*]}")" "$(IFS='|'; echo "${t2s[*]}")" \
    "$(IFS='|'; echo "${o1s[*]}")" "$(IFS='|'; echo "${o2s[*]}")" | tee -a "$out/threads.tsv"
done

echo "== 8-bit activations: tnnc vs onnxruntime fp32 (float twin) and int8 (QDQ twin)"
: > "$out/int8.tsv"
# the roofline's ceilings of this run, GMAC/s per layer class, for the profile
ceil() { awk -v k="$1" 'index($0, k) {print $(NF - 1); exit}' "$out/roofline.txt"; }
ceilings="w1a1=$(ceil 'W1A1 vpxorq+vpopcntq+vpaddq zmm'),w2a2=$(ceil 'W2A2 vpandq'),i8=$(ceil 'int8 vpdpbusd zmm'),f32=$(ceil 'fp32 FMA zmm')"
for m in cnn_w2a8q; do
  d=$w/$m
  [ -f "$models/$m.int8.onnx" ] || continue
  shape=$(/usr/bin/python3 -c "import numpy as np; print(list(np.load('$models/$m.input.npy').shape))")
  ts=() fs=() qs=()
  for ((r = 0; r < ROUNDS; r++)); do
    ts+=("$("$d/bench" "$RUNS" 3)")
    fs+=("$(INPUT_SHAPE="$shape" node benchmarks/ort_bench.js "$models/$m.float.onnx" "$RUNS" 3)")
    qs+=("$(INPUT_SHAPE="$shape" node benchmarks/ort_bench.js "$models/$m.int8.onnx" "$RUNS" 3)")
  done
  printf '%s\t%s\t%s\t%s\n' "$m" "$(IFS='|'; echo "${ts[*]}")" "$(IFS='|'; echo "${fs[*]}")" \
    "$(IFS='|'; echo "${qs[*]}")" | tee -a "$out/int8.tsv"
  # its per-layer profile, as a fraction of the same run's ceilings
  build/tnnc "$models/$m.onnx" -o "$d/prof.c" --profile --target="$target"
  gcc -O3 -std=c99 "${flags[@]}" "$d/prof.c" -o "$d/prof" -lm
  TNN_PROF_CEILINGS="$ceilings" "$d/prof" --runs 200 "$models/$m.input.npy" "$d/prof.npy" \
    > "$out/profile_$m.txt" 2>&1
  cat "$out/profile_$m.txt"
done

echo "== Cortex-M4 code size"
: > "$out/cortex_m4.tsv"
if command -v arm-none-eabi-gcc >/dev/null; then
  for f in "$models/tfc_w1a1.onnx" "$root/../shared/models/real/tfc_w1a1_qonnx.onnx" \
           "$root/../shared/models/real/tfc_w2a2_qonnx.onnx"; do
    [ -f "$f" ] || continue
    n=$(basename "$f" .onnx)
    build/tnnc "$f" -o "$w/$n.c" --prefix net --target=generic
    arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb -std=c99 -ffunction-sections -c "$w/$n.c" -o "$w/$n.o"
    read -r text consts < <(arm-none-eabi-size -A "$w/$n.o" | awk '/^\.text/ {t += $2} /^\.(rodata|data)/ {c += $2} END {print t + 0, c + 0}')
    printf '%s\t%s\t%s\n' "$n" "$text" "$consts" | tee -a "$out/cortex_m4.tsv"
  done
fi

echo "== Cortex-M4/M7 under qemu-system-arm: flash, RAM, stack, instructions per inference"
bash benchmarks/mcu.sh | tee "$out/mcu.txt"

node benchmarks/report.js "$out"
echo "benchmarks: results in benchmarks/results/results.md and results.png"
