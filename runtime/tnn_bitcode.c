/* The runtime's kernels as external functions, for the LLVM backend.
 *
 * meson.build compiles this file with clang to LLVM bitcode once per
 * kernel target (the feature sets of codegen/llvm.c's table) and embeds the
 * bitcode into tnnc.  Every kernel tnn_<name> of TNN_KERNELS becomes
 * tnnk_<name>, with the same calling convention; tnnc links a model's
 * module with this one, keeps the kernels the model calls and optimises
 * them together with their constant params.  Built with -ffp-contract=off,
 * as a C compiler in ISO mode builds the C backend's output, so both give
 * the same bits. */
#include "tnn_runtime.h"

#define TNN_BITCODE_KERNEL(name, kind)                                        \
  int tnnk_##name(const void *p, const void *const *in, void *const *out);    \
  int tnnk_##name(const void *p, const void *const *in, void *const *out) {   \
    return tnn_##name(p, in, out);                                            \
  }
TNN_KERNELS(TNN_BITCODE_KERNEL)
