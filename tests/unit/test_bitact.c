/* Binary/ternary activation kernels (runtime/tnn_ba*.h), for whichever
 * variant this file is compiled for (tests/meson.build builds it once per
 * variant the host runs: scalar, AVX2, AVX-512 VPOPCNTDQ; the NEON build
 * runs under qemu from tests/cross): packing round trips, the variant's
 * popcount against the scalar reference, and the dot, the fully connected
 * layer (float and packed epilogues) and the first quantizer against naive
 * integer references on random rows of every length 1..300 and longer ones,
 * so every tail and every SIMD block boundary is crossed. */
#include <criterion/criterion.h>

#include "bitact_cases.h"

static void need_cpu(void) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#if defined(TNN_BA_AVX512)
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") ||
      !__builtin_cpu_supports("avx512dq") || !__builtin_cpu_supports("avx512vpopcntdq"))
    cr_skip_test("this CPU lacks one of AVX-512 F, BW, DQ and VPOPCNTDQ");
#elif defined(TNN_BA_AVX2)
  if (!__builtin_cpu_supports("avx2")) cr_skip_test("this CPU has no AVX2");
#endif
#endif
}

Test(bitact, variant) {
  need_cpu();
  cr_log_info("variant: %s", ba_variant());
}

Test(bitact, pack_round_trips) {
  need_cpu();
  char msg[256];
  cr_assert(ba_check_pack(msg, sizeof msg), "%s", msg);
}

Test(bitact, count_matches_reference) {
  need_cpu();
  char msg[256];
  cr_assert(ba_check_count(msg, sizeof msg), "%s", msg);
}

Test(bitact, dot_all_mixes) {
  need_cpu();
  char msg[256];
  cr_assert(ba_check_dot(msg, sizeof msg), "%s", msg);
}

Test(bitact, fc_float_and_packed_epilogues) {
  need_cpu();
  char msg[256];
  cr_assert(ba_check_fc(msg, sizeof msg), "%s", msg);
}

Test(bitact, conv_all_mixes_with_padding) {
  need_cpu();
  char msg[256];
  cr_assert(ba_check_conv_rows(msg, sizeof msg), "%s", msg);
}

Test(bitact, conv_blocked_layout_all_mixes_with_padding) {
  need_cpu();
  char msg[256];
  cr_assert(ba_check_conv_blocked(msg, sizeof msg), "%s", msg);
}

Test(bitact, maxpool_on_packed_images) {
  need_cpu();
  char msg[256];
  cr_assert(ba_check_maxpool(msg, sizeof msg), "%s", msg);
}

Test(bitact, first_quantizer_packs) {
  need_cpu();
  char msg[256];
  cr_assert(ba_check_pack_input(msg, sizeof msg), "%s", msg);
}
