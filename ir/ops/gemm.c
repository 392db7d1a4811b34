/* Gemm and MatMul, float32.
 *
 * Gemm (opsets 7-21): Y[M, N] = alpha * op(A) op(B) + beta * C, op the
 * optional transpose (transA, transB).  C is unidirectionally broadcast to
 * [M, N]: scalar, [N], [1, N], [M, 1] or [M, N]; the kernel reads it through
 * element strides (c_rs, c_cs), 0 on broadcast axes.  C is optional from
 * opset 11, required before.  beta = 0 ignores C.
 *
 * MatMul: numpy matmul.  A 1-D A is [1, K] and a 1-D B is [K, 1], the added
 * axis dropped from the output; the batch dims (all but the last two)
 * broadcast.  When B is shared by every batch and A is not broadcast, the
 * batches are contiguous rows of one product, so they are folded into M. */
#include <string.h>

#include "../ir.h"

/* ----------------------------------------------------------------- Gemm */

static bool gemm_infer(Graph *g, Node *n) {
  const Tensor *a = n->in[0], *b = n->in[1];
  const Tensor *c = n->nin > 2 ? n->in[2] : NULL;
  if (!a || !b) {
    diag_error(g->diag, n, "input %d is missing", a ? 1 : 0);
    return false;
  }
  if (!opk_check_rank(g, n, 0, 2, 2) || !opk_check_rank(g, n, 1, 2, 2))
    return false;
  if (!opk_check_float(g, n, 0) || !opk_check_float(g, n, 1)) return false;
  bool ta = ir_attr_int(n, "transA", 0) != 0;
  bool tb = ir_attr_int(n, "transB", 0) != 0;
  int64_t m = a->dims[ta ? 1 : 0], k = a->dims[ta ? 0 : 1];
  int64_t kb = b->dims[tb ? 1 : 0], nn = b->dims[tb ? 0 : 1];
  if (k != kb) {
    diag_error(g->diag, n, "inner dimensions disagree: op(A) of '%s' is "
               "[%lld, %lld] and op(B) of '%s' is [%lld, %lld]", a->name,
               (long long)m, (long long)k, b->name, (long long)kb,
               (long long)nn);
    return false;
  }
  if (!c && g->opset < 11) {
    diag_error(g->diag, n, "input 2 'C' is required before opset 11");
    return false;
  }
  if (c) {
    if (!opk_check_float(g, n, 2) || !opk_check_rank(g, n, 2, 0, 2))
      return false;
    int64_t want[2] = {m, nn};
    for (int d = 0; d < c->rank; d++) {
      int64_t v = c->dims[d], w = want[2 - c->rank + d];
      if (v != 1 && v != w) {
        diag_error(g->diag, n, "input 2 '%s' (C) cannot be broadcast to "
                   "[%lld, %lld]: dim %d is %lld", c->name, (long long)m,
                   (long long)nn, d, (long long)v);
        return false;
      }
    }
  }
  int64_t dims[2] = {m, nn};
  ir_tensor_set_shape(n->out[0], DT_FLOAT, 2, dims);
  return true;
}

static bool gemm_lower(Graph *g, Node *n) {
  const Tensor *a = n->in[0], *y = n->out[0];
  const Tensor *c = n->nin > 2 ? n->in[2] : NULL;
  tnn_gemm_params *p = opk_params(g, sizeof *p);
  p->ta = ir_attr_int(n, "transA", 0) != 0;
  p->tb = ir_attr_int(n, "transB", 0) != 0;
  p->m = y->dims[0];
  p->n = y->dims[1];
  p->k = a->dims[p->ta ? 0 : 1];
  p->alpha = ir_attr_float(n, "alpha", 1.0f);
  p->beta = ir_attr_float(n, "beta", 1.0f);
  p->has_c = c != NULL && p->beta != 0.0;
  if (p->has_c) {
    int64_t st[2];
    opk_bcast_strides(c, 2, y->dims, st);
    p->c_rs = st[0];
    p->c_cs = st[1];
  }
  n->call.kernel = TNN_K_f32_gemm;
  n->call.params = p;
  return true;
}

const OpKind opkind_gemm = {gemm_infer, gemm_lower};

/* --------------------------------------------------------------- MatMul */

typedef struct MmShape {
  int64_t m, n, k;
  int brank;                   /* output batch rank */
  int64_t bdims[IR_MAX_RANK];
  int rank;                    /* output rank */
  int64_t dims[IR_MAX_RANK];
} MmShape;

