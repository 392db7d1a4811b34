/* tnnc --report: per weighted layer (Conv, Gemm, MatMul), its op, the ONNX
 * nodes it came from, weight shape, bits per weight (32 float, 2 ternary in
 * two planes, 1.6 ternary base-3, 1 binary), scale granularity, weight bytes
 * and MACs, the layer's mode (W<bits>A<activation bits>, A32 for float
 * activations; '>A1'/'>A2' when it writes packed activations) and the
 * runtime kernel it runs; then totals with Smart Quantization's compression ratio
 * sum(#W * 32) / sum(#W * bits) and the bytes of constant data the
 * generated C actually holds, and why layers next to a quantizer stay float
 * (Node.fallback_reason).  Text, or JSON with --report=json.
 *
 * emit_fallback_notes prints the reasons as notes on the diagnostic sink. */
#include <string.h>

#include "../ir/ir.h"

typedef struct {
  const Node *n;
  const Tensor *w;
  double bits;
  int64_t nw, bytes, macs;
  const char *gran;
  const char *mode, *kernel;
} Row;

static const char *layer_mode(Graph *g, const Node *n, double bits) {
  const QuantInfo *q = n->quant;
  int ab = q && q->packed ? q->abits : 0, ob = q && q->packed ? q->obits : 0;
  const char *w = bits == 1.6 ? "1.6" : bits == 32 ? "32" : bits == 2 ? "2" : "1";
  return arena_printf(g->arena, "W%sA%d%s", w, ab ? ab : 32,
                      ob == 1 ? ">A1" : ob == 2 ? ">A2" : "");
}

static double layer_bits(const Graph *g, const Node *n) {
  if (!n->quant || !n->quant->packed) return 32;
  if (n->quant->bits == 1) return 1;
  return g->pack == PACK_BASE3 ? 1.6 : 2;
}

/* Bytes of the packed weights: ceil over the whole tensor. */
static int64_t packed_bytes(double bits, int64_t nw) {
  if (bits == 32) return 4 * nw;
  if (bits == 1) return (nw + 7) / 8;
  if (bits == 2) return 2 * ((nw + 7) / 8);
  return (nw + 4) / 5;
}

static int64_t layer_macs(const Node *n, const Tensor *w) {
  if (n->call.kernel == TNN_K_x_bafc) {  /* its output may be packed bits */
    const tnn_bafc_params *p = n->call.params;
    return p->n * p->m * p->k;
  }
  if (n->call.kernel == TNN_K_x_baconv) {  /* likewise */
    const tnn_baconv_params *p = n->call.params;
    return p->n * p->m * p->oh * p->ow * p->c * p->kh * p->kw;
  }
  const Tensor *y = n->out[0];
  int64_t out = ir_tensor_numel(y);
  if (n->op == OP_CONV) {
    int64_t per = 1;
    for (int d = 1; d < w->rank; d++) per *= w->dims[d];
    return out * per;
  }
  /* Gemm / MatMul: each output element is a K-long dot product */
  bool tb = n->op == OP_GEMM && ir_attr_int(n, "transB", 0);
  int64_t k = tb ? w->dims[1] : w->dims[0];
  return out * k;
}

/* Bytes of the constants the emitted code refers to (as in codegen). */
static int64_t emitted_const_bytes(const Graph *g) {
  bool *seen = arena_alloc(g->arena, (size_t)g->ntensors + 1);
  memset(seen, 0, (size_t)g->ntensors + 1);
  int64_t total = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    for (int j = 0; j < n->nin; j++) {
      const Tensor *t = n->in[j];
      if (!t) continue;
      while (t->alias) t = t->alias;
      if (t->data && !seen[t->id]) {
        seen[t->id] = true;
        total += ir_tensor_bytes(t);
      }
    }
  }
  return total;
}

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

