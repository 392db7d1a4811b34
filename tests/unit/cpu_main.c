/* main() for a unit-test binary compiled for an instruction set beyond the
 * build's baseline (tests/meson.build: test_ops_nn_simd): when this CPU
 * cannot run what the file was compiled for, the whole binary skips (exit
 * 77, meson's skip code) with one line saying why, instead of dying on the
 * first illegal instruction.  The needs follow the compiler's own macros,
 * so the check is the one the -m flags imply. */
#include <criterion/criterion.h>
#include <stdio.h>

static const char *missing_feature(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
#if defined(__AVX512F__)
  if (!__builtin_cpu_supports("avx512f")) return "avx512f";
#endif
#if defined(__AVX512BW__)
  if (!__builtin_cpu_supports("avx512bw")) return "avx512bw";
#endif
#if defined(__AVX512DQ__)
  if (!__builtin_cpu_supports("avx512dq")) return "avx512dq";
#endif
#if defined(__AVX512VPOPCNTDQ__)
  if (!__builtin_cpu_supports("avx512vpopcntdq")) return "avx512vpopcntdq";
#endif
#if defined(__AVX512VNNI__)
  if (!__builtin_cpu_supports("avx512vnni")) return "avx512vnni";
#endif
#if defined(__AVX2__)
  if (!__builtin_cpu_supports("avx2")) return "avx2";
#endif
#if defined(__FMA__)
  if (!__builtin_cpu_supports("fma")) return "fma";
#endif
#endif
  return NULL;
}

int main(int argc, char *argv[]) {
  const char *miss = missing_feature();
  if (miss) {
    printf("skip: this CPU has no %s, which %s was compiled for\n", miss, argv[0]);
    return 77;
  }
  struct criterion_test_set *tests = criterion_initialize();
  int ok = 1;
  if (criterion_handle_args(argc, argv, true)) ok = criterion_run_all_tests(tests);
  criterion_finalize(tests);
  return ok ? 0 : 1;
}
