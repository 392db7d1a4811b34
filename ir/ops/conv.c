/* Conv (opsets 1-21): 1-D and 2-D, float32, NCHW.
 *
 * X is [N, C, H, W] (or [N, C, W]), W is [M, C/group, kH, kW] and the
 * optional B is [M].  kernel_shape, when given, must agree with W.  A 1-D
 * conv is lowered as a 2-D one with H = kH = 1, so one kernel serves both.
 *
 * Window geometry (shared with pool.c through opk_window).  Along each
 * spatial axis, with input size i, kernel k, stride s, dilation d and the
 * dilated extent e = (k - 1) * d + 1:
 *   NOTSET      o = floor((i + p_begin + p_end - e) / s) + 1
 *               (pools with ceil_mode round up, then drop a last window
 *               that would start in the end padding: (o-1)*s >= i + p_begin)
 *   VALID       pads 0, o as NOTSET
 *   SAME_*      o = ceil(i / s), total pad max(0, (o-1)*s + e - i) split
 *               evenly; the odd one goes at the end (SAME_UPPER) or at the
 *               beginning (SAME_LOWER).
 * Explicit pads are ignored when auto_pad is not NOTSET, as onnxruntime. */
#include <string.h>

#include "../ir.h"

/* Reads an ints attribute of exactly `count` values >= lo into v, or
 * leaves the default in v when absent. */
static bool window_ints(Graph *g, Node *n, const char *name, int count,
                        int64_t lo, int64_t *v) {
  int64_t tmp[2 * IR_MAX_RANK];
  int got = ir_attr_ints(n, name, tmp, 2 * IR_MAX_RANK);
  if (got < 0) return true;
  if (got != count) {
    diag_error(g->diag, n, "attribute '%s' has %d values, expected %d", name,
               got, count);
    return false;
  }
  for (int i = 0; i < count; i++) {
    if (tmp[i] < lo) {
      diag_error(g->diag, n, "attribute '%s' has value %lld, expected >= %lld",
                 name, (long long)tmp[i], (long long)lo);
      return false;
    }
    v[i] = tmp[i];
  }
  return true;
}

/* The largest stride, dilated kernel extent or padded input size accepted:
 * the kernels' index arithmetic (an offset plus a stride, a position plus
 * an extent) then stays within int64. */
#define WINDOW_MAX (INT64_C(1) << 62)

/* a + b, a * b and a - b of non-negative values, false when the result
 * leaves [0, WINDOW_MAX] (onnxruntime refuses such windows as overflows). */
static bool win_add(int64_t a, int64_t b, int64_t *r) {
  return !__builtin_add_overflow(a, b, r) && *r <= WINDOW_MAX;
}
static bool win_mul(int64_t a, int64_t b, int64_t *r) {
  return !__builtin_mul_overflow(a, b, r) && *r <= WINDOW_MAX;
}

static bool window_too_large(Graph *g, Node *n, int axis) {
  diag_error(g->diag, n, "the window on spatial axis %d (kernel, dilation, "
             "stride and pads) is too large: its extent overflows or exceeds "
             "2^62", axis);
  return false;
}

/* Strides, dilations and pads [begin..., end...] of a sliding window over
 * nsp spatial axes of sizes in[] with kernel k[], and the output sizes.
 * Shared by Conv, MaxPool and AveragePool.  false (+diag) on bad
 * attributes, a window whose arithmetic would overflow, or an empty
 * output.  All arithmetic is checked: every extent stays <= WINDOW_MAX. */
