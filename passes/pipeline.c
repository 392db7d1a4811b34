/* The pass pipeline: a straight list, verified between passes in debug
 * builds, dumpable after any pass (--dump-ir=after-NAME). */
#include <string.h>

#include "../ir/ir.h"

static const Pass passes[] = {
    {"canonicalize", pass_canonicalize},
    {"infer-shapes", pass_infer_shapes},
    {"fold-constants", pass_fold_constants},
    {"fold-bn", pass_fold_bn},
    {"quant-weights", pass_quant_weights},
    {"dce", pass_dce},
    {"lower", pass_lower},
    {"quant-acts", pass_quant_acts},
    {"quant-int8", pass_quant_int8},
    {"fuse-residual", pass_fuse_residual},
    {"pack-weights", pass_pack_weights},
    {"plan-memory", pass_plan_memory},
};

const Pass *pipeline_passes(int *count) {
  *count = (int)(sizeof passes / sizeof passes[0]);
  return passes;
}

bool pipeline_run(Graph *g, const char *dump_after, FILE *dump) {
  int n;
  const Pass *p = pipeline_passes(&n);
  for (int i = 0; i < n; i++) {
    if (!p[i].run(g) || g->diag->nerrors) return false;
#ifndef NDEBUG
    if (!ir_verify(g)) return false;
#endif
    if (dump && dump_after &&
        ((dump_after[0] == 0 && i == n - 1) || strcmp(dump_after, p[i].name) == 0)) {
      fprintf(dump, "; after %s\n", p[i].name);
      ir_print(g, dump);
    }
  }
  return true;
}