bool emit_report(Graph *g, bool json, FILE *f) {
  Row *rows = arena_calloc(g->arena, (size_t)g->nnodes + 1, sizeof(Row));
  int nr = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || (n->op != OP_CONV && n->op != OP_GEMM && n->op != OP_MATMUL))
      continue;
    const Tensor *w = n->quant ? n->quant->weight
                      : n->orig_weight ? n->orig_weight
                      : n->nin > 1 ? n->in[1] : NULL;
    if (!w || !w->data) continue;       /* runtime weights: not a layer */
    Row *r = &rows[nr++];
    r->n = n;
    r->w = w;
    r->bits = layer_bits(g, n);
    r->nw = ir_tensor_numel(w);
    r->bytes = packed_bytes(r->bits, r->nw);
    r->macs = layer_macs(n, w);
    r->gran = !n->quant || !n->quant->packed ? "-"
              : n->quant->per_channel ? "per-channel" : "per-tensor";
    r->mode = layer_mode(g, n, r->bits);
    r->kernel = n->call.kernel >= 0 ? kernel_info(n->call.kernel)->name : "view";
  }
  double wbits32 = 0, wbits = 0;
  int64_t tw = 0, tbytes = 0, tmacs = 0;
  for (int i = 0; i < nr; i++) {
    wbits32 += 32.0 * (double)rows[i].nw;
    wbits += rows[i].bits * (double)rows[i].nw;
    tw += rows[i].nw;
    tbytes += rows[i].bytes;
    tmacs += rows[i].macs;
  }
  double ratio = wbits > 0 ? wbits32 / wbits : 1.0;
  int64_t emitted = emitted_const_bytes(g);
  if (json) {
    fputs("{\"layers\": [", f);
    for (int i = 0; i < nr; i++) {
      const Row *r = &rows[i];
      fprintf(f, "%s\n  {\"op\": ", i ? "," : "");
      json_str(f, op_name(r->n->op));
      fputs(", \"node\": ", f);
      json_str(f, r->n->name);
      fputs(", \"fused\": ", f);
      json_str(f, r->n->fused ? r->n->fused : "");
      fputs(", \"weight_shape\": [", f);
      for (int d = 0; d < r->w->rank; d++)
        fprintf(f, "%s%lld", d ? ", " : "", (long long)r->w->dims[d]);
      fprintf(f, "], \"weights\": %lld, \"bits\": %g, \"scale\": ",
              (long long)r->nw, r->bits);
      json_str(f, r->gran);
      fprintf(f, ", \"weight_bytes\": %lld, \"macs\": %lld, \"quantized_by\": ",
              (long long)r->bytes, (long long)r->macs);
      json_str(f, !r->n->quant ? "" : r->n->quant->from_quantize ? "tnnc" : "model");
      fputs(", \"mode\": ", f);
      json_str(f, r->mode);
      fputs(", \"kernel\": ", f);
      json_str(f, r->kernel);
      fputs(", \"reason\": ", f);
      json_str(f, r->n->fallback_reason ? r->n->fallback_reason : "");
      fputc('}', f);
    }
    fprintf(f, "\n], \"totals\": {\"weights\": %lld, \"weight_bytes\": %lld, "
               "\"macs\": %lld, \"compression_ratio\": %.6f, "
               "\"emitted_constant_bytes\": %lld}}\n",
            (long long)tw, (long long)tbytes, (long long)tmacs, ratio,
            (long long)emitted);
    return !ferror(f);
  }
  fprintf(f, "%-4s %-8s %-16s %5s %-12s %12s %14s  %-9s %-10s %s\n", "#", "op",
          "weight shape", "bits", "scale", "weight bytes", "MACs", "mode",
          "kernel", "ONNX nodes");
  for (int i = 0; i < nr; i++) {
    const Row *r = &rows[i];
    char shape[64] = "";
    size_t len = 0;
    for (int d = 0; d < r->w->rank && len < sizeof shape - 24; d++)
      len += (size_t)snprintf(shape + len, sizeof shape - len, "%s%lld",
                              d ? "x" : "", (long long)r->w->dims[d]);
    const char *names = r->n->fused
        ? arena_printf(g->arena, "'%s' + %s", r->n->name, r->n->fused)
        : arena_printf(g->arena, "'%s'", r->n->name);
    fprintf(f, "%-4d %-8s %-16s %5g %-12s %12lld %14lld  %-9s %-10s %s\n", i,
            op_name(r->n->op), shape, r->bits, r->gran, (long long)r->bytes,
            (long long)r->macs, r->mode, r->kernel, names);
  }
  fprintf(f, "total: %d layers, %lld weights, %lld weight bytes, %lld MACs\n",
          nr, (long long)tw, (long long)tbytes, (long long)tmacs);
  fprintf(f, "compression ratio sum(#W*32)/sum(#W*bits): %.2f\n", ratio);
  fprintf(f, "constant bytes in the generated C: %lld\n", (long long)emitted);
  bool any = false;
  for (int i = 0; i < nr; i++) any |= rows[i].n->fallback_reason != NULL;
  if (any) {
    fputs("why layers stay float:\n", f);
    for (int i = 0; i < nr; i++)
      if (rows[i].n->fallback_reason)
        fprintf(f, "%-4d '%s': %s\n", i, rows[i].n->name, rows[i].n->fallback_reason);
  }
  return !ferror(f);
}

void emit_fallback_notes(Graph *g) {
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (!n->dead && n->fallback_reason)
      diag_note(g->diag, n, "stays float: %s", n->fallback_reason);
  }
}