bool opk_window(Graph *g, Node *n, int nsp, const int64_t *in,
                const int64_t *k, bool ceil_mode, int64_t *s, int64_t *d,
                int64_t *pads, int64_t *out) {
  for (int i = 0; i < nsp; i++) {
    s[i] = 1;
    d[i] = 1;
    pads[i] = pads[nsp + i] = 0;
  }
  if (!window_ints(g, n, "strides", nsp, 1, s) ||
      !window_ints(g, n, "dilations", nsp, 1, d) ||
      !window_ints(g, n, "pads", 2 * nsp, 0, pads))
    return false;
  const char *ap = ir_attr_string(n, "auto_pad", "NOTSET");
  bool same_upper = strcmp(ap, "SAME_UPPER") == 0;
  bool same_lower = strcmp(ap, "SAME_LOWER") == 0;
  bool valid = strcmp(ap, "VALID") == 0;
  if (!same_upper && !same_lower && !valid && strcmp(ap, "NOTSET") != 0 &&
      ap[0] != '\0') {
    diag_error(g->diag, n, "auto_pad '%s' is not one of NOTSET, SAME_UPPER, "
               "SAME_LOWER, VALID", ap);
    return false;
  }
  int64_t area = 1;            /* product of the extents (pool divisors) */
  for (int i = 0; i < nsp; i++) {
    if (k[i] < 1) {
      diag_error(g->diag, n, "kernel size %lld on spatial axis %d is not "
                 "positive", (long long)k[i], i);
      return false;
    }
    int64_t e, padded, t;
    if (!win_mul(k[i] - 1, d[i], &e) || !win_add(e, 1, &e) ||
        !win_mul(area, e, &area) || s[i] > WINDOW_MAX || in[i] > WINDOW_MAX)
      return window_too_large(g, n, i);
    if (same_upper || same_lower) {
      int64_t o = in[i] / s[i] + (in[i] % s[i] != 0);
      /* total pad (o - 1) * s + e - in, checked like onnxruntime's */
      if (!win_mul(o > 0 ? o - 1 : 0, s[i], &t) || !win_add(t, e, &t))
        return window_too_large(g, n, i);
      int64_t total = t - in[i];
      if (total < 0) total = 0;
      pads[i] = same_upper ? total / 2 : total - total / 2;
      pads[nsp + i] = total - pads[i];
      if (!win_add(in[i], total, &padded)) return window_too_large(g, n, i);
      out[i] = o;
      continue;
    }
    if (valid) pads[i] = pads[nsp + i] = 0;
    if (!win_add(in[i], pads[i], &padded) ||
        !win_add(padded, pads[nsp + i], &padded))
      return window_too_large(g, n, i);
    int64_t span = padded - e;
    if (span < 0) {
      diag_error(g->diag, n, "the kernel extent %lld (kernel %lld, dilation "
                 "%lld) exceeds the padded input size %lld on spatial axis %d",
                 (long long)e, (long long)k[i], (long long)d[i],
                 (long long)padded, i);
      return false;
    }
    int64_t o = span / s[i] + (ceil_mode && span % s[i] != 0) + 1;
    /* (o - 1) * s <= span + s - 1 < 2 * WINDOW_MAX: no overflow */
    if (ceil_mode && (o - 1) * s[i] >= in[i] + pads[i]) o--;
    out[i] = o;
  }
  return true;
}

/* The checks and geometry shared by infer and lower. */
typedef struct ConvShape {
  int nsp;                     /* spatial axes: 1 or 2 */
  int64_t n, c, m, group;
  int64_t in[2], k[2], s[2], d[2], pads[4], out[2];
} ConvShape;

/* The checks Conv and ConvTranspose share: X and W present, 1-D or 2-D
 * (3-D refused as `what`), float, W of X's rank. */
static bool conv_inputs(Graph *g, Node *n, const char *what) {
  const Tensor *x = n->in[0], *w = n->in[1];
  if (!x || !w) {
    diag_error(g->diag, n, "input %d (%s) is missing", x ? 1 : 0,
               x ? "W" : "X");
    return false;
  }
  if (x->rank == 5) {
    diag_error(g->diag, n, "input 0 '%s' has rank 5: 3-D %s is not supported", x->name, what);
    return false;
  }
  if (!opk_check_rank(g, n, 0, 3, 4)) return false;
  if (!opk_check_float(g, n, 0) || !opk_check_float(g, n, 1)) return false;
  if (w->rank != x->rank) {
    diag_error(g->diag, n, "input 1 '%s' has rank %d, expected %d", w->name,
               w->rank, x->rank);
    return false;
  }
  return true;
}

