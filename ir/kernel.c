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

const KernelInfo *kernel_info(int k) {
  TNNC_ASSERT(k >= 0 && k < TNN_K_COUNT);
  return &kernel_table[k];
}
