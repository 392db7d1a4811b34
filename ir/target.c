/* --target: the machine the generated C is for.  A target is an
 * architecture, a set of CPU features and the compiler flags that enable
 * exactly those features; it decides which variant (scalar, avx2, avx512,
 * neon) of each runtime kernel the output runs, so passes plan layouts and
 * scratch for that variant and the emitter can refuse a build without a
 * feature the chosen variants need.
 *
 * Names: a base (generic, x86-64, x86-64-v2..v4, a CPU such as
 * icelake-server, aarch64, armv7e-m / cortex-m4 / cortex-m7, riscv64, or
 * native: this machine, detected) followed by any number of +FEATURE
 * suffixes of its architecture (x86-64-v4+vpopcntdq, aarch64+dotprod).
 *
 * The variant rules mirror the runtime's preprocessor selection
 * (runtime/tnn_bitact.h TNN_BA_*, tnn_bitw.h TNN_BW_*, tnn_nn.h
 * TNN_CONV_AVX2); the emitted C makes the runtime pick exactly these. */
#include <string.h>
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

#include "ir.h"

static const struct {
  const char *name, *alias;
  TargetArch arch;
  const char *macro;         /* predefined by compilers that enable it */
  const char *flag;          /* the flag that enables it */
} features[TF_COUNT] = {
    [TF_SSE42] = {"sse4.2", NULL, ARCH_X86_64, "__SSE4_2__", "-msse4.2"},
    [TF_AVX2] = {"avx2", NULL, ARCH_X86_64, "__AVX2__", "-mavx2"},
    [TF_FMA] = {"fma", NULL, ARCH_X86_64, "__FMA__", "-mfma"},
    [TF_AVX512F] = {"avx512f", NULL, ARCH_X86_64, "__AVX512F__", "-mavx512f"},
    [TF_AVX512BW] = {"avx512bw", NULL, ARCH_X86_64, "__AVX512BW__", "-mavx512bw"},
    [TF_AVX512DQ] = {"avx512dq", NULL, ARCH_X86_64, "__AVX512DQ__", "-mavx512dq"},
    [TF_AVX512VL] = {"avx512vl", NULL, ARCH_X86_64, "__AVX512VL__", "-mavx512vl"},
    [TF_AVX512VPOPCNTDQ] = {"avx512vpopcntdq", "vpopcntdq", ARCH_X86_64,
                            "__AVX512VPOPCNTDQ__", "-mavx512vpopcntdq"},
    [TF_AVX512VNNI] = {"avx512vnni", "vnni", ARCH_X86_64, "__AVX512VNNI__", "-mavx512vnni"},
    [TF_NEON] = {"neon", NULL, ARCH_AARCH64, "__ARM_NEON", "-march=armv8-a"},
    [TF_DOTPROD] = {"dotprod", NULL, ARCH_AARCH64, "__ARM_FEATURE_DOTPROD",
                    "-march=armv8.2-a+dotprod"},
    [TF_DSP] = {"dsp", NULL, ARCH_ARMV7EM, "__ARM_FEATURE_DSP", "-march=armv7e-m"},
    [TF_FPU] = {"fpu", NULL, ARCH_ARMV7EM, "__ARM_FP", "-mfloat-abi=hard -mfpu=fpv4-sp-d16"},
};

#define F(x) (1u << TF_##x)
#define X86_V2 F(SSE42)
#define X86_V3 (X86_V2 | F(AVX2) | F(FMA))
#define X86_V4 (X86_V3 | F(AVX512F) | F(AVX512BW) | F(AVX512DQ) | F(AVX512VL))
#define X86_ICX (X86_V4 | F(AVX512VPOPCNTDQ) | F(AVX512VNNI))

