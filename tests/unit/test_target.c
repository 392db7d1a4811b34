/* Unit tests of --target parsing and the kernel variants a target runs
 * (ir/target.c). */
#include <stdlib.h>
#include <unistd.h>

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
  cr_expect_eq(target_family_variant(v4, KF_I8), KV_AVX2);
  cr_expect_not(target_plans_conv_scratch(v4));
  /* the 8-bit dot's AVX-512 body is vpdpbusd: VNNI, beyond x86-64-v4 */
  const Target *vn = target_parse(c.arena, &c.diag, "x86-64-v4+avx512vnni");
  cr_expect_eq(target_family_variant(vn, KF_I8), KV_AVX512);
  const Target *icx = target_parse(c.arena, &c.diag, "cascadelake");
  cr_expect(icx && target_family_variant(icx, KF_I8) == KV_AVX512);
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
                   "avx2 with -mavx2, neon on aarch64, armv7e-m with -march=armv7e-m, else scalar");
  cr_expect_str_eq(kernel_family_by_flags(c.arena, KF_FLOAT), "avx2 with -mavx2 -mfma, else scalar");
  cr_expect_str_eq(kernel_family_by_flags(c.arena, KF_I8),
                   "avx512 with -mavx512f -mavx512bw -mavx512vnni, avx2 with -mavx2, else scalar");
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

/* One source of truth for the variant rules: every x86 SIMD variant's
 * bodies, with all of the runtime's kernels referenced, build with exactly
 * the flags of the features tnnc says it needs (a body using an unlisted
 * feature fails: gcc's intrinsics refuse to inline), the runtime then picks
 * that variant, and without any one of them it does not. */
static const char *const variant_macro[KF_COUNT][KV_COUNT] = {
    [KF_PACKED] = {NULL, "TNN_BA_AVX2", "TNN_BA_AVX512", NULL},
    [KF_BITW] = {NULL, "TNN_BW_AVX2", "TNN_BW_AVX512", NULL},
    [KF_FLOAT] = {NULL, "TNN_CONV_AVX2", NULL, NULL},
    [KF_I8] = {NULL, "TNN_I8_AVX2", "TNN_I8_AVX512", NULL},
};

static int build_probe(const char *macro, bool want, uint32_t feats) {
  const char *root = getenv("TNNC_SOURCE_ROOT");
  char src[] = "/tmp/tnnc_isa_XXXXXX";
  const int fd = mkstemp(src);
  cr_assert(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "#include \"tnn_runtime.h\"\n#%s %s\n#error \"%s %s\"\n#endif\n"
             "#define K(n, k) (void *)tnn_##n,\nvoid *tab[] = {TNN_KERNELS(K)};\n",
          want ? "ifndef" : "ifdef", macro, macro, want ? "not selected" : "selected");
  fclose(f);
  char cmd[2048];
  int n = snprintf(cmd, sizeof cmd, "${CC:-cc} -x c -O0 -c -I%s/runtime -o /dev/null", root);
  for (int i = 0; i < TF_COUNT; i++)
    if (feats & (1u << i)) n += snprintf(cmd + n, sizeof cmd - (size_t)n, " %s", target_feature_flag(i));
  snprintf(cmd + n, sizeof cmd - (size_t)n, " %s 2>/dev/null", src);
  const int rc = system(cmd);
  unlink(src);
  return rc;
}

Test(target, variant_needs_are_the_runtimes_rule) {
#if !defined(__x86_64__)
  cr_skip_test("x86 variants: probed on an x86-64 host");
#endif
  cr_assert(getenv("TNNC_SOURCE_ROOT"), "TNNC_SOURCE_ROOT not set");
  cr_assert(system("${CC:-cc} --version >/dev/null 2>&1") == 0, "no C compiler");
  int probes = 0;
  for (int k = 0; k < KF_COUNT; k++)
    for (int v = KV_AVX2; v <= KV_AVX512; v++) {
      const char *macro = variant_macro[k][v];
      const uint32_t need = kernel_variant_needs((KernelFamily)k, (KernelVariant)v);
      cr_assert_eq(macro != NULL, need != ~0u, "%s %s", kernel_family_name((KernelFamily)k),
                   kernel_variant_name((KernelVariant)v));
      if (!macro) continue;
      cr_expect_eq(build_probe(macro, true, need), 0, "%s with exactly its flags", macro);
      probes++;
      for (int f = 0; f < TF_COUNT; f++)
        if (need & (1u << f)) {
          /* gcc and clang: every -mavx512* implies -mavx512f */
          if (f == TF_AVX512F && (need & ~(1u << TF_AVX512F) & ~(1u << TF_AVX2))) continue;
          cr_expect_eq(build_probe(macro, false, need & ~(1u << f)), 0, "%s without %s", macro,
                       target_feature_flag(f));
          probes++;
        }
    }
  cr_expect_geq(probes, 10);
}

/* The registry: every family has a scalar row needing nothing (the
 * selection never fails), SIMD rows name the runtime macro the probe above
 * checks, and a kernel's family follows its runtime file. */
Test(target, registry_rows) {
  for (int k = 0; k < KF_COUNT; k++) {
    const KernelVariantInfo *s = registry_variant((KernelFamily)k, KV_SCALAR);
    cr_assert(s, "%s has no scalar row", kernel_family_name((KernelFamily)k));
    cr_expect_eq(s->needs, 0u);
    for (int v = KV_AVX2; v < KV_COUNT; v++) {
      const KernelVariantInfo *r = registry_variant((KernelFamily)k, (KernelVariant)v);
      if (!r) continue;
      cr_expect(r->macro && r->files && r->shapes && r->workspace);
      if (v <= KV_AVX512) cr_expect_str_eq(r->macro, variant_macro[k][v]);
    }
  }
  cr_expect_eq(kernel_family(TNN_K_x_baconv), KF_PACKED);
  cr_expect_eq(kernel_family(TNN_K_f32_bwconv_mb), KF_BITW);
  cr_expect_eq(kernel_family(TNN_K_f32_bapack), KF_FLOAT);
  cr_expect_eq(kernel_family(TNN_K_f32_max_pool), KF_FLOAT);
  cr_expect_eq(kernel_family(TNN_K_f32_gemm), KF_PORTABLE);
  cr_expect_eq(kernel_family(TNN_K_x_i8conv), KF_I8);
  cr_expect_eq(kernel_family(TNN_K_x_i8fc), KF_I8);
  cr_expect_eq(kernel_family(TNN_K_f32_i8quant), KF_I8);
  cr_expect_str_eq(kernel_file(TNN_K_x_i8conv), "tnn_i8_conv.h");
  cr_expect_str_eq(kernel_file(TNN_K_f32_i8quant), "tnn_i8_quant.h");
  cr_expect_str_eq(kernel_file(TNN_K_x_baconv), "tnn_ba_conv.h");
  cr_expect_str_eq(kernel_file(TNN_K_f32_avg_pool), "tnn_pool.h");
}
