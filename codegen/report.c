/* tnnc --report: per weighted layer (Conv, Gemm, MatMul), its op, the ONNX
 * nodes it came from, weight shape, bits per weight (32 float, 2 ternary in
 * two planes, 1.6 ternary base-3, 1 binary), scale granularity, weight bytes
 * and MACs, the layer's mode (W<bits>A<activation bits>, A32 for float
 * activations; '>A1'/'>A2' when it writes packed activations), the
 * runtime kernel it runs and its variant on the --target (ir/target.c; without
 * one, which variants the C compiler's flags select), and, for a layer left float next to a quantizer,
 * why (Node.fallback_reason); then totals with Smart Quantization's
 * compression ratio sum(#W * 32) / sum(#W * bits) and the bytes of constant
 * data the generated C actually holds.  Text, or JSON with --report=json
 * (schema "tnnc-report/1", docs/report-schema.md).
 *
 * Model strings (node names, op types) may hold any bytes.  The text report
 * writes control characters (C0, DEL, C1), bytes that are not well-formed
 * UTF-8 and the backslash as \xNN / \\, so nothing reaches a terminal raw;
 * JSON escapes control characters as \u00XX and replaces each byte that is
 * not well-formed UTF-8 by U+FFFD, so the output is always valid JSON.
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
  const char *variant;         /* on --target; NULL without one */
} Row;

static const char *layer_mode(Graph *g, const Node *n, double bits) {
  const QuantInfo *q = n->quant;
  int ab = q && q->packed ? q->abits : 0, ob = q && q->packed ? q->obits : 0;
  const char *w = bits == 1.6 ? "1.6" : bits == 32 ? "32" : bits == 8 ? "8" : bits == 2 ? "2" : "1";
  if (ob > 2) return arena_printf(g->arena, "W%sA%d>A%d", w, ab ? ab : 32, ob);
  return arena_printf(g->arena, "W%sA%d%s", w, ab ? ab : 32,
                      ob == 1 ? ">A1" : ob == 2 ? ">A2" : "");
}

static double layer_bits(const Graph *g, const Node *n) {
  if (!n->quant || !n->quant->packed) return 32;
  if (n->quant->bits == 8) return 8;           /* int8 weights (pass quant-int8) */
  if (n->quant->bits == 1) return 1;
  return g->pack == PACK_BASE3 ? 1.6 : 2;
}

/* Bytes of the packed weights: ceil over the whole tensor. */
static int64_t packed_bytes(double bits, int64_t nw) {
  if (bits == 32) return 4 * nw;
  if (bits == 1) return (nw + 7) / 8;
  if (bits == 2) return 2 * ((nw + 7) / 8);
  if (bits == 8) return nw;
  return (nw + 4) / 5;
}

static int64_t layer_macs(const Node *n, const Tensor *w) {
  const int64_t packed = registry_kernel_macs(n);   /* output may be packed bits */
  if (packed >= 0) return packed;
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

/* The weights --report shows a layer with, or NULL when n is none. */
static const Tensor *layer_weight(const Node *n) {
  if (n->dead || (n->op != OP_CONV && n->op != OP_GEMM && n->op != OP_MATMUL)) return NULL;
  const Tensor *w = n->quant ? n->quant->weight
                    : n->orig_weight ? n->orig_weight
                    : n->nin > 1 ? n->in[1] : NULL;
  return w && w->data ? w : NULL;       /* runtime weights: not a layer */
}

int64_t report_layer_macs(const Node *n) {
  const Tensor *w = layer_weight(n);
  return w ? layer_macs(n, w) : 0;
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

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, surrogates or code points past U+10FFFF) with its code point, or 0
 * when the byte at s starts none. */
static int utf8_seq(const unsigned char *s, uint32_t *cp) {
  const unsigned c = s[0];
  int n;
  uint32_t min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xc2 && c <= 0xdf) n = 2, *cp = c & 0x1f, min = 0x80;
  else if (c >= 0xe0 && c <= 0xef) n = 3, *cp = c & 0x0f, min = 0x800;
  else if (c >= 0xf0 && c <= 0xf4) n = 4, *cp = c & 0x07, min = 0x10000;
  else return 0;
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;     /* a NUL stops here too */
    *cp = *cp << 6 | (s[i] & 0x3fu);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) return 0;
  return n;
}