static const struct {
  const char *name;
  TargetArch arch;
  uint32_t features;
  const char *flags;
} bases[] = {
    {"generic", ARCH_GENERIC, 0, ""},
    {"x86-64", ARCH_X86_64, 0, "-march=x86-64"},
    {"x86-64-v2", ARCH_X86_64, X86_V2, "-march=x86-64-v2"},
    {"x86-64-v3", ARCH_X86_64, X86_V3, "-march=x86-64-v3"},
    {"x86-64-v4", ARCH_X86_64, X86_V4, "-march=x86-64-v4"},
    {"haswell", ARCH_X86_64, X86_V3, "-march=haswell"},
    {"skylake-avx512", ARCH_X86_64, X86_V4, "-march=skylake-avx512"},
    {"cascadelake", ARCH_X86_64, X86_V4 | F(AVX512VNNI), "-march=cascadelake"},
    {"icelake-server", ARCH_X86_64, X86_ICX, "-march=icelake-server"},
    {"sapphirerapids", ARCH_X86_64, X86_ICX, "-march=sapphirerapids"},
    {"znver4", ARCH_X86_64, X86_ICX, "-march=znver4"},
    {"aarch64", ARCH_AARCH64, F(NEON), "-march=armv8-a"},
    {"armv7e-m", ARCH_ARMV7EM, F(DSP), "-march=armv7e-m -mthumb"},
    {"cortex-m4", ARCH_ARMV7EM, F(DSP) | F(FPU),
     "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"},
    {"cortex-m7", ARCH_ARMV7EM, F(DSP) | F(FPU),
     "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16"},
    {"riscv64", ARCH_RISCV64, 0, "-march=rv64gc -mabi=lp64d"},
};

const char *target_known_names(void) {
  return "generic, x86-64, x86-64-v2, x86-64-v3, x86-64-v4, haswell, skylake-avx512, "
         "cascadelake, icelake-server, sapphirerapids, znver4, aarch64, armv7e-m, "
         "cortex-m4, cortex-m7, riscv64, native; +FEATURE suffixes: x86-64: sse4.2 avx2 "
         "fma avx512f avx512bw avx512dq avx512vl avx512vpopcntdq (vpopcntdq) avx512vnni "
         "(vnni); aarch64: dotprod; armv7e-m: dsp fpu";
}

const char *target_feature_name(int f) { return features[f].name; }
const char *target_feature_macro(int f) { return features[f].macro; }
const char *target_feature_flag(int f) { return features[f].flag; }

const char *target_arch_name(TargetArch a) {
  switch (a) {
    case ARCH_GENERIC: return "generic";
    case ARCH_X86_64: return "x86-64";
    case ARCH_AARCH64: return "aarch64";
    case ARCH_ARMV7EM: return "armv7e-m";
    case ARCH_RISCV64: return "riscv64";
  }
  return "?";
}

/* This machine: the base and flags from its features (the explicit list,
 * not -march=native, so the output says what it needs).  False when tnnc
 * cannot detect the host. */
static bool detect_native(Arena *a, Target *t) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  uint32_t f = 0;
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.2")) f |= F(SSE42);
  if (__builtin_cpu_supports("avx2")) f |= F(AVX2);
  if (__builtin_cpu_supports("fma")) f |= F(FMA);
  if (__builtin_cpu_supports("avx512f")) f |= F(AVX512F);
  if (__builtin_cpu_supports("avx512bw")) f |= F(AVX512BW);
  if (__builtin_cpu_supports("avx512dq")) f |= F(AVX512DQ);
  if (__builtin_cpu_supports("avx512vl")) f |= F(AVX512VL);
  if (__builtin_cpu_supports("avx512vpopcntdq")) f |= F(AVX512VPOPCNTDQ);
  if (__builtin_cpu_supports("avx512vnni")) f |= F(AVX512VNNI);
  const char *level = (f & X86_V4) == X86_V4   ? "x86-64-v4"
                      : (f & X86_V3) == X86_V3 ? "x86-64-v3"
                      : (f & X86_V2) == X86_V2 ? "x86-64-v2"
                                               : "x86-64";
  const uint32_t lf = (f & X86_V4) == X86_V4   ? X86_V4
                      : (f & X86_V3) == X86_V3 ? X86_V3
                      : (f & X86_V2) == X86_V2 ? X86_V2
                                               : 0;
  t->arch = ARCH_X86_64;
  t->features = f;
  char *res = arena_strdup(a, level), *flags = arena_printf(a, "-march=%s", level);
  for (int i = 0; i < TF_COUNT; i++)
    if ((f & ~lf) & (1u << i)) {
      res = arena_printf(a, "%s+%s", res, features[i].name);
      flags = arena_printf(a, "%s %s", flags, features[i].flag);
    }
  t->resolved = res;
  t->flags = flags;
  return true;
