/* Pass quant-weights: find the Conv, Gemm and MatMul layers whose constant
 * weights are binary ({-a, +a}) or ternary ({-a, 0, +a}) per output channel,
 * and, with --quantize, make float layers so.
 *
 * Recognition runs after constant folding and fold-bn, so every export form
 * arrives here as a plain float constant: quantizer subgraphs on an
 * initializer (Sign, Abs, ReduceMean, Mul...), DequantizeLinear of int8
 * {-1,0,1}, QONNX Quant/BipolarQuant have all been evaluated, and a
 * BatchNorm or per-channel Mul folded into the weights has only changed each
 * channel's scale (and its sign, which goes into t).  Per output channel m
 * (Conv: axis 0 of W; Gemm: axis 0 of B if transB else axis 1; MatMul:
 * axis 1 of B) a value is zero when |w| <= 1e-3 * max|w| (so -0.0 and
 * rounding noise are zero) and every other |w| must equal the channel's
 * mean magnitude a to 1e-4 relative.  Then W = a * t exactly up to that
 * noise, and the numerics do not change.  A layer with no zero is binary
 * (1 bit), otherwise ternary (2 bits, or 1.6 with --pack=base3).
 *
 * --quantize (Smart Quantization's per-layer choice, at compile time):
 *   binary:  t = sign(w) (0 -> +1), a = mean |w| per channel;
 *   ternary: d = 0.7 * mean |w| per channel, t = sign(w) where |w| > d,
 *            a = mean of the kept |w| (TWN);
 *   auto:    per layer, the cheaper of binary and ternary whose relative L2
 *            reconstruction error ||W - a t|| / ||W|| is within
 *            --tolerance, else the layer stays float.
 * The first and last weighted layers stay float unless --quantize-all.
 * A layer --quantize leaves float records why (Node.fallback_reason). */
#include <math.h>
#include <string.h>

#include "../ir/ir.h"

/* The weight tensor of a quantizable layer and its layout, or NULL. */
static const Tensor *layer_weight(const Node *n, bool *by_col) {
  *by_col = false;
  if (n->nin < 2 || !n->in[1] || !n->in[1]->data || n->in[1]->dtype != DT_FLOAT)
    return NULL;
  const Tensor *w = n->in[1];
  if (n->op == OP_CONV) return w->rank >= 3 ? w : NULL;
  if (n->op == OP_GEMM) {
    *by_col = ir_attr_int(n, "transB", 0) == 0;
    return w->rank == 2 ? w : NULL;
  }
  if (n->op == OP_MATMUL && w->rank == 2) {
    *by_col = true;
    return w;
  }
  return NULL;
}

/* W as rows per output channel: rows[m*k + j]. */
static float *weight_rows(Graph *g, const Tensor *w, bool by_col, int64_t *m,
                          int64_t *k) {
  const float *d = w->data;
  int64_t total = ir_tensor_numel(w);
  if (!by_col) {
    *m = w->dims[0];
    *k = *m ? total / *m : 0;
    float *r = arena_alloc(g->arena, sizeof(float) * (size_t)(total + 1));
    memcpy(r, d, sizeof(float) * (size_t)total);
    return r;
  }
  int64_t rows = w->dims[0], cols = w->dims[1];
  *m = cols;
  *k = rows;
  float *r = arena_alloc(g->arena, sizeof(float) * (size_t)(total + 1));
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++) r[j * rows + i] = d[i * cols + j];
  return r;
}

/* Recognizes rows as a*t per channel; fills q.  False if they are not. */
static bool recognize(Graph *g, const float *rows, int64_t m, int64_t k,
                      QuantInfo *q) {
  q->m = m;
  q->k = k;
  q->scale = arena_alloc(g->arena, sizeof(float) * (size_t)(m + 1));
  q->t = arena_alloc(g->arena, (size_t)(m * k + 1));
  bool zeros = false;
  for (int64_t c = 0; c < m; c++) {
    const float *r = rows + c * k;
    float amax = 0;
    for (int64_t j = 0; j < k; j++) amax = fmaxf(amax, fabsf(r[j]));
    if (!(amax < INFINITY)) return false;       /* inf or NaN */
    double sum = 0;
    int64_t nz = 0;
    for (int64_t j = 0; j < k; j++)
      if (fabsf(r[j]) > 1e-3f * amax) {
        sum += fabsf(r[j]);
        nz++;
      }
    float a = nz ? (float)(sum / (double)nz) : 0.0f;
    for (int64_t j = 0; j < k; j++) {
      float v = r[j];
      if (fabsf(v) <= 1e-3f * amax) {
        q->t[c * k + j] = 0;
        zeros = true;
        continue;
      }
      if (fabsf(fabsf(v) - a) > 1e-4f * a) return false;
      q->t[c * k + j] = v > 0 ? 1 : -1;
    }
    q->scale[c] = a;
  }
  q->bits = zeros ? 2 : 1;
  q->per_channel = false;
  for (int64_t c = 1; c < m; c++)
    if (fabsf(q->scale[c] - q->scale[0]) > 1e-6f * q->scale[0])
      q->per_channel = true;
  return true;
}