static bool conv_shape(Graph *g, Node *n, ConvShape *cs) {
  const Tensor *x = n->in[0], *w = n->in[1];
  const Tensor *b = n->nin > 2 ? n->in[2] : NULL;
  if (!conv_inputs(g, n, "convolution")) return false;
  int nsp = x->rank - 2;
  cs->nsp = nsp;
  cs->n = x->dims[0];
  cs->c = x->dims[1];
  cs->m = w->dims[0];
  cs->group = ir_attr_int(n, "group", 1);
  if (cs->group < 1 || cs->c % cs->group != 0 || cs->m % cs->group != 0) {
    diag_error(g->diag, n, "group %lld does not divide the input channels "
               "(%lld) and the output channels (%lld)", (long long)cs->group,
               (long long)cs->c, (long long)cs->m);
    return false;
  }
  if (w->dims[1] * cs->group != cs->c) {
    diag_error(g->diag, n, "input 1 '%s' has %lld input channels per group, "
               "expected %lld (input channels %lld / group %lld)", w->name,
               (long long)w->dims[1], (long long)(cs->c / cs->group),
               (long long)cs->c, (long long)cs->group);
    return false;
  }
  if (b) {
    if (!opk_check_float(g, n, 2)) return false;
    if (b->rank != 1 || b->dims[0] != cs->m) {
      diag_error(g->diag, n, "input 2 '%s' (bias) must have shape [%lld]",
                 b->name, (long long)cs->m);
      return false;
    }
  }
  for (int i = 0; i < nsp; i++) {
    cs->in[i] = x->dims[2 + i];
    cs->k[i] = w->dims[2 + i];
  }
  int64_t ks[2];
  int nks = ir_attr_ints(n, "kernel_shape", ks, 2);
  if (nks >= 0) {
    if (nks != nsp || memcmp(ks, cs->k, sizeof(int64_t) * (size_t)nsp) != 0) {
      diag_error(g->diag, n, "attribute 'kernel_shape' disagrees with the "
                 "spatial dims of input 1 '%s'", w->name);
      return false;
    }
  }
  return opk_window(g, n, nsp, cs->in, cs->k, false, cs->s, cs->d, cs->pads,
                    cs->out);
}

static bool conv_infer(Graph *g, Node *n) {
  ConvShape cs;
  if (!conv_shape(g, n, &cs)) return false;
  int64_t dims[4] = {cs.n, cs.m, cs.out[0], cs.out[1]};
  ir_tensor_set_shape(n->out[0], DT_FLOAT, 2 + cs.nsp, dims);
  return true;
}

/* Lowers n to `kernel` on the params of shape cs (Conv and ConvTranspose
 * take the same ones); 1-D as 2-D with a unit H axis: spatial axis 0
 * becomes W. */
static void conv_params(Graph *g, Node *n, const ConvShape *cs, int kernel) {
  int a = cs->nsp == 2 ? 0 : -1, b = cs->nsp - 1;
  tnn_conv_params *p = opk_params(g, sizeof *p);
  p->n = cs->n;
  p->c = cs->c;
  p->m = cs->m;
  p->group = cs->group;
  p->h = a < 0 ? 1 : cs->in[a];
  p->w = cs->in[b];
  p->oh = a < 0 ? 1 : cs->out[a];
  p->ow = cs->out[b];
  p->kh = a < 0 ? 1 : cs->k[a];
  p->kw = cs->k[b];
  p->sh = a < 0 ? 1 : cs->s[a];
  p->sw = cs->s[b];
  p->dh = a < 0 ? 1 : cs->d[a];
  p->dw = cs->d[b];
  p->pt = a < 0 ? 0 : cs->pads[a];
  p->pl = cs->pads[b];
  p->has_bias = n->nin > 2 && n->in[2] != NULL;
  n->call.kernel = kernel;
  n->call.params = p;
}

