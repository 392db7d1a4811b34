#!/usr/bin/env bash
# The embedding contract of the generated code: stack and alignment.
#
#  1. Every kernel's stack: for each kernel of the runtime (TNN_KERNELS), the
#     deepest call path from a wrapper calling it, in gcc -O2 builds with
#     and without -march=native (this host's widest SIMD variant), must be
#     at most its family's bound TNN_STACK_<kind> (runtime/tnn_runtime.h).
#  2. Every e2e fixture (tests/e2e/models/*) measured on the real build:
#     tnnc writes the C, gcc -O2 compiles it (as is and with -march=native);
#     the deepest call path from the run function must be at most the
#     header's <P>_STACK_BYTES and at most 8 KiB; the header has
#     <P>_WORKSPACE_ALIGN.
#  3. A misaligned workspace: the run function returns 3 and writes nothing
#     (tests/stack/misaligned.c, under -fsanitize=undefined).
# Depths come from gcc -fstack-usage -fcallgraph-info=su through
# stack_depth.awk, each library function (memcpy, expf ...) counted as
# EXTERN bytes.
#
#   run_stack.sh [MODEL_DIR...]      (default: all of tests/e2e/models/*)
#
# Env: TNNC (the compiler), VERBOSE=1 prints every figure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
TNNC=${TNNC:-$root/build/tnnc}
EXTERN=256
LIMIT=8192
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

variants=("")
echo 'int main(void){return 0;}' > "$work/probe.c"
gcc -march=native -c "$work/probe.c" -o "$work/probe.o" 2>/dev/null && variants+=("-march=native")

depth() {   # depth FUNCTION CI_FILE -> "BYTES PATH"
  awk -v root="$1" -v extern=$EXTERN -f "$here/stack_depth.awk" "$2"
}

# ---- 1. kernels against TNN_STACK_<kind>
cat > "$work/list.c" <<'C'
#include <stdio.h>
#include "tnn_runtime.h"
int main(void) {
#define K(name, kind) printf("%s %s %d\n", #name, #kind, (int)TNN_STACK_##kind);
  TNN_KERNELS(K)
  return 0;
}
C
cat > "$work/kern.c" <<'C'
#include "tnn_runtime.h"
#define K(name, kind)                                                          \
  int stack_##name(const void *p, const void *const *in, void *const *out);    \
  int stack_##name(const void *p, const void *const *in, void *const *out) {   \
    return tnn_##name(p, in, out);                                             \
  }
TNN_KERNELS(K)
C
if ! gcc -std=c99 -I"$root/runtime" "$work/list.c" -o "$work/list" -lm || ! "$work/list" > "$work/kernels.txt"; then
  echo "FAIL: listing the kernels"; exit 1
fi
nk=0
for v in "${variants[@]}"; do
  # shellcheck disable=SC2086
  if ! (cd "$work" && gcc -std=c99 -O2 $v -I"$root/runtime" -fstack-usage -fcallgraph-info=su -c kern.c -o kern.o); then
    echo "FAIL: kernels, gcc -O2 $v"; fail=1; continue
  fi
  while read -r name kind bound; do
    if ! res=$(depth "stack_$name" "$work/kern.ci" 2>&1); then
      echo "FAIL kernel $name (-O2 $v): $res"; fail=1; continue
    fi
    used=${res%% *}
    nk=$((nk + 1))
    [ "${VERBOSE:-0}" = 1 ] && echo "kernel $name -O2 $v: $used of TNN_STACK_$kind $bound: ${res#* }"
    if [ "$used" -gt "$bound" ]; then
      echo "FAIL kernel $name (-O2 $v): stack $used bytes, TNN_STACK_$kind $bound: ${res#* }"; fail=1
    fi
  done < "$work/kernels.txt"
done
echo "$nk kernel builds within their TNN_STACK_<kind>"

# ---- 2. e2e fixtures against <P>_STACK_BYTES and 8 KiB
count=0 max=0 maxname=""
if [ $# -gt 0 ]; then dirs=("$@"); else dirs=("$root"/tests/e2e/models/*/); fi
for dir in "${dirs[@]}"; do
  dir=${dir%/}
  name=$(basename "$dir")
  w="$work/$name"
  mkdir -p "$w"
  if [ -f "$dir/model.path" ]; then model="$root/$(cat "$dir/model.path")"; else model="$dir/model.onnx"; fi
  flags=$(cat "$dir/flags" 2>/dev/null || true)
  # shellcheck disable=SC2086
  if ! "$TNNC" "$model" -o "$w/model.c" --prefix net $flags 2> "$w/tnnc.err"; then
    echo "FAIL $name: tnnc: $(head -c 600 "$w/tnnc.err")"; fail=1; continue
  fi
  bound=$(sed -n 's/^#define NET_STACK_BYTES \([0-9]*\)$/\1/p' "$w/model.h")
  if [ -z "$bound" ] || ! grep -q '^#define NET_WORKSPACE_ALIGN [0-9]' "$w/model.h"; then
    echo "FAIL $name: model.h lacks NET_STACK_BYTES or NET_WORKSPACE_ALIGN"; fail=1; continue
  fi
  for v in "${variants[@]}"; do
    # shellcheck disable=SC2086
    if ! (cd "$w" && gcc -std=c99 -O2 $v -fstack-usage -fcallgraph-info=su -c model.c -o model.o 2> cc.err); then
      echo "FAIL $name: gcc -O2 $v: $(head -c 600 "$w/cc.err")"; fail=1; continue
    fi
    if ! res=$(depth net_run "$w/model.ci" 2>&1); then
      echo "FAIL $name (-O2 $v): $res"; fail=1; continue
    fi
    used=${res%% *}
    count=$((count + 1))
    [ "$used" -gt "$max" ] && max=$used maxname="$name -O2 $v"
    [ "${VERBOSE:-0}" = 1 ] && echo "$name -O2 $v: $used of $bound: ${res#* }"
    if [ "$used" -gt "$bound" ] || [ "$used" -gt $LIMIT ]; then
      echo "FAIL $name (-O2 $v): stack $used bytes, NET_STACK_BYTES $bound, limit $LIMIT: ${res#* }"; fail=1
    fi
  done
  rm -f "$w"/model.o
done
echo "$count fixture builds within NET_STACK_BYTES and $LIMIT bytes; deepest: $max bytes ($maxname)"

# ---- 3. a misaligned workspace
m="$work/misaligned"
mkdir -p "$m"
for fx in qa_resnet_w1a1 torch_digits_cnn; do
  if ! "$TNNC" "$root/tests/e2e/models/$fx/model.onnx" -o "$m/model.c" --prefix net 2> "$m/tnnc.err" ||
     ! gcc -std=c99 -O2 -Wall -Wextra -Werror -fsanitize=undefined -fno-sanitize-recover=all \
         -I"$m" "$here/misaligned.c" -o "$m/prog" -lm 2> "$m/cc.err" ||
     ! "$m/prog" 2> "$m/run.err"; then
    echo "FAIL misaligned workspace ($fx): $(head -c 600 "$m/tnnc.err" "$m/cc.err" "$m/run.err")"; fail=1
  else
    echo "PASS misaligned workspace ($fx): returns 3, writes nothing"
  fi
done
exit $fail