/* --quantize: binary (bits 1) or ternary (bits 2) approximation of rows;
 * returns the relative L2 error. */
static double approximate(Graph *g, const float *rows, int64_t m, int64_t k,
                          int bits, QuantInfo *q) {
  q->m = m;
  q->k = k;
  q->bits = bits;
  q->from_quantize = true;
  q->scale = arena_alloc(g->arena, sizeof(float) * (size_t)(m + 1));
  q->t = arena_alloc(g->arena, (size_t)(m * k + 1));
  double err = 0, norm = 0;
  bool zeros = false;
  for (int64_t c = 0; c < m; c++) {
    const float *r = rows + c * k;
    double mean = 0;
    for (int64_t j = 0; j < k; j++) mean += fabs(r[j]);
    mean = k ? mean / (double)k : 0;
    double d = bits == 2 ? 0.7 * mean : -1.0, kept = 0;
    int64_t nk = 0;
    for (int64_t j = 0; j < k; j++) {
      int8_t t = fabs(r[j]) > d ? (r[j] < 0 ? -1 : 1) : 0;
      q->t[c * k + j] = t;
      if (t) {
        kept += fabs(r[j]);
        nk++;
      } else {
        zeros = true;
      }
    }
    float a = nk ? (float)(kept / (double)nk) : 0.0f;
    q->scale[c] = a;
    for (int64_t j = 0; j < k; j++) {
      double e = r[j] - (double)a * q->t[c * k + j];
      err += e * e;
      norm += (double)r[j] * r[j];
    }
  }
  if (bits == 2 && !zeros) q->bits = 1;        /* stored as binary */
  q->per_channel = m > 1;
  return norm > 0 ? sqrt(err / norm) : 0;
}

/* Writes a*t back into the layer's weights (a new constant). */
static void apply(Graph *g, Node *n, const Tensor *w, bool by_col,
                  const QuantInfo *q) {
  Tensor *nw = ir_tensor_new(g, arena_printf(g->arena, "%s/quantized", w->name));
  ir_tensor_set_shape(nw, DT_FLOAT, w->rank, w->dims);
  float *d = ir_tensor_alloc_data(g, nw);
  for (int64_t c = 0; c < q->m; c++)
    for (int64_t j = 0; j < q->k; j++) {
      float v = q->scale[c] * q->t[c * q->k + j];
      if (by_col) d[j * q->m + c] = v;
      else d[c * q->k + j] = v;
    }
  n->in[1] = nw;
}

bool pass_quant_weights(Graph *g) {
  /* the weighted layers in order, for --quantize's first/last rule */
  int first = -1, last = -1;
  for (int i = 0; i < g->nnodes; i++) {
    bool bc;
    if (!g->nodes[i]->dead && layer_weight(g->nodes[i], &bc)) {
      if (first < 0) first = i;
      last = i;
    }
  }
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    bool by_col;
    const Tensor *w = n->dead ? NULL : layer_weight(n, &by_col);
    if (!w) continue;
    int64_t m, k;
    float *rows = weight_rows(g, w, by_col, &m, &k);
    if (m <= 0 || k <= 0) continue;
    QuantInfo *q = arena_alloc(g->arena, sizeof *q);
    if (recognize(g, rows, m, k, q)) {
      q->weight = w;
      n->quant = q;
      continue;
    }
    if (!g->quantize) continue;
    if ((i == first || i == last) && !g->quantize_all) {
      n->fallback_reason = i == first
          ? "first weighted layer: --quantize leaves it float (--quantize-all does not)"
          : "last weighted layer: --quantize leaves it float (--quantize-all does not)";
      continue;
    }
    if (g->quantize == 1 || g->quantize == 2) {
      approximate(g, rows, m, k, g->quantize, q);
    } else {
      /* auto: binary if good enough, else ternary, else float */
      QuantInfo *qt = arena_alloc(g->arena, sizeof *qt);
      double eb = approximate(g, rows, m, k, 1, q);
      double et = approximate(g, rows, m, k, 2, qt);
      if (eb > g->tolerance) {
        if (et > g->tolerance) {
          n->fallback_reason = arena_printf(
              g->arena, "--quantize=auto: binary error %.3g and ternary error %.3g exceed "
              "--tolerance %g", eb, et, g->tolerance);
          continue;
        }
        q = qt;
      }
    }
    apply(g, n, w, by_col, q);
    q->weight = n->in[1];
    n->quant = q;
  }
  return true;
}
