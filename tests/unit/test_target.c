/* Unit tests of --target parsing and the kernel variants a target runs
 * (ir/target.c). */
#include "util.h"

static const Target *parse(TestCtx *c, const char *name) {
  c->arena = arena_new(0);
  c->diag = (Diag){.sink = NULL, .file = "test.onnx"};
  return target_parse(c->arena, &c->diag, name);
}

#define HAS(t, f) (((t)->features >> (f)) & 1u)

Test(target, named_levels_and_their_exact_flags) {
  static const struct {
    const char *name, *flags, *resolved;
    TargetArch arch;
  } cases[] = {
      {"generic", "", "generic", ARCH_GENERIC},
      {"x86-64-v3", "-march=x86-64-v3", "x86-64-v3", ARCH_X86_64},
      {"x86-64-v4", "-march=x86-64-v4", "x86-64-v4", ARCH_X86_64},
      {"x86-64-v4+vpopcntdq", "-march=x86-64-v4 -mavx512vpopcntdq",
       "x86-64-v4+avx512vpopcntdq", ARCH_X86_64},
      {"x86-64-v4+avx512vnni", "-march=x86-64-v4 -mavx512vnni", "x86-64-v4+avx512vnni",
       ARCH_X86_64},
      /* a feature the base has adds nothing */
      {"x86-64-v4+avx2", "-march=x86-64-v4", "x86-64-v4", ARCH_X86_64},
      {"icelake-server", "-march=icelake-server", "icelake-server", ARCH_X86_64},
      {"aarch64", "-march=armv8-a", "aarch64", ARCH_AARCH64},
      {"aarch64+dotprod", "-march=armv8.2-a+dotprod", "aarch64+dotprod", ARCH_AARCH64},
      {"armv7e-m", "-march=armv7e-m -mthumb", "armv7e-m", ARCH_ARMV7EM},
      {"cortex-m4", "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16", "cortex-m4",
       ARCH_ARMV7EM},
      {"riscv64", "-march=rv64gc -mabi=lp64d", "riscv64", ARCH_RISCV64},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    TestCtx c;
    const Target *t = parse(&c, cases[i].name);
    cr_assert(t, "%s refused", cases[i].name);
    cr_expect_str_eq(t->flags, cases[i].flags, "%s", cases[i].name);
    cr_expect_str_eq(t->resolved, cases[i].resolved, "%s", cases[i].name);
    cr_expect_eq(t->arch, cases[i].arch, "%s", cases[i].name);
    arena_free(c.arena);
  }
}

Test(target, unknown_names_and_features_are_diagnosed) {
  static const char *const bad[] = {"vax", "x86-64-v5", "x86-64-v4+dotprod", "aarch64+avx2",
                                    "riscv64+neon", "x86-64-v4+", "", "+avx2"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    TestCtx c;
    cr_expect_null(parse(&c, bad[i]), "'%s' accepted", bad[i]);
    cr_expect_eq(c.diag.nerrors, 1, "'%s'", bad[i]);
    arena_free(c.arena);
  }
}

/* The variant rules: x86-64-v4 lacks VPOPCNTDQ, so packed kernels run
 * avx2 and no padded-image scratch is planned; binary-weight kernels run
 * avx512 there. */
Test(target, variants_follow_the_features) {
  TestCtx c;
  const Target *v4 = parse(&c, "x86-64-v4");
  cr_assert(v4 && !HAS(v4, TF_AVX512VPOPCNTDQ) && HAS(v4, TF_AVX512BW));
  cr_expect_eq(target_family_variant(v4, KF_PACKED), KV_AVX2);
  cr_expect_eq(target_family_variant(v4, KF_BITW), KV_AVX512);
  cr_expect_eq(target_family_variant(v4, KF_FLOAT), KV_AVX2);
  cr_expect_not(target_plans_conv_scratch(v4));
  const Target *vp = target_parse(c.arena, &c.diag, "x86-64-v4+vpopcntdq");
  cr_expect_eq(target_family_variant(vp, KF_PACKED), KV_AVX512);
  cr_expect(target_plans_conv_scratch(vp));
  /* the packed AVX-512 body needs BW and DQ besides F and VPOPCNTDQ */
  const Target *v3p = target_parse(c.arena, &c.diag, "x86-64-v3+vpopcntdq");
  cr_expect(HAS(v3p, TF_AVX512F) && HAS(v3p, TF_AVX512VPOPCNTDQ));
  cr_expect_eq(target_family_variant(v3p, KF_PACKED), KV_AVX2);
  const Target *gen = target_parse(c.arena, &c.diag, "generic");
  for (int k = KF_PORTABLE; k < KF_COUNT; k++)
    cr_expect_eq(target_family_variant(gen, (KernelFamily)k), KV_SCALAR);
  cr_expect_not(target_plans_conv_scratch(gen));
  const Target *a64 = target_parse(c.arena, &c.diag, "aarch64");
  cr_expect_eq(target_family_variant(a64, KF_PACKED), KV_NEON);
  cr_expect_eq(target_family_variant(a64, KF_FLOAT), KV_SCALAR);
  cr_expect(target_plans_conv_scratch(NULL), "no target: as before, the flags decide");
  cr_expect_str_eq(kernel_family_by_flags(c.arena, KF_PACKED),
                   "avx512 with -mavx512f -mavx512bw -mavx512dq -mavx512vpopcntdq, "
                   "avx2 with -mavx2, neon on aarch64, else scalar");
  cr_expect_str_eq(kernel_family_by_flags(c.arena, KF_FLOAT), "avx2 with -mavx2 -mfma, else scalar");
  arena_free(c.arena);
}

/* native is this machine: on x86-64 the flags name every feature beyond
 * the level, never -march=native. */
Test(target, native_is_explicit) {
  TestCtx c;
  const Target *t = parse(&c, "native");
#if defined(__x86_64__)
  cr_assert(t);
  cr_expect_eq(t->arch, ARCH_X86_64);
  cr_expect_null(strstr(t->flags, "native"));
  cr_expect_eq(HAS(t, TF_AVX2), __builtin_cpu_supports("avx2") != 0);
  cr_expect_eq(HAS(t, TF_AVX512VPOPCNTDQ), __builtin_cpu_supports("avx512vpopcntdq") != 0);
  if (HAS(t, TF_AVX512VPOPCNTDQ)) cr_expect(strstr(t->flags, "-mavx512vpopcntdq"));
#else
  (void)t;
#endif
  arena_free(c.arena);
}
