/* The runtime's kernel table, generated from runtime/tnn_runtime.h. */
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
