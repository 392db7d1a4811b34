/* The runtime's kernel table, generated from runtime/tnn_runtime.h. */
#include <string.h>

#include "ir.h"

/* One field list per params kind, from the same X-macro that declares the
 * struct; every field is one 8-byte slot, so offsets are implied. */
#define FI(x) {#x, 'I', 1},
#define FF(x) {#x, 'F', 1},
#define FA(x, n) {#x, 'A', n},
#define DESC(kind)                                                            \
  static const ParamField fields_##kind[] = {TNN_FIELDS_##kind(FI, FF, FA)};  \
  _Static_assert(sizeof(tnn_##kind##_params) % 8 == 0, #kind " slots");
TNN_PARAM_KINDS(DESC)
#undef DESC

static const KernelInfo kernel_table[] = {
#define K(name, kind)                                                         \
  {#name, tnn_##name, #kind, fields_##kind,                                   \
   (int)(sizeof fields_##kind / sizeof fields_##kind[0]),                     \
   sizeof(tnn_##kind##_params), TNN_STACK_##kind},
    TNN_KERNELS(K)
#undef K
};

/* kernel -> its part function, from TNN_PART_KERNELS */
static const KernelPartFn part_table[TNN_K_COUNT] = {
#define P(name) [TNN_K_##name] = tnn_##name##_part,
    TNN_PART_KERNELS(P)
#undef P
};

const KernelInfo *kernel_info(int k) {
  TNNC_ASSERT(k >= 0 && k < TNN_K_COUNT);
  return &kernel_table[k];
}

KernelPartFn kernel_part(int k) {
  TNNC_ASSERT(k >= 0 && k < TNN_K_COUNT);
  return part_table[k];
}

/* kernel -> the runtime file defining it, from TNN_KERNEL_FILES */
#define KID(name, kind) TNN_K_##name,
#define FILE_IDS(file, LIST) static const int ids_##LIST[] = {TNN_KERNELS_##LIST(KID)};
TNN_KERNEL_FILES(FILE_IDS)
#undef FILE_IDS
static const struct {
  const char *file;
  const int *ids;
  int n;
} kernel_files[] = {
#define FILE_ROW(file, LIST) {file, ids_##LIST, (int)(sizeof ids_##LIST / sizeof ids_##LIST[0])},
    TNN_KERNEL_FILES(FILE_ROW)
#undef FILE_ROW
};
#define CNT(name, kind) +1
#define FILE_CNT(file, LIST) TNN_KERNELS_##LIST(CNT)
_Static_assert(0 TNN_KERNEL_FILES(FILE_CNT) == TNN_K_COUNT,
               "TNN_KERNEL_FILES lists every kernel list of TNN_KERNELS");

const char *kernel_file(int k) {
  for (size_t f = 0; f < sizeof kernel_files / sizeof kernel_files[0]; f++)
    for (int i = 0; i < kernel_files[f].n; i++)
      if (kernel_files[f].ids[i] == k) return kernel_files[f].file;
  tnnc_unreachable();
}

/* Runs lowered node n's kernel on single values (the quantizer finders of
 * passes quant-acts and quant-int8): in[i] point to one element each
 * (constants: their data), out to one element; c is the channel (axis 1)
 * for per-channel nodes (MultiThreshold, BatchNormalization). */
void kernel_eval_one(const Node *n, int64_t c, const void *const *in, void *out) {
  const int k = n->call.kernel;
  void *o[1] = {out};
  if (k < 0) {                         /* a view */
    memcpy(out, in[0], dtype_size(n->out[0]->dtype));
    return;
  }
  const KernelInfo *ki = kernel_info(k);
  const char *kind = ki->params_kind;
  if (strcmp(kind, "unary") == 0) {
    tnn_unary_params p = *(const tnn_unary_params *)n->call.params;
    p.n = 1;
    ki->fn(&p, in, o);
  } else if (strcmp(kind, "bcast") == 0) {
    tnn_bcast_params p = *(const tnn_bcast_params *)n->call.params;
    p.n = p.rank = 1;
    p.dims[0] = 1;
    p.sa[0] = p.sb[0] = 0;
    ki->fn(&p, in, o);
  } else if (strcmp(kind, "where") == 0) {
    tnn_where_params p = *(const tnn_where_params *)n->call.params;
    p.n = p.rank = 1;
    p.dims[0] = 1;
    p.sc[0] = p.sa[0] = p.sb[0] = 0;
    ki->fn(&p, in, o);
  } else if (strcmp(kind, "cast") == 0) {
    tnn_cast_params p = *(const tnn_cast_params *)n->call.params;
    p.n = 1;
    ki->fn(&p, in, o);
  } else if (strcmp(kind, "dequant") == 0) {
    tnn_dequant_params p = *(const tnn_dequant_params *)n->call.params;
    p.outer = p.c = p.inner = 1;
    ki->fn(&p, in, o);
  } else if (k == TNN_K_f32_quant) {
    tnn_quant_params p = *(const tnn_quant_params *)n->call.params;
    p.n = p.rank = 1;
    p.dims[0] = 1;
    p.ss[0] = p.sz[0] = 0;
    ki->fn(&p, in, o);
  } else if (k == TNN_K_f32_multithreshold) {
    tnn_mthr_params p = *(const tnn_mthr_params *)n->call.params;
    const void *in2[2] = {in[0], (const float *)in[1] + (p.global ? 0 : c * p.t)};
    p.outer = p.c = p.inner = 1;
    p.global = 1;
    ki->fn(&p, in2, o);
  } else if (k == TNN_K_f32_batchnorm) {
    tnn_bn_params p = *(const tnn_bn_params *)n->call.params;
    const void *in2[5] = {in[0], NULL, NULL, NULL, NULL};
    p.n = p.c = p.spatial = 1;
    for (int i = 1; i < 5; i++) in2[i] = (const float *)n->in[i]->data + c;
    ki->fn(&p, in2, o);
  } else {
    tnnc_unreachable();
  }
}
