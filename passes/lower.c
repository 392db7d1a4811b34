/* Pass lower: choose each live node's runtime kernel and fill its params
 * (the op kind's lower hook).  After it, every live node has a KernelCall;
 * kernel -1 marks a view whose output may alias its input.
 *
 * A Conv, Gemm or MatMul with binary/ternary weights (pass quant-weights)
 * then moves to the packed kernels of runtime/tnn_bw*.h: its inputs become
 * {x, packed weights, scale[M], bias[M]}, the scale carrying Gemm's alpha
 * and the bias Gemm's beta * C (when C varies only along the channels).  A
 * The weight tensor gets its shape here and its bytes in pass pack-weights,
 * once, in the layout of the kernel the layer ends up running.  A
 * layer the packed kernels cannot take (transA, a full-matrix C, a batched
 * MatMul, a receptive field beyond TNN_BW_MAX_PATCH) keeps its float kernel
 * and records why in Node.fallback_reason (a note, and --report shows it). */
#include <math.h>
#include <string.h>

#include "../ir/ir.h"

static Tensor *new_const(Graph *g, const char *name, DType dt, int64_t n) {
  return ir_const_new(g, name, dt, 1, &n);
}

static int64_t bw_format(const Graph *g, const QuantInfo *q) {
  if (q->bits == 1) return TNN_BW_BINARY;
  return g->pack == PACK_BASE3 ? TNN_BW_BASE3 : TNN_BW_TERNARY;
}

/* Replaces n's inputs by {x, packed, scale, bias}. */
static void set_packed_inputs(Graph *g, Node *n, QuantInfo *q,
                              int64_t format, float alpha, const float *bias) {
  Tensor *x = n->in[0];
  const char *base = q->weight->name;
  Tensor *pw = new_const(g, arena_printf(g->arena, "%s/packed", base), DT_UINT8,
                         tnn_bw_bytes(format, q->m * q->k));
  q->wpacked = pw;                     /* pass pack-weights fills it */
  Tensor *sc = new_const(g, arena_printf(g->arena, "%s/scale", base), DT_FLOAT, q->m);
  Tensor *bi = new_const(g, arena_printf(g->arena, "%s/bias", n->name), DT_FLOAT, q->m);
  float *s = sc->data, *b = bi->data;
  for (int64_t i = 0; i < q->m; i++) {
    s[i] = q->scale[i] * alpha;
    b[i] = bias ? bias[i] : 0.0f;
  }
  n->in = arena_calloc(g->arena, 4, sizeof(Tensor *));
  n->nin = 4;
  n->in[0] = x;
  n->in[1] = pw;
  n->in[2] = sc;
  n->in[3] = bi;
}