/* C0 controls, DEL and the C1 controls (a terminal may act on U+009B). */
static bool is_control(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

/* s for the text report: see the top of the file. */
static void text_str(FILE *f, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    uint32_t cp;
    const int n = utf8_seq(p, &cp);
    if (n == 0 || is_control(cp)) {
      for (int i = 0; i < (n ? n : 1); i++) fprintf(f, "\\x%02x", p[i]);
      p += n ? n : 1;
      continue;
    }
    if (cp == '\\') fputc('\\', f);
    fwrite(p, 1, (size_t)n, f);
    p += n;
  }
}

static void json_str(FILE *f, const char *s) {
  if (!s) {
    fputs("null", f);
    return;
  }
  const unsigned char *p = (const unsigned char *)s;
  fputc('"', f);
  while (*p) {
    uint32_t cp;
    const int n = utf8_seq(p, &cp);
    if (n == 0) fputs("\\ufffd", f);
    else if (cp == '"' || cp == '\\') fprintf(f, "\\%c", (int)cp);
    else if (is_control(cp)) fprintf(f, "\\u%04x", (unsigned)cp);
    else fwrite(p, 1, (size_t)n, f);
    p += n ? n : 1;
  }
  fputc('"', f);
}

static void json_dims(FILE *f, const int64_t *dims, int rank) {
  fputc('[', f);
  for (int d = 0; d < rank; d++) fprintf(f, "%s%lld", d ? ", " : "", (long long)dims[d]);
  fputc(']', f);
}

static void json_int_or_null(FILE *f, int64_t v) {
  if (v < 0) fputs("null", f);
  else fprintf(f, "%lld", (long long)v);
}

static void json_tensors(FILE *f, Tensor *const *ts, int n) {
  fputc('[', f);
  for (int i = 0; i < n; i++) {
    const Tensor *t = ts[i];
    fprintf(f, "%s{\"name\": ", i ? ", " : "");
    json_str(f, t->name);
    fputs(", \"dtype\": ", f);
    json_str(f, dtype_name(t->dtype));
    fputs(", \"shape\": ", f);
    json_dims(f, t->dims, t->rank > 0 ? t->rank : 0);
    fputc('}', f);
  }
  fputc(']', f);
}

/* The kernel families with SIMD variants that the graph runs. */
static void families_used(const Graph *g, bool used[KF_COUNT]) {
  for (int k = 0; k < KF_COUNT; k++) used[k] = false;
  for (int i = 0; i < g->nnodes; i++)
    if (!g->nodes[i]->dead) used[kernel_family(g->nodes[i]->call.kernel)] = true;
  used[KF_PORTABLE] = false;
}

/* "target": the --target and the variant per family, or, without one,
 * which variants the compiler's flags select (by_flags). */
static void json_target(const Graph *g, FILE *f) {
  const Target *t = g->target;
  bool used[KF_COUNT];
  families_used(g, used);
  fputs(" \"target\": {\"name\": ", f);
  json_str(f, t ? t->name : NULL);
  fputs(", \"resolved\": ", f);
  json_str(f, t ? t->resolved : NULL);
  fputs(", \"arch\": ", f);
  json_str(f, t ? target_arch_name(t->arch) : NULL);
  fputs(", \"features\": ", f);
  if (t) {
    fputc('[', f);
    int k = 0;
    for (int i = 0; i < TF_COUNT; i++)
      if (t->features & (1u << i)) {
        fputs(k++ ? ", " : "", f);
        json_str(f, target_feature_name(i));
      }
    fputc(']', f);
  } else {
    fputs("null", f);
  }
  fputs(", \"flags\": ", f);
  json_str(f, t ? t->flags : NULL);
  fputs(", \"kernels\": [", f);
  int k = 0;
  for (int i = KF_PACKED; i < KF_COUNT; i++) {
    if (!used[i]) continue;
    fprintf(f, "%s{\"family\": ", k++ ? ", " : "");
    json_str(f, kernel_family_name((KernelFamily)i));
    fputs(", \"variant\": ", f);
    json_str(f, t ? kernel_variant_name(target_family_variant(t, (KernelFamily)i)) : NULL);
    fputs(", \"by_flags\": ", f);
    json_str(f, t ? NULL : kernel_family_by_flags(g->arena, (KernelFamily)i));
    fputc('}', f);
  }
  fputs("]},\n", f);
}

