/* The kernel registry: every runtime kernel family with its variants, the
 * one place where tnnc decides which variant of a kernel a target runs.
 *
 * A family is a set of runtime kernels that share their SIMD variants
 * (they are built from the same bodies and switched by the same runtime
 * macro).  A variant row gives its ISA, the runtime macro that selects it,
 * the CPU features it needs (from runtime/tnn_isa.h's TNN_NEEDS_* lists,
 * the runtime's own rule), the files holding its bodies, the shapes it
 * takes and the workspace it needs.  Rows of a family are in the runtime's
 * order of preference and end with the scalar one, which needs nothing:
 * registry_select returns the first row whose features the target has,
 * which is the variant the runtime's preprocessor picks when the output is
 * built with the target's flags.
 *
 * Callers: passes/lower.c and passes/quant_acts.c (layouts and scratch,
 * through registry_* below), codegen/c.c (the #error guards, the #undefs),
 * codegen/report.c (--report names the variant, or without --target the
 * variants by flags; the MACs of packed kernels), ir/verify.c (their
 * operand counts). */
#include <string.h>

#include "ir.h"

#define F(x) (1u << TF_##x)
#define NEED_BIT(f) | F(f)
#define NEEDS(list) (0u list(NEED_BIT))

/* family membership, from the runtime's kernel files */
#define KID(name, kind) TNN_K_##name,
static const int packed_kernels[] = {TNN_KERNELS_BA_FC(KID) TNN_KERNELS_BA_CONV(KID)
                                         TNN_KERNELS_BA_POOL(KID)};
static const int bitw_kernels[] = {TNN_KERNELS_BW_FC(KID) TNN_KERNELS_BW_CONV(KID)};
static const int float_kernels[] = {TNN_KERNELS_CONV(KID) TNN_KERNELS_POOL(KID)
                                        TNN_KERNELS_BA_PACK(KID)};
static const int i8_kernels[] = {TNN_KERNELS_I8_FC(KID) TNN_KERNELS_I8_CONV(KID)
                                     TNN_KERNELS_I8_QUANT(KID)};
#undef KID

static const struct {
  const char *name;
  const int *kernels;
  int nkernels;
} families[KF_COUNT] = {
    [KF_PORTABLE] = {"portable", NULL, 0},
#define FAM(k, name, list) [k] = {name, list, (int)(sizeof list / sizeof list[0])}
    FAM(KF_PACKED, "packed", packed_kernels),
    FAM(KF_BITW, "binary-weight", bitw_kernels),
    FAM(KF_FLOAT, "float", float_kernels),
    FAM(KF_I8, "int8", i8_kernels),
#undef FAM
};

