/* Pass quant-int8: the activation quantizer chain (passes/quant_int8.h). */
#include <math.h>
#include <string.h>

#include "quant_int8.h"

/* ------------------------------------------------- single values */

static int64_t fkey(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u & 0x80000000u ? -(int64_t)(u & 0x7fffffffu) : (int64_t)u;
}

static float fval(int64_t key) {
  uint32_t u = key < 0 ? (uint32_t)(-key) | 0x80000000u : (uint32_t)key;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

static bool scalar(const Tensor *t) { return t && t->data && ir_tensor_numel(t) == 1; }


/* The chain's output for input value v, from node `from` on. */
static float eval_chain(const Chain *ch, int from, float v) {
  uint64_t slot[2] = {0, 0};
  memcpy(slot, &v, sizeof v);
  for (int i = from; i < ch->n; i++) {
    const Node *n = ch->nodes[i];
    const Tensor *prev = qi_chain_in(ch, i);
    const void *in[3] = {NULL, NULL, NULL};
    uint64_t cur[2];
    memcpy(cur, slot, sizeof cur);
    for (int j = 0; j < n->nin && j < 3; j++)
      in[j] = !n->in[j] ? NULL : n->in[j] == prev ? (const void *)cur : n->in[j]->data;
    kernel_eval_one(n, 0, in, slot);
  }
  float y;
  memcpy(&y, slot, sizeof y);
  return y;
}

/* ------------------------------------------------- the chain */

static bool positive(const Tensor *t) { return scalar(t) && ir_const_double(t, 0) > 0; }

/* Whether n is non-decreasing in its variable input `var` (the others
 * scalar constants); var is its index. */
bool qi_chain_node(const Node *n, int *var) {
  const int k = n->call.kernel;
  if (n->nout != 1 || !n->out[0]) return false;
  *var = 0;
  /* a view (Flatten, Reshape, ...) keeps every element and its order, so
   * an elementwise chain runs through it */
  if (k < 0) return op_is_view(n) && n->nin >= 1 && n->in[0] && n->in[0]->dtype == DT_FLOAT;
  if (k == TNN_K_f32_quantize_linear || k == TNN_K_x_dequantize) {
    const Tensor *x = n->in[0];
    return positive(n->in[1]) && (n->nin < 3 || !n->in[2] || scalar(n->in[2])) &&
           (x->dtype == DT_FLOAT || x->dtype == DT_UINT8 || x->dtype == DT_INT8);
  }
  if (k == TNN_K_f32_quant) {
    const tnn_quant_params *p = n->call.params;
    return !p->bipolar && positive(n->in[1]) && scalar(n->in[2]);
  }
  if (k == TNN_K_f32_round || k == TNN_K_f32_floor || k == TNN_K_f32_clip ||
      k == TNN_K_f32_relu)
    return n->in[0]->dtype == DT_FLOAT;
  if (n->nin != 2 || !n->in[0] || !n->in[1]) return false;
  const bool c0 = n->in[0]->data != NULL, c1 = n->in[1]->data != NULL;
  if (c0 == c1) return false;
  *var = c0 ? 1 : 0;
  const Tensor *cst = n->in[c0 ? 0 : 1];
  if (!scalar(cst) || cst->dtype != DT_FLOAT) return false;
  switch (k) {
  case TNN_K_f32_add: case TNN_K_f32_min: case TNN_K_f32_max:
  case TNN_K_f32_fmin: case TNN_K_f32_fmax:
    return true;
  case TNN_K_f32_mul:
    return positive(cst);
  case TNN_K_f32_sub: case TNN_K_f32_div:
    return *var == 0 && (k == TNN_K_f32_sub || positive(cst));
  default:
    return false;
  }
}

/* The longest chain ending at x: false when x's producer is not one.  The
 * graph is not changed (a commutative node keeps its operand order: Min and
 * Max differ on NaN and signed zeros when swapped). */
bool qi_find_chain(Tensor *x, Chain *ch) {
  memset(ch, 0, sizeof *ch);
  ch->x = x;
  Node *rev[CHAIN_MAX];
  int rvar[CHAIN_MAX];
  int nr = 0;
  Tensor *t = x;
  while (nr < CHAIN_MAX) {
    Node *p = t->producer;
    int var;
    if (!p || p->dead || !qi_chain_node(p, &var)) break;
    if (t != x && (t->nuses != 1 || t->is_output)) break;
    if (ir_tensor_numel(p->out[0]) != ir_tensor_numel(p->in[var])) break;
    rvar[nr] = var;
    rev[nr++] = p;
    t = p->in[var];
  }
  if (nr == 0) return false;
  for (int i = 0; i < nr; i++) {
    ch->nodes[i] = rev[nr - 1 - i];
    ch->var[i] = rvar[nr - 1 - i];
  }
  ch->n = nr;
  ch->f = qi_chain_in(ch, 0);
  return true;
}

/* Levels of the chain from node `from`: false beyond LEVELS_MAX, NaN or
 * fewer than 2. */
bool qi_chain_levels(Chain *ch, int from) {
  const Tensor *f = qi_chain_in(ch, from);
  if (f->dtype != DT_FLOAT || ch->x->dtype != DT_FLOAT) return false;
  int64_t lo = fkey(-INFINITY);
  const int64_t hi = fkey(INFINITY);
  float cur = eval_chain(ch, from, fval(lo));
  const float last = eval_chain(ch, from, fval(hi));
  if (cur != cur || last != last) return false;
  ch->levels = 0;
  ch->vals[ch->levels++] = cur;
  while (cur != last) {
    int64_t a = lo + 1, b = hi;
    while (a < b) {
      const int64_t mid = a + (b - a) / 2;
      if (eval_chain(ch, from, fval(mid)) != cur) b = mid;
      else a = mid + 1;
    }
    const float nv = eval_chain(ch, from, fval(a));
    if (nv != nv || nv < cur || ch->levels == LEVELS_MAX) return false;
    ch->thr[ch->levels] = a;
    ch->vals[ch->levels++] = nv;
    cur = nv;
    lo = a;
  }
  if (ch->levels < 2) return false;
  /* evenly spaced, integer offset */
  const int L = ch->levels;
  const double v0 = ch->vals[0], vl = ch->vals[L - 1];
  const double big = fmax(fabs(v0), fabs(vl));
  ch->s = (vl - v0) / (L - 1);
  if (!(ch->s > 0) || !isfinite(ch->s)) return false;
  const double cd = v0 / ch->s;
  ch->c = (int64_t)llround(cd);
  if (fabs(cd - (double)ch->c) > 1e-3) return false;
  for (int j = 0; j < L; j++)
    if (fabs(ch->vals[j] - ch->s * (double)(j + ch->c)) > 1e-5 * big) return false;
  return true;
}

/* The chain's constants: candidates for the formula. */
static int chain_consts(const Chain *ch, int from, double *out, int max) {
  int n = 0;
  for (int i = from; i < ch->n; i++)
    for (int j = 0; j < ch->nodes[i]->nin; j++) {
      const Tensor *t = ch->nodes[i]->in[j];
      if (j == ch->var[i] || ch->nodes[i]->call.kernel < 0) continue;
      if (scalar(t) && n < max) out[n++] = ir_const_double(t, 0);
    }
  return n;
}

static bool formula_ok(const Chain *ch, const tnn_i8quant_params *p) {
  if (tnn_i8_code(p, -INFINITY) != 0 || tnn_i8_code(p, INFINITY) != ch->levels - 1)
    return false;
  for (int j = 1; j < ch->levels; j++)
    if (tnn_i8_code(p, fval(ch->thr[j])) != j || tnn_i8_code(p, fval(ch->thr[j] - 1)) != j - 1)
      return false;
  return true;
}

/* Finds the quantizer formula (params except the layout); false if none
 * reproduces the chain. */
bool qi_find_formula(const Chain *ch, int from, tnn_i8quant_params *p) {
  double k[3 * CHAIN_MAX];
  const int nk = chain_consts(ch, from, k, 3 * CHAIN_MAX);
  double pres[1 + 3 * CHAIN_MAX];
  int np = 0;
  pres[np++] = 0;
  for (int i = 0; i < nk; i++)
    if (k[i] == floor(k[i]) && fabs(k[i]) <= 65536 && k[i] != 0) pres[np++] = k[i];
  static const int64_t modes[] = {TNN_ROUND_HALF_EVEN, TNN_ROUND_HALF_UP, TNN_ROUND_FLOOR,
                                  TNN_ROUND_CEIL, TNN_ROUND_DOWN, TNN_ROUND_UP,
                                  TNN_ROUND_HALF_DOWN};
  memset(p, 0, sizeof *p);
  p->levels = ch->levels;
  for (int div = 1; div >= 0; div--)
    for (int i = 0; i < nk; i++) {
      const double a = k[i], want = div ? ch->s : 1.0 / ch->s;
      if (!(a > 0) || fabs(a - want) > 1e-4 * want) continue;
      for (int q = 0; q < np; q++)
        for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
          p->div = div;
          p->scale = (float)a;
          p->pre = pres[q];
          p->post = (double)(-ch->c) - pres[q];
          p->mode = modes[m];
          if (formula_ok(ch, p)) return true;
        }
    }
  return false;
}