/* The text report's target line(s): the target and the variant per kernel
 * family, or without --target the variants each family picks by flags. */
static void text_target(const Graph *g, FILE *f) {
  const Target *t = g->target;
  bool used[KF_COUNT];
  families_used(g, used);
  if (t) {
    fprintf(f, "target: %s", t->name);
    if (strcmp(t->name, t->resolved) != 0) fprintf(f, " (%s)", t->resolved);
    fprintf(f, ", build with %s\n", t->flags[0] ? t->flags : "any C99 compiler (portable scalar kernels)");
  }
  bool any = false;
  for (int i = KF_PACKED; i < KF_COUNT; i++) {
    if (!used[i]) continue;
    fputs(any ? "; " : t ? "kernels on this target: "
                         : "kernels (no --target: the C compiler's flags choose): ", f);
    any = true;
    if (t) {
      const KernelVariant v = target_family_variant(t, (KernelFamily)i);
      fprintf(f, "%s %s", kernel_family_name((KernelFamily)i), kernel_variant_name(v));
      const uint32_t need = kernel_variant_needs((KernelFamily)i, KV_AVX512);
      if ((t->features & (1u << TF_AVX512F)) && v != KV_AVX512 && need != ~0u &&
          (t->features & need) != need) {
        fputs(" (the avx512 variant needs", f);
        for (int j = 0; j < TF_COUNT; j++)
          if (need & ~t->features & (1u << j)) fprintf(f, " %s", target_feature_flag(j));
        fputc(')', f);
      }
    } else {
      fprintf(f, "%s: %s", kernel_family_name((KernelFamily)i),
              kernel_family_by_flags(g->arena, (KernelFamily)i));
    }
  }
  if (any) fputc('\n', f);
}

static void json_report(Graph *g, const Row *rows, int nr, FILE *f, int64_t tw,
                        int64_t tbytes, int64_t tmacs, double ratio, int64_t emitted) {
  fputs("{\"schema\": \"tnnc-report/1\", \"tnnc_version\": ", f);
  json_str(f, TNNC_VERSION);
  fputs(", \"model\": ", f);
  json_str(f, g->diag && g->diag->file ? g->diag->file : NULL);
  fputs(", \"producer\": ", f);
  json_str(f, g->producer && g->producer[0] ? g->producer : NULL);
  fprintf(f, ", \"opset\": %lld,\n \"inputs\": ", (long long)g->opset);
  json_tensors(f, g->inputs, g->ninputs);
  fputs(",\n \"outputs\": ", f);
  json_tensors(f, g->outputs, g->noutputs);
  fputs(",\n \"layers\": [", f);
  for (int i = 0; i < nr; i++) {
    const Row *r = &rows[i];
    const Node *n = r->n;
    const QuantInfo *q = n->quant && n->quant->packed ? n->quant : NULL;
    fprintf(f, "%s\n  {\"index\": %d, \"node\": ", i ? "," : "", i);
    json_str(f, n->name);
    fprintf(f, ", \"node_index\": %d, \"op\": ", n->index);
    json_str(f, op_name(n->op));
    fputs(", \"op_type\": ", f);
    json_str(f, n->op_type);
    fputs(", \"fused\": [", f);
    for (int j = 0; j < n->nfused; j++) {
      fprintf(f, "%s{\"node_index\": %d, \"node\": ", j ? ", " : "", n->fused_nodes[j]->index);
      json_str(f, n->fused_nodes[j]->name);
      fputs(", \"op_type\": ", f);
      json_str(f, n->fused_nodes[j]->op_type);
      fputc('}', f);
    }
    fputs("], \"weight_shape\": ", f);
    json_dims(f, r->w->dims, r->w->rank);
    fprintf(f, ", \"weights\": %lld, \"bits\": %g, \"scale\": ", (long long)r->nw, r->bits);
    json_str(f, q ? r->gran : NULL);
    fprintf(f, ", \"weight_bytes\": %lld, \"macs\": %lld, \"quantized_by\": ",
            (long long)r->bytes, (long long)r->macs);
    json_str(f, !n->quant ? NULL : n->quant->from_quantize ? "tnnc" : "model");
    fputs(", \"mode\": ", f);
    json_str(f, r->mode);
    fprintf(f, ", \"activation_bits\": %d, \"output_bits\": ",
            q && q->abits ? q->abits : 32);
    if (q && q->obits) fprintf(f, "%d", q->obits);
    else fputs("null", f);
    fputs(", \"kernel\": ", f);
    json_str(f, n->call.kernel >= 0 ? r->kernel : NULL);
    fputs(", \"variant\": ", f);
    json_str(f, r->variant);
    fputs(", \"reason\": ", f);
    json_str(f, n->fallback_reason);
    fputc('}', f);
  }
  fprintf(f, "\n ],\n \"totals\": {\"layers\": %d, \"weights\": %lld, \"weight_bytes\": %lld, "
             "\"macs\": %lld, \"compression_ratio\": %.6f},\n",
          nr, (long long)tw, (long long)tbytes, (long long)tmacs, ratio);
  json_target(g, f);
  fprintf(f, " \"memory\": {\"constant_bytes\": %lld, \"workspace_bytes\": %lld, "
             "\"stack_bytes\": ", (long long)emitted, (long long)g->ws_size);
  json_int_or_null(f, g->stack_bytes > 0 ? g->stack_bytes : -1);
  fputs("}}\n", f);
}