#elif defined(__aarch64__) && defined(__linux__)
  t->arch = ARCH_AARCH64;
  t->features = F(NEON);
#ifdef HWCAP_ASIMDDP
  if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) t->features |= F(DOTPROD);
#endif
  const bool dp = t->features & F(DOTPROD);
  t->resolved = dp ? "aarch64+dotprod" : "aarch64";
  t->flags = dp ? "-march=armv8.2-a+dotprod" : "-march=armv8-a";
  (void)a;
  return true;
#else
  (void)a;
  (void)t;
  return false;
#endif
}

/* The flags of base + suffix features on t's architecture. */
static const char *add_flags(Arena *a, const Target *t, uint32_t base, const char *flags) {
  const uint32_t extra = t->features & ~base;
  if (!extra) return flags;
  if (t->arch == ARCH_AARCH64) return features[TF_DOTPROD].flag; /* the only suffix */
  for (int i = 0; i < TF_COUNT; i++)
    if (extra & (1u << i)) flags = arena_printf(a, "%s %s", flags, features[i].flag);
  return flags;
}

const Target *target_parse(Arena *a, Diag *d, const char *name) {
  Target *t = arena_alloc(a, sizeof *t);
  t->name = arena_strdup(a, name);
  const size_t blen = strcspn(name, "+");
  uint32_t base = 0;
  const char *flags = NULL;
  if (blen == 6 && strncmp(name, "native", 6) == 0) {
    if (!detect_native(a, t)) {
      diag_error(d, NULL, "--target=native: cannot detect the features of this machine "
                          "(x86-64 and aarch64 Linux only); name a target: %s",
                 target_known_names());
      return NULL;
    }
    base = t->features;
    flags = t->flags;
  } else {
    size_t i = 0;
    const size_t n = sizeof bases / sizeof bases[0];
    while (i < n && !(strlen(bases[i].name) == blen && strncmp(name, bases[i].name, blen) == 0))
      i++;
    if (i == n) {
      diag_error(d, NULL, "unknown --target '%.*s'; known targets: %s", (int)blen, name,
                 target_known_names());
      return NULL;
    }
    t->arch = bases[i].arch;
    t->features = base = bases[i].features;
    t->resolved = bases[i].name;
    flags = bases[i].flags;
  }
  for (const char *s = name + blen; *s == '+';) {
    const char *e = s + 1 + strcspn(s + 1, "+");
    const size_t len = (size_t)(e - s - 1);
    int f = 0;
    for (; f < TF_COUNT; f++) {
      const char *al = features[f].alias;
      if (features[f].arch == t->arch &&
          ((strlen(features[f].name) == len && strncmp(s + 1, features[f].name, len) == 0) ||
           (al && strlen(al) == len && strncmp(s + 1, al, len) == 0)))
        break;
    }
    if (f == TF_COUNT) {
      diag_error(d, NULL, "--target=%s: unknown feature '+%.*s' for %s; known targets: %s", name,
                 (int)len, s + 1, target_arch_name(t->arch), target_known_names());
      return NULL;
    }
    t->features |= 1u << f;
    /* gcc and clang: every -mavx512* implies -mavx512f, -mavx2/-mfma AVX */
    if (f >= TF_AVX512F && f <= TF_AVX512VNNI) t->features |= F(AVX512F);
    if (!(base & (1u << f))) t->resolved = arena_printf(a, "%s+%s", t->resolved, features[f].name);
    s = e;
  }
  t->flags = add_flags(a, t, base, flags);
  return t;
}

/* ------------------------------------------------------ kernel variants */

/* Families of runtime kernels with SIMD variants: packed activations
 * (tnn_bitact.h), binary/ternary weights on float activations (tnn_bitw.h),
 * float convolution, pooling and the first quantizer (tnn_nn.h
 * TNN_CONV_AVX2).  Everything else is portable C. */
