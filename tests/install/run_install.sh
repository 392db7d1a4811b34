#!/usr/bin/env bash
# `meson install` into a temporary DESTDIR: the binary, tnnc(1), the header,
# the static library, its pkg-config file and the bash completion are where
# they belong; a C program using <tnnc.h> builds against the installed
# library through tnnc.pc (PKG_CONFIG_PATH, PKG_CONFIG_SYSROOT_DIR) and
# compiles a model; the man page and the completion know every option of
# the installed `tnnc --help`.
#   run_install.sh BUILD_DIR     (env: MESON, default meson; CC, CFLAGS_EXTRA)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: run_install.sh BUILD_DIR}" && pwd)
command -v pkg-config >/dev/null || { echo "install: pkg-config not found; skipped"; exit 77; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

d=$w/root
if ! ${MESON:-meson} install -C "$build" --destdir "$d" --no-rebuild > "$w/install.log" 2>&1; then
  echo "FAIL meson install: $(tail -n 5 "$w/install.log")"; exit 1
fi
# installed path of each file (under the configured prefix and libdir)
at() { find "$d" -path "*/$1" -type f | head -n 1; }
bin=$(at bin/tnnc) man=$(at share/man/man1/tnnc.1) hdr=$(at include/tnnc.h)
lib=$(at 'lib*/libtnnc.a') pc=$(at pkgconfig/tnnc.pc) comp=$(at share/bash-completion/completions/tnnc)
for f in bin man hdr lib pc comp; do
  [ -n "${!f}" ] && ok "installed ${!f#"$d"}" || ko "$f not installed: $(find "$d" -type f | sed "s|$d||" | tr '\n' ' ')"
done
[ -n "$bin" ] && [ -n "$pc" ] && [ -n "$comp" ] && [ -n "$man" ] || { echo "install: $pass passed, $fail failed"; exit 1; }

"$bin" --version | grep -q '^tnnc [0-9]' && ok "installed tnnc runs" || ko "installed tnnc --version"

# a library user, built with nothing but what pkg-config says
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$d
flags=$(pkg-config --cflags --libs tnnc 2> "$w/pc.err")
model=$root/tests/e2e/models/torch_digits_cnn/model.onnx
# shellcheck disable=SC2086
# (CFLAGS_EXTRA: the sanitizer flags the library of build-san was built with)
if ${CC:-cc} -std=c99 -Wall -Wextra -Werror ${CFLAGS_EXTRA:-} "$here/use_lib.c" -o "$w/use_lib" $flags 2> "$w/cc.err"; then
  ok "a <tnnc.h> program links against the installed lib ($flags)"
  if "$w/use_lib" "$model" "$w/digits.c" > "$w/use.out" 2>&1 && grep -q 'int digits_run(' "$w/digits.h" \
     && ${CC:-cc} -std=c99 -Wall -Wextra -Werror -c "$w/digits.c" -o "$w/digits.o" 2> "$w/cc2.err"; then
    ok "it compiles a model with tnnc_compile, and the C builds"
  else
    ko "tnnc_compile through the installed lib: $(cat "$w/use.out" "$w/cc2.err" 2>/dev/null | head -c 400)"
  fi
else
  ko "linking against the installed lib ($flags): $(cat "$w/pc.err" "$w/cc.err" | head -c 600)"
fi

# every long option of --help in the man page and offered by the completion
opts=$("$bin" --help | grep -E -- '^  (-[a-z], )?--[a-z]' | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
missing=""
for o in $opts; do grep -q -- "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" "$man" || missing="$missing $o"; done
[ -z "$missing" ] && ok "tnnc(1) documents all $(echo "$opts" | wc -l) options of --help" || ko "tnnc(1) lacks:$missing"
grep -q '^\.SH EXIT STATUS' "$man" && grep -q '^\.B 3$' "$man" && ok "tnnc(1) has the exit codes" || ko "tnnc(1) exit status section"
offered=$(PATH=$(dirname "$bin"):$PATH bash -c 'source "$1"; COMP_LINE="tnnc --"; COMP_POINT=${#COMP_LINE}
  _tnnc; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" | sed 's/=$//' | sort -u)
if [ "$(comm -23 <(echo "$opts") <(echo "$offered"))" = "" ]; then
  ok "the completion offers every option"
else
  ko "the completion lacks: $(comm -23 <(echo "$opts") <(echo "$offered") | tr '\n' ' ')"
fi
val=$(PATH=$(dirname "$bin"):$PATH bash -c 'source "$1"; COMP_LINE="tnnc m.onnx --target=x86-64-v"; COMP_POINT=${#COMP_LINE}
  _tnnc; echo "${COMPREPLY[*]}"' _ "$comp")
[ "$val" = "x86-64-v2 x86-64-v3 x86-64-v4" ] && ok "the completion completes --target= values" || ko "--target= completion: '$val'"

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