static bool conv_lower(Graph *g, Node *n) {
  ConvShape cs;
  if (!conv_shape(g, n, &cs)) return false;
  conv_params(g, n, &cs, TNN_K_f32_conv2d);
  return true;
}

const OpKind opkind_conv = {conv_infer, conv_lower};

/* ConvTranspose (opsets 1 and 11): 1-D and 2-D, float32, NCHW.
 *
 * X is [N, C, H, W] (or [N, C, W]), W is [C, M/group, kH, kW], the optional
 * B is [M]: the output has M = W.dims[1] * group channels.  Along each
 * spatial axis, with input size i, stride s, dilation d, kernel k and
 * output_padding a, the full extent is
 *   f = (i - 1) * s + a + (k - 1) * d + 1
 * and the output o = f - p_begin - p_end, where (as onnxruntime):
 *   output_shape given  total = max(0, f - o) (o from the attribute, which
 *                       overrides pads);
 *   SAME_*              total = max(0, f - i * s);
 *   NOTSET              the pads attribute; VALID pads 0.
 * A computed total splits as the spec says: SAME_UPPER puts total / 2 at
 * the beginning, the others (NOTSET with output_shape, SAME_LOWER) put
 * total - total / 2 there (the odd one goes to the end for SAME_UPPER,
 * unlike Conv's SAME_*; onnxruntime 1.30 agrees).  output_shape takes the
 * spatial dims or all N + 2.  A 1-D op runs as a 2-D one with H = kH = 1. */

/* ConvTranspose fills a ConvShape: the same fields, in and out its input
 * and output spatial sizes. */
