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
    fprintf(c, "  {\"%s\", \"%s\", \"%s\", \"%s\", %lldLL},\n", c_string_safe(a, name),
            c_string_safe(a, n->op_type), kernel_info(n->call.kernel)->name,
            c_string_safe(a, variant), (long long)report_layer_macs(n));
    rows++;
  }
  if (rows == 0) fputs("  {\"-\", \"-\", \"-\", \"-\", 0},\n", c);
  fputs("};\n", c);
}
