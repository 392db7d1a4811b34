/* The LLVM backend's entry points in a tnnc built without LLVM 19
 * (meson -Dllvm=disabled, or llvm-19-dev / clang-19 missing): each says
 * so and how to get it. */
#include "../ir/ir.h"

static void no_llvm(Graph *g) {
  diag_error(g->diag, NULL, "this tnnc was built without the LLVM backend (--emit=obj/asm/"
                            "llvm/bc, tnnc run, tnnc bench): install llvm-19-dev and clang-19 "
                            "(bash tools/install-deps.sh) and rebuild, or emit C (--emit=c)");
}

bool llvm_available(void) { return false; }
const char *llvm_kernel_targets(Arena *a) {
  (void)a;
  return "none";
}
bool emit_llvm(Graph *g, const EmitOptions *o, EmitKind kind, FILE *out) {
  (void)o, (void)kind, (void)out;
  no_llvm(g);
  return false;
}
LlvmJit *llvm_jit(Graph *g, const char *prefix, void (*hook)(int, int)) {
  (void)prefix, (void)hook;
  no_llvm(g);
  return NULL;
}
LlvmCallFn llvm_jit_fn(const LlvmJit *j) {
  (void)j;
  return NULL;
}
void llvm_jit_free(LlvmJit *j) { (void)j; }
void llvm_on_fatal(void (*cleanup)(void *ctx), void *ctx) { (void)cleanup, (void)ctx; }