static const KernelVariantInfo variants[] = {
    {KF_PACKED, KV_AVX512, "TNN_BA_AVX512", NEEDS(TNN_NEEDS_BA_AVX512),
     "tnn_ba_dot__avx512.h tnn_ba_conv__avx512.h",
     "all; conv with c % 64 == 0 and m % 8 == 0: eight channels per VPOPCNTQ lane group, "
     "padded-image path when a row has at most TNN_BA_PAD_COLS border columns",
     "conv: tables plus the padded image (tnn_ba_conv_scratch)", true},
    {KF_PACKED, KV_AVX2, "TNN_BA_AVX2", NEEDS(TNN_NEEDS_BA_AVX2), "tnn_ba_dot__avx2.h",
     "all (32-byte popcount blocks, scalar tail)", "conv: tables or the patch (tnn_ba_conv_tables)",
     false},
    {KF_PACKED, KV_NEON, "TNN_BA_NEON", NEEDS(TNN_NEEDS_BA_NEON), "tnn_ba_dot__neon.h",
     "all (16-byte vcnt blocks, scalar tail)", "conv: tables or the patch (tnn_ba_conv_tables)",
     false},
    {KF_PACKED, KV_ARMV7EM, "TNN_BA_ARMV7EM", NEEDS(TNN_NEEDS_BA_ARMV7EM), "tnn_ba_dot__armv7em.h",
     "all (32-bit words, scalar tail)", "conv: tables or the patch (tnn_ba_conv_tables)", false},
    {KF_PACKED, KV_SCALAR, NULL, 0, "tnn_ba_dot__scalar.h tnn_ba_conv__scalar.h", "all",
     "conv: tables or the patch (tnn_ba_conv_tables)", false},
    {KF_BITW, KV_AVX512, "TNN_BW_AVX512", NEEDS(TNN_NEEDS_BW_AVX512),
     "tnn_bw_dot__avx512.h tnn_bw_conv__avx512.h",
     "all; lane-mask conv: eight pixels in registers when their taps are inside the row", "none",
     false},
    {KF_BITW, KV_AVX2, "TNN_BW_AVX2", NEEDS(TNN_NEEDS_BW_AVX2), "tnn_bw_dot__avx2.h",
     "all (32 weights per step, scalar tail)", "none", false},
    {KF_BITW, KV_NEON, "TNN_BW_NEON", NEEDS(TNN_NEEDS_BW_NEON), "tnn_bw_dot__neon.h",
     "all (16 weights per step, scalar tail)", "none", false},
    {KF_BITW, KV_SCALAR, NULL, 0, "tnn_bw_dot__scalar.h", "all", "none", false},
    {KF_FLOAT, KV_AVX2, "TNN_CONV_AVX2", NEEDS(TNN_NEEDS_CONV_AVX2),
     "tnn_conv__avx2.h tnn_pool__avx2.h tnn_ba_pack__avx2.h",
     "conv_mb: row segments within TNN_CONV_SPAN; pools: eight pixels whose windows are inside "
     "the row; first quantizer: c % 8 == 0, eight pixels at a time",
     "none (a 1 KB row segment on the stack)", false},
    {KF_FLOAT, KV_SCALAR, NULL, 0, "tnn_conv.h tnn_pool.h tnn_ba_pack.h", "all", "none", false},
    {KF_I8, KV_AVX512, "TNN_I8_AVX512", NEEDS(TNN_NEEDS_I8_AVX512), "tnn_i8_gemm__avx512vnni.h",
     "all (any int8 weights): 4x4 tiles of 64-byte vpdpbusd steps, masked 32-byte tail, "
     "vector epilogue (float or fused codes)",
     "conv: patches of TNN_I8_PB pixels (tnn_i8conv scratch)", false},
    {KF_I8, KV_AVX2, "TNN_I8_AVX2", NEEDS(TNN_NEEDS_I8_AVX2), "tnn_i8_gemm__avx2.h",
     "binary/ternary weights (wmax 1; 8-bit weights run the scalar body): 4x2, 1x4 and 1x1 "
     "tiles of 32-byte vpmaddubsw steps",
     "conv: patches of TNN_I8_PB pixels (tnn_i8conv scratch)", false},
    {KF_I8, KV_SCALAR, NULL, 0, "tnn_i8_gemm__scalar.h", "all",
     "conv: patches of TNN_I8_PB pixels (tnn_i8conv scratch)", false},
    {KF_PORTABLE, KV_SCALAR, NULL, 0, "-", "all", "none", false},
};

KernelFamily kernel_family(int kernel) {
  if (kernel < 0) return KF_PORTABLE;
  for (int f = 0; f < KF_COUNT; f++)
    for (int i = 0; i < families[f].nkernels; i++)
      if (families[f].kernels[i] == kernel) return (KernelFamily)f;
  return KF_PORTABLE;
}

const char *kernel_family_name(KernelFamily k) { return families[k].name; }

const char *kernel_variant_name(KernelVariant v) {
  static const char *const names[KV_COUNT] = {"scalar", "avx2", "avx512", "neon", "armv7e-m"};
  return names[v];
}

static const KernelVariantInfo *find(KernelFamily k, KernelVariant v) {
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
    if (variants[i].family == k && variants[i].variant == v) return &variants[i];
  return NULL;
}

