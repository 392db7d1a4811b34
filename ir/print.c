/* IR printer for --dump-ir: one line per tensor declaration and per node. */
#include "ir.h"

static void print_type(const Tensor *t, FILE *f) {
  fprintf(f, "%s[", dtype_name(t->dtype));
  if (t->rank < 0) fputc('?', f);
  for (int d = 0; d < t->rank; d++) {
    if (d) fputc(',', f);
    if (t->dim_param[d]) fprintf(f, "%s", t->dim_param[d]);
    else fprintf(f, "%lld", (long long)t->dims[d]);
  }
  fputc(']', f);
}

static void print_storage(const Tensor *t, FILE *f) {
  if (t->alias) fprintf(f, " =%%%s", t->alias->name);
  else if (t->offset >= 0) fprintf(f, " @%lld", (long long)t->offset);
}

void ir_print(const Graph *g, FILE *f) {
  fprintf(f, "graph opset %lld producer '%s' batch %lld\n",
          (long long)g->opset, g->producer ? g->producer : "",
          (long long)g->batch);
  for (int i = 0; i < g->ninputs; i++) {
    fprintf(f, "input  %%%s: ", g->inputs[i]->name);
    print_type(g->inputs[i], f);
    fputc('\n', f);
  }
  int nconst = 0;
  int64_t const_bytes = 0;
  for (int i = 0; i < g->ntensors; i++) {
    const Tensor *t = g->tensors[i];
    if (t->data && t->nuses > 0) {
      nconst++;
      const_bytes += ir_tensor_bytes(t);
    }
  }
  fprintf(f, "consts %d used, %lld bytes\n", nconst, (long long)const_bytes);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead) continue;
    fprintf(f, "  #%d '%s' %s(", n->index, n->name, op_name(n->op));
    for (int j = 0; j < n->nin; j++) {
      if (j) fputs(", ", f);
      if (!n->in[j]) fputs("_", f);
      else fprintf(f, "%s%%%s", n->in[j]->data ? "$" : "", n->in[j]->name);
    }
    fputs(") -> ", f);
    for (int j = 0; j < n->nout; j++) {
      const Tensor *t = n->out[j];
      if (j) fputs(", ", f);
      if (!t) {
        fputs("_", f);
        continue;
      }
      fprintf(f, "%%%s: ", t->name);
      print_type(t, f);
      print_storage(t, f);
    }
    if (n->call.params)
      fprintf(f, "  [%s]",
              n->call.kernel >= 0 ? kernel_info(n->call.kernel)->name : "view");
    if (n->fused) fprintf(f, "  {fused: %s}", n->fused);
    fputc('\n', f);
  }
  for (int i = 0; i < g->noutputs; i++) {
    fprintf(f, "output %%%s: ", g->outputs[i]->name);
    print_type(g->outputs[i], f);
    fputc('\n', f);
  }
  if (g->ws_size || g->ws_peak)
    fprintf(f, "workspace %lld bytes planned, peak of live tensors %lld bytes\n",
            (long long)g->ws_size, (long long)g->ws_peak);
}
