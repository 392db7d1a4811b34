/* Slice and Pad: strided windows of a tensor, and their opposite.
 *
 * Slice.  starts/ends/axes are attributes before opset 10, constant inputs
 * 1..4 (starts, ends, axes, steps) from 10.  Per sliced axis of size n and
 * step s != 0, as numpy (and the ONNX spec):
 *
 *     start += n if start < 0;   end += n if end < 0
 *     s > 0: start, end clamped to [0, n]
 *     s < 0: start clamped to [0, n - 1], end to [-1, n - 1]
 *     len = max(0, ceil((end - start) / s))
 *
 * so INT64_MAX / INT64_MIN ends mean "to the end" in either direction.  A
 * start before the first element with s < 0 starts at element 0 (ONNX and
 * onnxruntime; numpy would give an empty slice).
 * Unsliced axes take start 0, step 1, the whole length.
 *
 * Pad.  pads = [b_1..b_k, e_1..e_k] over the axes (all of them, or the
 * opset-18 `axes` input); the attribute `pads` and float `value` before
 * opset 11, constant inputs pads, constant_value, axes from 11.  Negative
 * pads crop.  Modes: constant, reflect (mirror without repeating the edge),
 * edge (repeat the edge). */
#include <string.h>

#include "../ir.h"

/* Reads constant input i (a 1-D integer list) into out; -1 after a diag. */
static int const_list(Graph *g, Node *n, int i, const char *what,
                      int64_t *out, int max) {
  const Tensor *t = n->in[i];
  if (!t->data) {
    diag_error(g->diag, n, "input %d '%s' (%s) must be a constant", i,
               t->name, what);
    return -1;
  }
  if (t->dtype != DT_INT64 && t->dtype != DT_INT32) {
    diag_error(g->diag, n, "input %d '%s' (%s) has type %s, expected int64",
               i, t->name, what, dtype_name(t->dtype));
    return -1;
  }
  int64_t cnt = ir_tensor_numel(t);
  if (t->rank > 1 || cnt > max) {
    diag_error(g->diag, n, "input %d '%s' (%s) has %lld elements, at most %d "
               "expected", i, t->name, what, (long long)cnt, max);
    return -1;
  }
  for (int64_t k = 0; k < cnt; k++) out[k] = ir_const_int(t, k);
  return (int)cnt;
}

/* Normalises `cnt` axes against rank; rejects out-of-range and repeats. */
static bool norm_axes(Graph *g, Node *n, int64_t *axes, int cnt, int rank) {
  bool seen[IR_MAX_RANK] = {false};
  for (int k = 0; k < cnt; k++) {
    bool ok = true;
    if (rank == 0) {
      diag_error(g->diag, n, "axis %lld is out of range for rank 0",
                 (long long)axes[k]);
      return false;
    }
    axes[k] = opk_norm_axis(g, n, axes[k], rank, &ok);
    if (!ok) return false;
    if (seen[axes[k]]) {
      diag_error(g->diag, n, "axis %lld is given twice", (long long)axes[k]);
      return false;
    }
    seen[axes[k]] = true;
  }
  return true;
}

/* ---------------------------------------------------------------- slice */

typedef struct SliceWin {
  int64_t start[IR_MAX_RANK], step[IR_MAX_RANK], len[IR_MAX_RANK];
} SliceWin;