KernelFamily kernel_family(int kernel) {
  if (kernel < 0) return KF_PORTABLE;
  const char *n = kernel_info(kernel)->name;
  if (strcmp(n, "x_bafc") == 0 || strcmp(n, "x_baconv") == 0 || strcmp(n, "x_bamaxpool") == 0)
    return KF_PACKED;
  if (strcmp(n, "f32_bwfc") == 0 || strcmp(n, "f32_bwconv") == 0 ||
      strcmp(n, "f32_bwconv_mb") == 0)
    return KF_BITW;
  if (strcmp(n, "f32_conv2d") == 0 || strcmp(n, "f32_conv2d_mb") == 0 ||
      strcmp(n, "f32_max_pool") == 0 || strcmp(n, "f32_avg_pool") == 0 ||
      strcmp(n, "f32_bapack") == 0)
    return KF_FLOAT;
  if (strcmp(n, "x_i8fc") == 0 || strcmp(n, "x_i8conv") == 0) return KF_I8;
  return KF_PORTABLE;
}

const char *kernel_family_name(KernelFamily k) {
  static const char *const names[KF_COUNT] = {"portable", "packed", "binary-weight", "float",
                                                     "int8"};
  return names[k];
}

const char *kernel_variant_name(KernelVariant v) {
  static const char *const names[] = {"scalar", "avx2", "avx512", "neon"};
  return names[v];
}

/* The features variant v of family k needs; 0 for scalar, and ~0 when the
 * family has no such variant. */
uint32_t kernel_variant_needs(KernelFamily k, KernelVariant v) {
  if (v == KV_SCALAR) return 0;
  switch (k) {
    case KF_PACKED:
      /* the runtime selects avx512 on F and VPOPCNTDQ, but its body uses
       * AVX512BW and AVX512DQ (_mm512_mullo_epi64) intrinsics too */
      return v == KV_AVX512 ? F(AVX512F) | F(AVX512BW) | F(AVX512DQ) | F(AVX512VPOPCNTDQ)
             : v == KV_AVX2 ? F(AVX2)
                            : F(NEON);
    case KF_BITW:
      return v == KV_AVX512 ? F(AVX512F) | F(AVX512BW) : v == KV_AVX2 ? F(AVX2) : F(NEON);
    case KF_FLOAT:
      return v == KV_AVX2 ? F(AVX2) | F(FMA) : ~0u;
    case KF_I8:                /* runtime/tnn_i8.h TNN_I8_AVX2 */
      return v == KV_AVX2 ? F(AVX2) : ~0u;
    default:
      return ~0u;
  }
}

KernelVariant target_family_variant(const Target *t, KernelFamily k) {
  static const KernelVariant order[] = {KV_AVX512, KV_AVX2, KV_NEON};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const uint32_t need = kernel_variant_needs(k, order[i]);
    if (need != ~0u && (t->features & need) == need) return order[i];
  }
  return KV_SCALAR;
}

KernelVariant target_kernel_variant(const Target *t, int kernel) {
  return target_family_variant(t, kernel_family(kernel));
}

/* The AVX-512 packed convolution's padded image copy (tnn_ba_conv_scratch)
 * is read by that variant only; without a target, today's behaviour: plan
 * it, the compiler's flags decide. */
bool target_plans_conv_scratch(const Target *t) {
  return !t || target_family_variant(t, KF_PACKED) == KV_AVX512;
}

/* The variants of family k with the flags that select them, for a report
 * without --target: "avx512 with -mavx512f ... -mavx512vpopcntdq, avx2 with
 * -mavx2, neon on aarch64, else scalar". */
const char *kernel_family_by_flags(Arena *a, KernelFamily k) {
  static const KernelVariant order[] = {KV_AVX512, KV_AVX2, KV_NEON};
  char *s = arena_strdup(a, "");
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const uint32_t need = kernel_variant_needs(k, order[i]);
    if (need == ~0u) continue;
    if (order[i] == KV_NEON) {
      s = arena_printf(a, "%sneon on aarch64, ", s);
      continue;
    }
    s = arena_printf(a, "%s%s with", s, kernel_variant_name(order[i]));
    for (int f = 0; f < TF_COUNT; f++)
      if (need & (1u << f)) s = arena_printf(a, "%s %s", s, features[f].flag);
    s = arena_printf(a, "%s, ", s);
  }
  return arena_printf(a, "%selse scalar", s);
}