static bool mm_shape(Graph *g, Node *n, MmShape *s) {
  const Tensor *a = n->in[0], *b = n->in[1];
  if (!a || !b) {
    diag_error(g->diag, n, "input %d is missing", a ? 1 : 0);
    return false;
  }
  if (!opk_check_rank(g, n, 0, 1, IR_MAX_RANK) ||
      !opk_check_rank(g, n, 1, 1, IR_MAX_RANK))
    return false;
  if (!opk_check_float(g, n, 0) || !opk_check_float(g, n, 1)) return false;
  int ar = a->rank, br = b->rank;
  s->m = ar == 1 ? 1 : a->dims[ar - 2];
  s->k = a->dims[ar - 1];
  int64_t kb = br == 1 ? b->dims[0] : b->dims[br - 2];
  s->n = br == 1 ? 1 : b->dims[br - 1];
  if (s->k != kb) {
    diag_error(g->diag, n, "inner dimensions disagree: input 0 '%s' has K = "
               "%lld, input 1 '%s' has K = %lld", a->name, (long long)s->k,
               b->name, (long long)kb);
    return false;
  }
  int abr = ar > 2 ? ar - 2 : 0, bbr = br > 2 ? br - 2 : 0;
  s->brank = abr > bbr ? abr : bbr;
  for (int d = 0; d < s->brank; d++) {
    int da = d - (s->brank - abr), db = d - (s->brank - bbr);
    int64_t va = da >= 0 ? a->dims[da] : 1, vb = db >= 0 ? b->dims[db] : 1;
    if (va != vb && va != 1 && vb != 1) {
      diag_error(g->diag, n, "batch dims cannot be broadcast: '%s' has %lld "
                 "and '%s' has %lld on batch axis %d", a->name, (long long)va,
                 b->name, (long long)vb, d);
      return false;
    }
    s->bdims[d] = va == 1 ? vb : va;
  }
  s->rank = 0;
  for (int d = 0; d < s->brank; d++) s->dims[s->rank++] = s->bdims[d];
  if (ar > 1) s->dims[s->rank++] = s->m;
  if (br > 1) s->dims[s->rank++] = s->n;
  return true;
}

static bool matmul_infer(Graph *g, Node *n) {
  MmShape s;
  if (!mm_shape(g, n, &s)) return false;
  ir_tensor_set_shape(n->out[0], DT_FLOAT, s.rank, s.dims);
  return true;
}

/* Batch strides (elements) of operand t, whose matrices have `mat`
 * elements, against the output batch dims. */
static void mm_batch_strides(const Tensor *t, const MmShape *s, int64_t mat,
                             int64_t *bs) {
  int tbr = t->rank > 2 ? t->rank - 2 : 0;
  int64_t st = mat;
  for (int d = s->brank - 1; d >= 0; d--) {
    int td = d - (s->brank - tbr);
    if (td < 0 || t->dims[td] == 1) {
      bs[d] = 0;
    } else {
      bs[d] = st;
      st *= t->dims[td];
    }
  }
}

static bool matmul_lower(Graph *g, Node *n) {
  MmShape s;
  if (!mm_shape(g, n, &s)) return false;
  tnn_matmul_params *p = opk_params(g, sizeof *p);
  p->m = s.m;
  p->n = s.n;
  p->k = s.k;
  p->brank = s.brank;
  memcpy(p->bdims, s.bdims, sizeof(int64_t) * (size_t)s.brank);
  mm_batch_strides(n->in[0], &s, s.m * s.k, p->a_bs);
  mm_batch_strides(n->in[1], &s, s.k * s.n, p->b_bs);
  /* Shared B and unbroadcast A: one [batch * M, K] x [K, N] product. */
  int64_t nbatch = 1;
  bool b_shared = true;
  for (int d = 0; d < s.brank; d++) {
    nbatch *= s.bdims[d];
    if (p->b_bs[d] != 0) b_shared = false;
  }
  if (s.brank > 0 && b_shared &&
      ir_tensor_numel(n->in[0]) == nbatch * s.m * s.k) {
    p->m *= nbatch;
    p->brank = 0;
    memset(p->bdims, 0, sizeof p->bdims);
    memset(p->a_bs, 0, sizeof p->a_bs);
  }
  n->call.kernel = TNN_K_f32_matmul;
  n->call.params = p;
  return true;
}

const OpKind opkind_matmul = {matmul_infer, matmul_lower};