static bool slice_window(Graph *g, Node *n, SliceWin *w) {
  const Tensor *x = n->in[0];
  const int r = x->rank;
  int64_t starts[IR_MAX_RANK], ends[IR_MAX_RANK], axes[IR_MAX_RANK];
  int64_t steps[IR_MAX_RANK];
  int ns, ne, na = -1, nst = -1;
  if (g->opset < 10) {
    ns = ir_attr_ints(n, "starts", starts, IR_MAX_RANK);
    ne = ir_attr_ints(n, "ends", ends, IR_MAX_RANK);
    na = ir_attr_ints(n, "axes", axes, IR_MAX_RANK);
    if (ns < 0 || ne < 0) {
      diag_error(g->diag, n, "attributes 'starts' and 'ends' are required");
      return false;
    }
    if (ns > IR_MAX_RANK || na > IR_MAX_RANK) {
      diag_error(g->diag, n, "more slice axes than the rank %d", r);
      return false;
    }
  } else {
    if (n->nin < 3 || !n->in[1] || !n->in[2]) {
      diag_error(g->diag, n, "inputs 1 (starts) and 2 (ends) are required");
      return false;
    }
    if ((ns = const_list(g, n, 1, "starts", starts, IR_MAX_RANK)) < 0 ||
        (ne = const_list(g, n, 2, "ends", ends, IR_MAX_RANK)) < 0)
      return false;
    if (n->nin > 3 && n->in[3] &&
        (na = const_list(g, n, 3, "axes", axes, IR_MAX_RANK)) < 0)
      return false;
    if (n->nin > 4 && n->in[4] &&
        (nst = const_list(g, n, 4, "steps", steps, IR_MAX_RANK)) < 0)
      return false;
  }
  if (ne != ns || (na >= 0 && na != ns) || (nst >= 0 && nst != ns)) {
    diag_error(g->diag, n, "starts, ends, axes and steps have different "
               "lengths");
    return false;
  }
  if (na < 0)
    for (int k = 0; k < ns; k++) axes[k] = k;
  if (nst < 0)
    for (int k = 0; k < ns; k++) steps[k] = 1;
  if (ns > r) {
    diag_error(g->diag, n, "%d slice axes for an input of rank %d", ns, r);
    return false;
  }
  if (!norm_axes(g, n, axes, ns, r)) return false;
  for (int d = 0; d < r; d++) {
    w->start[d] = 0;
    w->step[d] = 1;
    w->len[d] = x->dims[d];
  }
  for (int k = 0; k < ns; k++) {
    const int d = (int)axes[k];
    const int64_t dim = x->dims[d], s = steps[k];
    int64_t b = starts[k], e = ends[k];
    if (s == 0) {
      diag_error(g->diag, n, "step 0 on axis %d", d);
      return false;
    }
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? dim : dim - 1;
    b = b < 0 ? 0 : (b > hi ? hi : b);
    e = e < lo ? lo : (e > hi ? hi : e);
    /* ceil division without forming s - 1 or -s (s may be INT64_MIN) */
    int64_t len;
    if (s > 0)
      len = e > b ? 1 + (e - b - 1) / s : 0;
    else
      len = b > e ? 1 - (b - e - 1) / s : 0;
    w->start[d] = b;
    w->step[d] = s;
    w->len[d] = len;
  }
  return true;
}

static bool slice_infer(Graph *g, Node *n) {
  SliceWin w;
  if (!slice_window(g, n, &w)) return false;
  ir_tensor_set_shape(n->out[0], n->in[0]->dtype, n->in[0]->rank, w.len);
  return true;
}

static bool slice_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  SliceWin w;
  if (!slice_window(g, n, &w)) return false;
  tnn_slice_params *p = opk_params(g, sizeof *p);
  p->rank = x->rank;
  p->esize = (int64_t)dtype_size(x->dtype);
  for (int d = 0; d < x->rank; d++) {
    p->in_dims[d] = x->dims[d];
    p->out_dims[d] = w.len[d];
    /* a start past the end (empty output) is never read */
    p->start[d] = w.len[d] > 0 ? w.start[d] : 0;
    /* with at most one element the step is never taken; 1 keeps the
     * kernel's stride products from overflowing on huge steps */
    p->step[d] = w.len[d] > 1 ? w.step[d] : 1;
  }
  n->call.kernel = TNN_K_x_slice;
  n->call.params = p;
  return true;
}

const OpKind opkind_slice = {slice_infer, slice_lower};

/* ------------------------------------------------------------------ pad */

typedef struct PadSpec {
  int64_t before[IR_MAX_RANK], after[IR_MAX_RANK];
  int mode;                    /* 0 constant, 1 reflect, 2 edge */
  double value;
  int64_t ivalue;
} PadSpec;