/* The features variant v of family k needs; ~0 when there is no such row. */
uint32_t kernel_variant_needs(KernelFamily k, KernelVariant v) {
  const KernelVariantInfo *r = find(k, v);
  return r ? r->needs : ~0u;
}

const KernelVariantInfo *registry_variant(KernelFamily k, KernelVariant v) { return find(k, v); }

/* The selection: the first row of family k (the runtime's order) whose
 * features the target has; the scalar row at worst. */
const KernelVariantInfo *registry_select(const Target *t, KernelFamily k) {
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
    const KernelVariantInfo *r = &variants[i];
    if (r->family == k && (t->features & r->needs) == r->needs) return r;
  }
  tnnc_unreachable();
}

KernelVariant target_family_variant(const Target *t, KernelFamily k) {
  return registry_select(t, k)->variant;
}

KernelVariant target_kernel_variant(const Target *t, int kernel) {
  return target_family_variant(t, kernel_family(kernel));
}

/* The packed convolution's workspace: with the padded image when the
 * variant reads it; without a target, the flags decide, so plan it. */
bool target_plans_conv_scratch(const Target *t) {
  return !t || registry_select(t, KF_PACKED)->pad_scratch;
}

/* The variants of family k with the flags that select them, for a report
 * without --target: "avx512 with -mavx512f ... -mavx512vpopcntdq, avx2 with
 * -mavx2, neon on aarch64, else scalar". */
const char *kernel_family_by_flags(Arena *a, KernelFamily k) {
  char *s = arena_strdup(a, "");
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
    const KernelVariantInfo *r = &variants[i];
    if (r->family != k || r->variant == KV_SCALAR) continue;
    if (r->variant == KV_NEON) {
      s = arena_printf(a, "%sneon on aarch64, ", s);
      continue;
    }
    s = arena_printf(a, "%s%s with", s, kernel_variant_name(r->variant));
    for (int f = 0; f < TF_COUNT; f++)
      if (r->needs & (1u << f)) s = arena_printf(a, "%s %s", s, target_feature_flag(f));
    s = arena_printf(a, "%s, ", s);
  }
  return arena_printf(a, "%selse scalar", s);
}

/* ------------------------------------------------------------ layouts */

/* Float convolution: the SIMD weight layout (tnn_f32_conv2d_mb; its
 * generic loop adds in the same order, so every variant takes it). */
int registry_conv_kernel(const Target *t, const tnn_conv_params *p, bool const_weights) {
  (void)t;
  return p->group == 1 && const_weights && p->m >= 8 ? TNN_K_f32_conv2d_mb : TNN_K_f32_conv2d;
}

/* Binary/ternary weights on float activations: the lane-mask layout for
 * whole blocks of 16 output channels (two-plane formats). */
int registry_bwconv_kernel(const Target *t, const tnn_bwconv_params *p) {
  (void)t;
  return p->group == 1 && p->m % TNN_BWMB == 0 && p->format != TNN_BW_BASE3
             ? TNN_K_f32_bwconv_mb
             : TNN_K_f32_bwconv;
}

/* Bytes of workspace the packed convolution p plans on target t. */
int64_t registry_baconv_scratch(const Target *t, const tnn_baconv_params *p) {
  return target_plans_conv_scratch(t) ? tnn_ba_conv_scratch(p) : tnn_ba_conv_tables(p);
}

/* 8-bit convolutions: the blocked weight layout where the target's 8-bit
 * variant is the VNNI body (its accumulators are 16 output channels);
 * without a target the flags pick the variant, so the row layout every
 * variant reads. */
bool registry_i8_blocked(const Target *t) {
  return t && registry_select(t, KF_I8)->variant == KV_AVX512;
}

/* ------------------------------------------------ operands and work */

/* A layer lowered to a packed kernel takes {x, packed, scale, bias} (plus
 * the residual of a fused Add), or {x, packed, thresholds} when it writes
 * packed activations; a quantizer that packs its input takes {x,
 * thresholds}. */