static void lower_packed(Graph *g, Node *n) {
  QuantInfo *q = n->quant;
  int64_t format = bw_format(g, q);
  if (n->op == OP_CONV) {
    const tnn_conv_params *cp = n->call.params;
    if (n->call.kernel != TNN_K_f32_conv2d || n->in[0]->rank != 4) {
      n->fallback_reason = "not a 2-D convolution (the packed kernels take 2-D only)";
      return;
    }
    int64_t k = cp->c / cp->group * cp->kh * cp->kw;
    if (k != q->k || cp->m != q->m) {
      n->fallback_reason = "weight shape does not match the convolution";
      return;
    }
    if (k > TNN_BW_MAX_PATCH) {
      n->fallback_reason = arena_printf(
          g->arena, "patch of %lld weights (C/group*kh*kw) exceeds the packed kernel's %d",
          (long long)k, TNN_BW_MAX_PATCH);
      return;
    }
    const Tensor *b = n->nin > 2 ? n->in[2] : NULL;
    if (b && !b->data) {
      n->fallback_reason = "bias computed at run time (the packed kernel takes a constant one)";
      return;
    }
    tnn_bwconv_params *p = opk_params(g, sizeof *p);
    IR_COPY_WINDOW(p, cp);
    p->m = cp->m;
    p->group = cp->group;
    p->format = format;
    p->lo = -INFINITY;
    p->hi = INFINITY;
    set_packed_inputs(g, n, q, format, 1.0f, b ? b->data : NULL);
    n->call.kernel = TNN_K_f32_bwconv;
    n->call.params = p;
    q->packed = true;
    /* whole blocks of 16 output channels: lane masks, 16 channels per add */
    if (registry_bwconv_kernel(g->target, p) == TNN_K_f32_bwconv_mb) {
      Tensor *wm = new_const(g, arena_printf(g->arena, "%s/lanes", q->weight->name),
                             DT_UINT8, tnn_bw_mb_bytes(format, q->m, q->k));
      n->in[1] = wm;
      q->wpacked = wm;
      n->call.kernel = TNN_K_f32_bwconv_mb;
    }
    return;
  }
  int64_t rows, mch, k;
  float alpha = 1.0f;
  float *bias = NULL;
  if (n->op == OP_GEMM) {
    const tnn_gemm_params *gp = n->call.params;
    if (gp->ta) {
      n->fallback_reason = "Gemm with transA (the packed kernel takes transA = 0)";
      return;
    }
    if (gp->has_c && gp->c_rs != 0) {
      n->fallback_reason = "Gemm's C varies along the rows (the packed kernel takes one bias per channel)";
      return;
    }
    if (gp->has_c && !n->in[2]->data) {
      n->fallback_reason = "Gemm's C computed at run time (the packed kernel takes a constant one)";
      return;
    }
    rows = gp->m;
    mch = gp->n;
    k = gp->k;
    alpha = (float)gp->alpha;
    if (gp->has_c) {
      bias = arena_calloc(g->arena, (size_t)mch + 1, sizeof(float));
      const float *c = n->in[2]->data;
      for (int64_t j = 0; j < mch; j++) bias[j] = (float)gp->beta * c[j * gp->c_cs];
    }
  } else {
    const tnn_matmul_params *mp = n->call.params;
    if (mp->brank != 0) {
      n->fallback_reason = "batched MatMul (the packed kernel takes one 2-D weight)";
      return;
    }
    rows = mp->m;
    mch = mp->n;
    k = mp->k;
  }
  if (mch != q->m || k != q->k) {
    n->fallback_reason = "weight shape does not match the layer";
    return;
  }
  tnn_bwfc_params *p = opk_params(g, sizeof *p);
  p->n = rows;
  p->m = mch;
  p->k = k;
  p->format = format;
  p->lo = -INFINITY;
  p->hi = INFINITY;
  set_packed_inputs(g, n, q, format, alpha, bias);
  n->call.kernel = TNN_K_f32_bwfc;
  n->call.params = p;
  q->packed = true;
}

/* A float convolution (group 1, constant weights) runs tnn_f32_conv2d_mb
 * on weights re-laid out for SIMD; the sums come out in the same order. */
static void lower_conv_mb(Graph *g, Node *n) {
  const tnn_conv_params *p = n->call.params;
  const Tensor *w = n->in[1];
  if (registry_conv_kernel(g->target, p, w->data && w->dtype == DT_FLOAT) != TNN_K_f32_conv2d_mb)
    return;
  const int64_t ksz = p->kh * p->kw;
  const int64_t len = (p->m + TNN_CONV_MB - 1) / TNN_CONV_MB * p->c * ksz * TNN_CONV_MB;
  Tensor *t = new_const(g, arena_printf(g->arena, "%s/simd", w->name), DT_FLOAT, len);
  tnn_conv_mb_layout(w->data, p->m, p->c, ksz, t->data);
  n->orig_weight = w;
  n->in[1] = t;
  n->call.kernel = TNN_K_f32_conv2d_mb;
}

bool pass_lower(Graph *g) {
  bool ok = true;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    if (!op_info(n->op)->kind->lower(g, n)) {
      ok = false;
      continue;
    }
    TNNC_ASSERT(n->call.params != NULL);
    if (n->quant) lower_packed(g, n);
    if (n->call.kernel == TNN_K_f32_conv2d) lower_conv_mb(g, n);
  }
  return ok;
}