static bool pad_spec(Graph *g, Node *n, PadSpec *ps) {
  const Tensor *x = n->in[0];
  const int r = x->rank;
  int64_t pads[2 * IR_MAX_RANK], axes[IR_MAX_RANK];
  int np, na = -1;
  const char *mode = ir_attr_string(n, "mode", "constant");
  if (strcmp(mode, "constant") == 0) {
    ps->mode = 0;
  } else if (strcmp(mode, "reflect") == 0) {
    ps->mode = 1;
  } else if (strcmp(mode, "edge") == 0) {
    ps->mode = 2;
  } else {
    diag_error(g->diag, n, "pad mode '%s' is not supported", mode);
    return false;
  }
  ps->value = 0;
  ps->ivalue = 0;
  if (g->opset < 11) {
    np = ir_attr_ints(n, "pads", pads, 2 * IR_MAX_RANK);
    if (np < 0) np = ir_attr_ints(n, "paddings", pads, 2 * IR_MAX_RANK);
    if (np < 0) {
      diag_error(g->diag, n, "attribute 'pads' is missing");
      return false;
    }
    ps->value = ir_attr_float(n, "value", 0.0f);
    ps->ivalue = tnn_sat_i64(ps->value);
  } else {
    if (n->nin < 2 || !n->in[1]) {
      diag_error(g->diag, n, "input 1 (pads) is missing");
      return false;
    }
    np = const_list(g, n, 1, "pads", pads, 2 * IR_MAX_RANK);
    if (np < 0) return false;
    if (n->nin > 2 && n->in[2]) {
      const Tensor *v = n->in[2];
      if (!v->data) {
        diag_error(g->diag, n, "input 2 '%s' (constant_value) must be a "
                   "constant", v->name);
        return false;
      }
      if (ir_tensor_numel(v) != 1) {
        diag_error(g->diag, n, "input 2 '%s' (constant_value) must hold one "
                   "value", v->name);
        return false;
      }
      if (v->dtype != x->dtype) {
        diag_error(g->diag, n, "input 2 '%s' (constant_value) has type %s, "
                   "the data has %s", v->name, dtype_name(v->dtype),
                   dtype_name(x->dtype));
        return false;
      }
      ps->value = ir_const_double(v, 0);
      ps->ivalue = ir_const_int(v, 0);
    }
    if (n->nin > 3 && n->in[3]) {
      na = const_list(g, n, 3, "axes", axes, IR_MAX_RANK);
      if (na < 0) return false;
    }
  }
  if (na < 0) {
    na = r;
    for (int k = 0; k < r; k++) axes[k] = k;
  } else if (!norm_axes(g, n, axes, na, r)) {
    return false;
  }
  if (np != 2 * na) {
    diag_error(g->diag, n, "pads has %d values, expected %d (2 per axis)", np,
               2 * na);
    return false;
  }
  /* a pad beyond the element limit could only overflow the arithmetic */
  int64_t bound = g->limits->max_tensor_elements;
  if (bound > INT64_MAX / 4) bound = INT64_MAX / 4;
  for (int k = 0; k < np; k++)
    if (pads[k] > bound || pads[k] < -bound) {
      diag_error(g->diag, n, "pad %lld is beyond the element limit of %lld",
                 (long long)pads[k], (long long)bound);
      return false;
    }
  for (int d = 0; d < r; d++) ps->before[d] = ps->after[d] = 0;
  for (int k = 0; k < na; k++) {
    ps->before[axes[k]] = pads[k];
    ps->after[axes[k]] = pads[na + k];
  }
  for (int d = 0; d < r; d++) {
    const int64_t dim = x->dims[d];
    if (dim + ps->before[d] + ps->after[d] < 0) {
      diag_error(g->diag, n, "pads %lld, %lld crop axis %d of size %lld "
                 "below zero", (long long)ps->before[d],
                 (long long)ps->after[d], d, (long long)dim);
      return false;
    }
    if (ps->mode != 0 && dim == 0 && (ps->before[d] > 0 || ps->after[d] > 0)) {
      diag_error(g->diag, n, "cannot pad the empty axis %d in %s mode", d,
                 mode);
      return false;
    }
  }
  return true;
}

static bool pad_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  PadSpec ps;
  int64_t dims[IR_MAX_RANK];
  if (!pad_spec(g, n, &ps)) return false;
  for (int d = 0; d < x->rank; d++)
    dims[d] = x->dims[d] + ps.before[d] + ps.after[d];
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, dims);
  return true;
}

static bool pad_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  PadSpec ps;
  if (!pad_spec(g, n, &ps)) return false;
  tnn_pad_params *p = opk_params(g, sizeof *p);
  p->rank = x->rank;
  p->esize = (int64_t)dtype_size(x->dtype);
  p->dtype = dtype_tnn(x->dtype);
  for (int d = 0; d < x->rank; d++) {
    p->in_dims[d] = x->dims[d];
    p->out_dims[d] = n->out[0]->dims[d];
    p->before[d] = ps.before[d];
  }
  p->mode = ps.mode;
  p->value = ps.value;
  p->ivalue = ps.ivalue;
  n->call.kernel = TNN_K_x_pad;
  n->call.params = p;
  return true;
}

const OpKind opkind_pad = {pad_infer, pad_lower};