static bool convt_shape(Graph *g, Node *n, ConvShape *cs) {
  const Tensor *x = n->in[0], *w = n->in[1];
  const Tensor *b = n->nin > 2 ? n->in[2] : NULL;
  if (!conv_inputs(g, n, "transposed convolution")) return false;
  int nsp = x->rank - 2;
  cs->nsp = nsp;
  cs->n = x->dims[0];
  cs->c = x->dims[1];
  cs->group = ir_attr_int(n, "group", 1);
  if (cs->group < 1 || cs->c % cs->group != 0) {
    diag_error(g->diag, n, "group %lld does not divide the input channels "
               "(%lld)", (long long)cs->group, (long long)cs->c);
    return false;
  }
  if (w->dims[0] != cs->c) {
    diag_error(g->diag, n, "input 1 '%s' has %lld filters (dim 0), expected "
               "the input channels %lld", w->name, (long long)w->dims[0],
               (long long)cs->c);
    return false;
  }
  if (w->dims[1] < 1 || !win_mul(w->dims[1], cs->group, &cs->m)) {
    diag_error(g->diag, n, "input 1 '%s' has %lld output channels per group",
               w->name, (long long)w->dims[1]);
    return false;
  }
  if (b) {
    if (!opk_check_float(g, n, 2)) return false;
    if (b->rank != 1 || b->dims[0] != cs->m) {
      diag_error(g->diag, n, "input 2 '%s' (bias) must have shape [%lld]",
                 b->name, (long long)cs->m);
      return false;
    }
  }
  for (int i = 0; i < nsp; i++) {
    cs->in[i] = x->dims[2 + i];
    cs->k[i] = w->dims[2 + i];
    cs->s[i] = cs->d[i] = 1;
    cs->pads[i] = cs->pads[nsp + i] = 0;
  }
  int64_t ks[2];
  int nks = ir_attr_ints(n, "kernel_shape", ks, 2);
  if (nks >= 0 &&
      (nks != nsp || memcmp(ks, cs->k, sizeof(int64_t) * (size_t)nsp) != 0)) {
    diag_error(g->diag, n, "attribute 'kernel_shape' disagrees with the "
               "spatial dims of input 1 '%s'", w->name);
    return false;
  }
  int64_t adj[2] = {0, 0}, os[IR_MAX_RANK + 2];
  if (!window_ints(g, n, "strides", nsp, 1, cs->s) ||
      !window_ints(g, n, "dilations", nsp, 1, cs->d) ||
      !window_ints(g, n, "pads", 2 * nsp, 0, cs->pads) ||
      !window_ints(g, n, "output_padding", nsp, 0, adj))
    return false;
  int nos = ir_attr_ints(n, "output_shape", os, IR_MAX_RANK + 2);
  if (nos >= 0 && nos != nsp && nos != nsp + 2) {
    diag_error(g->diag, n, "attribute 'output_shape' has %d values, expected "
               "%d (or %d)", nos, nsp, nsp + 2);
    return false;
  }
  const char *ap = ir_attr_string(n, "auto_pad", "NOTSET");
  bool same_upper = strcmp(ap, "SAME_UPPER") == 0;
  bool same = same_upper || strcmp(ap, "SAME_LOWER") == 0;
  bool valid = strcmp(ap, "VALID") == 0;
  if (!same && !valid && strcmp(ap, "NOTSET") != 0 && ap[0] != '\0') {
    diag_error(g->diag, n, "auto_pad '%s' is not one of NOTSET, SAME_UPPER, "
               "SAME_LOWER, VALID", ap);
    return false;
  }
  for (int i = 0; i < nsp; i++) {
    if (cs->k[i] < 1) {
      diag_error(g->diag, n, "kernel size %lld on spatial axis %d is not "
                 "positive", (long long)cs->k[i], i);
      return false;
    }
    if (cs->in[i] < 1) {
      diag_error(g->diag, n, "input 0 '%s' has spatial size %lld on axis %d",
                 x->name, (long long)cs->in[i], i);
      return false;
    }
    int64_t f, e;
    if (!win_mul(cs->in[i] - 1, cs->s[i], &f) || !win_add(f, adj[i], &f) ||
        !win_mul(cs->k[i] - 1, cs->d[i], &e) || !win_add(e, 1, &e) ||
        !win_add(f, e, &f))
      return window_too_large(g, n, i);
    int64_t want = -1;
    if (nos >= 0) want = os[nos == nsp ? i : i + 2];
    else if (same && !win_mul(cs->in[i], cs->s[i], &want))
      return window_too_large(g, n, i);
    if (want >= 0 || nos >= 0) {
      if (want < 1) {
        diag_error(g->diag, n, "attribute 'output_shape' gives spatial axis "
                   "%d the size %lld, expected >= 1", i, (long long)want);
        return false;
      }
      int64_t total = f > want ? f - want : 0;
      cs->pads[i] = same_upper ? total / 2 : total - total / 2;
      cs->pads[nsp + i] = total - cs->pads[i];
      cs->out[i] = nos >= 0 ? want : f - total;
      continue;
    }
    if (valid) cs->pads[i] = cs->pads[nsp + i] = 0;
    cs->out[i] = f - cs->pads[i] - cs->pads[nsp + i];
    if (cs->out[i] < 1) {
      diag_error(g->diag, n, "the output size on spatial axis %d is %lld: "
                 "pads %lld + %lld exceed the full extent %lld (input %lld, "
                 "stride %lld, kernel %lld, dilation %lld, output_padding "
                 "%lld)", i, (long long)cs->out[i], (long long)cs->pads[i],
                 (long long)cs->pads[nsp + i], (long long)f,
                 (long long)cs->in[i], (long long)cs->s[i],
                 (long long)cs->k[i], (long long)cs->d[i], (long long)adj[i]);
      return false;
    }
  }
  return true;
}

static bool convt_infer(Graph *g, Node *n) {
  ConvShape cs;
  if (!convt_shape(g, n, &cs)) return false;
  int64_t dims[4] = {cs.n, cs.m, cs.out[0], cs.out[1]};
  ir_tensor_set_shape(n->out[0], DT_FLOAT, 2 + cs.nsp, dims);
  return true;
}

static bool convt_lower(Graph *g, Node *n) {
  ConvShape cs;
  if (!convt_shape(g, n, &cs)) return false;
  conv_params(g, n, &cs, TNN_K_f32_convt2d);
  return true;
}

const OpKind opkind_convt = {convt_infer, convt_lower};
