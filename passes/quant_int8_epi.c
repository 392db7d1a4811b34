/* Pass quant-int8: the next quantizer moved into an 8-bit layer's
 * epilogue (passes/quant_int8.h). */
#include <string.h>

#include "quant_int8.h"

/* The quantizer E right after an 8-bit layer L (its float output read by E
 * alone) moves into L's epilogue: L writes E's codes (ocode), computed from
 * the same float value by the same formula, so the codes are unchanged and
 * the float tensor is never written. */
static void fuse_output(Graph *g, Node *E) {
  const tnn_i8quant_params *qp = E->call.params;
  Tensor *y = E->in[0];
  Node *L = y->producer;
  if (!L || L->dead || y->nuses != 1 || y->is_output) return;
  /* L -> max pool P -> E: L writes full-size codes and P pools them
   * (tnn_x_i8maxpool: the pool commutes with the quantizer) */
  Node *P = NULL;
  if (L->call.kernel == TNN_K_f32_max_pool && L->nout == 1) {
    const tnn_pool_params *pp = L->call.params;
    Tensor *y0 = L->in[0];
    Node *L0 = y0->producer;
    if (!L0 || L0->dead || L0->call.kernel != TNN_K_x_i8conv || y0->nuses != 1 ||
        y0->is_output || !qp->nhwc || qp->outer != pp->n || qp->c != pp->c ||
        qp->inner != pp->oh * pp->ow)
      return;
    const tnn_i8conv_params *lp = L0->call.params;
    if (lp->m != pp->c || lp->oh != pp->h || lp->ow != pp->w) return;
    P = L;
    L = L0;
    y = y0;
  }
  if (!L->quant) return;
  int64_t *ocode, *ostride, *qdiv, *qmode, *qlevels;
  double *qscale, *qpre, *qpost;
  if (L->call.kernel == TNN_K_x_i8conv) {
    tnn_i8conv_params *p = L->call.params;
    if (!P && (!qp->nhwc || qp->outer != p->n || qp->c != p->m ||
               qp->inner != p->oh * p->ow || qp->ostride != p->m * p->oh * p->ow))
      return;
    ocode = &p->ocode; ostride = &p->ostride; qdiv = &p->qdiv; qmode = &p->qmode;
    qlevels = &p->qlevels; qscale = &p->qscale; qpre = &p->qpre; qpost = &p->qpost;
  } else if (L->call.kernel == TNN_K_x_i8fc) {
    tnn_i8fc_params *p = L->call.params;
    if (qp->nhwc || qp->outer != p->n || qp->c != p->m || qp->inner != 1) return;
    ocode = &p->ocode; ostride = &p->ostride; qdiv = &p->qdiv; qmode = &p->qmode;
    qlevels = &p->qlevels; qscale = &p->qscale; qpre = &p->qpre; qpost = &p->qpost;
  } else {
    return;
  }
  *ocode = 1;
  *ostride = P ? qp->c * y->dims[2] * y->dims[3] : qp->ostride;
  *qdiv = qp->div;
  *qmode = qp->mode;
  *qlevels = qp->levels;
  *qscale = qp->scale;
  *qpre = qp->pre;
  *qpost = qp->post;
  int bits = 1;
  while ((1 << bits) < qp->levels) bits++;
  L->quant->obits = bits;
  Tensor *x = E->out[0];
  if (P) {                     /* L -> codes y -> P -> x */
    const int64_t d[2] = {y->dims[0], *ostride};
    ir_tensor_set_shape(y, DT_UINT8, 2, d);
    P->call.kernel = TNN_K_x_i8maxpool;
    P->out[0] = x;
    x->producer = P;
  } else {
    L->out[0] = x;
    x->producer = L;
  }
  ir_add_fused(g, L, E);
  E->dead = true;
}

/* The sole reader of t, or NULL. */
static Node *sole_reader(Graph *g, const Tensor *t) {
  if (t->nuses != 1 || t->is_output) return NULL;
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    for (int a = 0; a < n->nin; a++)
      if (n->in[a] == t) return n;
  }
  return NULL;
}

/* A fake quantizer after an 8-bit layer L whose readers take float (a
 * chain from L's output y to a float x with levels, e.g. Clip, QuantizeLinear,
 * DequantizeLinear before a pool and a float classifier) moves into L's
 * epilogue (ocode 2): L computes the code as tnn_f32_i8quant would and
 * writes its level (float)(code + c) * s, taken only when that float is
 * every level's exact value.  The longest such chain is taken. */
static void fuse_fake(Graph *g, Node *L) {
  tnn_i8conv_params *cp = L->call.kernel == TNN_K_x_i8conv ? L->call.params : NULL;
  tnn_i8fc_params *fp = L->call.kernel == TNN_K_x_i8fc ? L->call.params : NULL;
  if ((!cp && !fp) || (cp ? cp->ocode : fp->ocode)) return;
  Tensor *y = L->out[0], *ends[CHAIN_MAX];
  int ne = 0;
  for (Tensor *t = y; ne < CHAIN_MAX;) {
    Node *r = sole_reader(g, t);
    int var;
    if (!r || !qi_chain_node(r, &var) || r->in[var] != t) break;
    t = ends[ne++] = r->out[0];
  }
  for (int e = ne - 1; e >= 0; e--) {
    Chain ch;
    Tensor *x = ends[e];
    if (x->dtype != DT_FLOAT || x->rank != y->rank ||
        memcmp(x->dims, y->dims, sizeof(int64_t) * (size_t)y->rank) || !qi_find_chain(x, &ch) ||
        ch.f != y || !qi_chain_levels(&ch, 0))
      continue;
    tnn_i8quant_params form;
    if (!qi_find_formula(&ch, 0, &form)) continue;
    const float step = (float)ch.s;
    bool exact = true;
    for (int j = 0; j < ch.levels && exact; j++) {
      const float v = (float)((int32_t)j + (int32_t)ch.c) * step;
      exact = memcmp(&v, &ch.vals[j], sizeof v) == 0;
    }
    if (!exact) continue;
    int64_t *f[] = {cp ? &cp->ocode : &fp->ocode, cp ? &cp->qdiv : &fp->qdiv,
                    cp ? &cp->qmode : &fp->qmode, cp ? &cp->qlevels : &fp->qlevels,
                    cp ? &cp->qoff : &fp->qoff};
    double *d[] = {cp ? &cp->qscale : &fp->qscale, cp ? &cp->qpre : &fp->qpre,
                   cp ? &cp->qpost : &fp->qpost, cp ? &cp->qstep : &fp->qstep};
    *f[0] = 2;
    *f[1] = form.div;
    *f[2] = form.mode;
    *f[3] = form.levels;
    *f[4] = ch.c;
    *d[0] = form.scale;
    *d[1] = form.pre;
    *d[2] = form.post;
    *d[3] = step;
    L->out[0] = x;
    x->producer = L;
    for (int i = 0; i < ch.n; i++) {
      ir_add_fused(g, L, ch.nodes[i]);
      ch.nodes[i]->dead = true;
    }
    return;
  }
}

void qi_fuse_epilogues(Graph *g) {
  for (int i = 0; i < g->nnodes; i++)
    if (!g->nodes[i]->dead && g->nodes[i]->call.kernel == TNN_K_f32_i8quant)
      fuse_output(g, g->nodes[i]);
  ir_recount(g);
  for (int i = 0; i < g->nnodes; i++)
    if (!g->nodes[i]->dead) fuse_fake(g, g->nodes[i]);
  ir_recount(g);
}