bool emit_report(Graph *g, bool json, FILE *f) {
  Row *rows = arena_calloc(g->arena, (size_t)g->nnodes + 1, sizeof(Row));
  int nr = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    const Tensor *w = layer_weight(n);
    if (!w) continue;
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
    r->variant = g->target && n->call.kernel >= 0
                     ? kernel_variant_name(target_kernel_variant(g->target, n->call.kernel))
                     : NULL;
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
    json_report(g, rows, nr, f, tw, tbytes, tmacs, ratio, emitted);
    return !ferror(f);
  }
  fprintf(f, "%-4s %-8s %-16s %5s %-12s %12s %14s  %-9s %-13s %-7s %s\n", "#", "op",
          "weight shape", "bits", "scale", "weight bytes", "MACs", "mode",
          "kernel", "variant", "ONNX nodes");
  int nreasons = 0;
  for (int i = 0; i < nr; i++) {
    const Row *r = &rows[i];
    char shape[64] = "";
    size_t len = 0;
    for (int d = 0; d < r->w->rank && len < sizeof shape - 24; d++)
      len += (size_t)snprintf(shape + len, sizeof shape - len, "%s%lld",
                              d ? "x" : "", (long long)r->w->dims[d]);
    fprintf(f, "%-4d %-8s %-16s %5g %-12s %12lld %14lld  %-9s %-13s %-7s '", i,
            op_name(r->n->op), shape, r->bits, r->gran, (long long)r->bytes,
            (long long)r->macs, r->mode, r->kernel,
            r->variant ? r->variant : r->n->call.kernel >= 0 ? "flags" : "-");
    text_str(f, r->n->name);
    fputc('\'', f);
    for (int j = 0; j < r->n->nfused; j++) {
      fputs(j ? ", '" : " + '", f);
      text_str(f, r->n->fused_nodes[j]->name);
      fputs("' (", f);
      text_str(f, r->n->fused_nodes[j]->op_type);
      fputc(')', f);
    }
    fputc('\n', f);
    nreasons += r->n->fallback_reason != NULL;
  }
  fprintf(f, "total: %d layers, %lld weights, %lld weight bytes, %lld MACs\n",
          nr, (long long)tw, (long long)tbytes, (long long)tmacs);
  fprintf(f, "compression ratio sum(#W*32)/sum(#W*bits): %.2f\n", ratio);
  fprintf(f, "constant bytes in the generated C: %lld\n", (long long)emitted);
  text_target(g, f);
  if (nreasons) {
    fputs("why layers stay float:\n", f);
    for (int i = 0; i < nr; i++) {
      if (!rows[i].n->fallback_reason) continue;
      fprintf(f, "%-4d '", i);
      text_str(f, rows[i].n->name);
      fputs("': ", f);
      text_str(f, rows[i].n->fallback_reason);
      fputc('\n', f);
    }
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