int registry_kernel_arity(const Node *n) {
  if (n->call.kernel == TNN_K_f32_bapack) return 2;
  /* pass quant-int8: {x codes, weights, scale, bias, code offsets}; the
   * quantizer into codes takes x alone */
  if (n->call.kernel == TNN_K_x_i8fc || n->call.kernel == TNN_K_x_i8conv) return 5;
  if (n->call.kernel == TNN_K_f32_i8quant) return 1;
  if (!n->quant || !n->quant->packed) return -1;
  if (n->call.kernel == TNN_K_x_baconv && ((const tnn_baconv_params *)n->call.params)->res)
    return 5;
  return n->quant->obits ? 3 : 4;
}

int64_t registry_kernel_macs(const Node *n) {
  if (n->call.kernel == TNN_K_x_bafc) {
    const tnn_bafc_params *p = n->call.params;
    return p->n * p->m * p->k;
  }
  if (n->call.kernel == TNN_K_x_baconv) {
    const tnn_baconv_params *p = n->call.params;
    return p->n * p->m * p->oh * p->ow * p->c * p->kh * p->kw;
  }
  if (n->call.kernel == TNN_K_x_i8fc) {
    const tnn_i8fc_params *p = n->call.params;
    return p->n * p->m * p->k;
  }
  if (n->call.kernel == TNN_K_x_i8conv) {
    const tnn_i8conv_params *p = n->call.params;
    return p->n * p->m * p->oh * p->ow * p->c * p->kh * p->kw;
  }
  return -1;
}

/* ------------------------------------------------------------ threads */

/* Work of one call, in about the units of a float multiply-add (a packed
 * MAC is 1/16 of one, an element of a memory-bound elementwise kernel 8),
 * for the kernels with a part function. */
static int64_t part_work(const Node *n) {
  const void *vp = n->call.params;
  switch (n->call.kernel) {
  case TNN_K_f32_conv2d_mb: {
    const tnn_conv_params *p = vp;
    return p->n * p->m * p->oh * p->ow * p->c * p->kh * p->kw;
  }
  case TNN_K_f32_gemm: {
    const tnn_gemm_params *p = vp;
    return p->m * p->n * p->k;
  }
  case TNN_K_f32_relu:
  case TNN_K_f32_clip: return 8 * ((const tnn_unary_params *)vp)->n;
  case TNN_K_f32_max_pool:
  case TNN_K_f32_avg_pool: {
    const tnn_pool_params *p = vp;
    return p->n * p->c * (p->h * p->w + p->oh * p->ow * p->kh * p->kw);
  }
  case TNN_K_x_pad: {
    const tnn_pad_params *p = vp;
    int64_t n = p->esize;
    for (int64_t d = 0; d < p->rank; d++) n *= p->out_dims[d];
    return 2 * n;                      /* bytes moved */
  }
  case TNN_K_f32_bapack: {
    const tnn_bapack_params *p = vp;
    return 8 * p->outer * p->c * p->inner;
  }
  case TNN_K_f32_bwconv_mb: {
    const tnn_bwconv_params *p = vp;
    return p->n * p->m * p->oh * p->ow * p->c * p->kh * p->kw;
  }
  case TNN_K_x_baconv:
  case TNN_K_x_bafc: return registry_kernel_macs(n) / 16;
  case TNN_K_x_i8conv: return registry_kernel_macs(n) / 4;   /* 4-byte dot steps */
  default: return 0;
  }
}

/* Below g->thread_min_work (by default 2^17, a few microseconds) a layer
 * runs on the calling thread: handing a job to the pool and waiting for
 * it costs about a microsecond. */
bool registry_node_splits(const Graph *g, const Node *n) {
  return g->threads > 1 && !n->dead && n->call.kernel >= 0 && kernel_part(n->call.kernel) &&
         part_work(n) >= g->thread_min_work;
}
