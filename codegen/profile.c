/* tnnc --profile: the per-layer timing of the --emit-main program.
 *
 * The generated file then defines _POSIX_C_SOURCE before any include (for
 * clock_gettime), carries runtime/tnn_prof.h and a table with one row per
 * kernel call of the run function (node, op, kernel, variant, MACs); the
 * run function adds each call's wall time to tnn_prof_acc[row], and main()
 * takes `--runs N`.  Without --profile none of it is emitted. */
#include <string.h>

#include "../ir/ir.h"

void emit_profile_prelude(FILE *c) {
  fputs("#if !defined(_POSIX_C_SOURCE) && !defined(_WIN32)\n"
        "#define _POSIX_C_SOURCE 199309L /* --profile: clock_gettime */\n#endif\n", c);
}

int profile_layers(const Graph *g) {
  int n = 0;
  for (int i = 0; i < g->nnodes; i++)
    if (!g->nodes[i]->dead && g->nodes[i]->call.kernel >= 0) n++;
  return n;
}

/* The roofline class whose ceiling bounds layer n (tnn_prof.h): packed
 * binary or ternary/mixed activations x weights, 3..8-bit codes, float;
 * "" for a layer without MACs. */
const char *profile_layer_mode(const Node *n) {
  if (report_layer_macs(n) <= 0) return "";
  const QuantInfo *q = n->quant;
  if (q && q->abits >= 3) return "i8";
  if (q && q->packed) return q->bits == 1 && q->abits == 1 ? "w1a1" : "w2a2";
  return "f32";
}

void emit_profile_table(FILE *c, Graph *g) {
  Arena *a = g->arena;
  fputs("\n/* ---- per-layer profile (--profile) ---- */\n", c);
  fprintf(c, "#define TNN_PROF_LAYERS %d\n", profile_layers(g) > 0 ? profile_layers(g) : 1);
  fputs(tnnc_prof_text, c);
  fputs("static const tnn_prof_layer tnn_prof_layers[TNN_PROF_LAYERS] = {\n", c);
  int rows = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    const char *variant = g->target
        ? kernel_variant_name(target_kernel_variant(g->target, n->call.kernel)) : "flags";
    const char *name = n->name[0] ? n->name : arena_printf(a, "#%d", n->index);
    fprintf(c, "  {\"%s\", \"%s\", \"%s\", \"%s\", %lldLL, \"%s\"},\n", c_string_safe(a, name),
            c_string_safe(a, n->op_type), kernel_info(n->call.kernel)->name,
            c_string_safe(a, variant), (long long)report_layer_macs(n), profile_layer_mode(n));
    rows++;
  }
  if (rows == 0) fputs("  {\"-\", \"-\", \"-\", \"-\", 0, \"\"},\n", c);
  fputs("};\n", c);
}
