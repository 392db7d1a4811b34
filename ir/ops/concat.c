/* Concat and Split along one axis.
 *
 * Both see every tensor as [outer, len, inner]: outer the product of the
 * dims before the axis, inner the bytes of the dims after it, len the axis
 * length of each input (Concat) or output (Split).  One row of the big
 * tensor is the pieces' rows side by side, so each piece is `outer` memcpys.
 *
 * Split sizes: the `split` attribute (opset < 13) or constant input 1
 * (opset >= 13); else `num_outputs` (opset 18: pieces of ceil(len / n), the
 * last smaller); else equal pieces, one per output. */
#include <string.h>

#include "../ir.h"

static void axis_view(const Tensor *t, int axis, int64_t *outer,
                      int64_t *inner) {
  *outer = 1;
  *inner = (int64_t)dtype_size(t->dtype);
  for (int d = 0; d < axis; d++) *outer *= t->dims[d];
  for (int d = axis + 1; d < t->rank; d++) *inner *= t->dims[d];
}

static bool concat_axis(Graph *g, Node *n, int *axis) {
  bool ok = true;
  const Tensor *x = n->in[0];
  if (x->rank == 0) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar; Concat needs rank >= 1",
               x->name);
    return false;
  }
  const Attr *a = ir_attr(n, "axis");
  if (!a && g->opset >= 4) {
    diag_error(g->diag, n, "attribute 'axis' is missing");
    return false;
  }
  *axis = opk_norm_axis(g, n, a ? a->i : 1, x->rank, &ok);
  return ok;
}

static bool concat_infer(Graph *g, Node *n) {
  int axis;
  for (int i = 0; i < n->nin; i++)
    if (!n->in[i]) {
      diag_error(g->diag, n, "input %d is empty", i);
      return false;
    }
  if (n->nin > TNN_MAX_IO) {
    diag_error(g->diag, n, "%d inputs; at most %d are supported", n->nin,
               TNN_MAX_IO);
    return false;
  }
  if (!concat_axis(g, n, &axis)) return false;
  const Tensor *x = n->in[0];
  int64_t dims[IR_MAX_RANK];
  memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
  for (int i = 1; i < n->nin; i++) {
    const Tensor *t = n->in[i];
    if (t->dtype != x->dtype) {
      diag_error(g->diag, n, "input %d '%s' has type %s, input 0 has %s", i,
                 t->name, dtype_name(t->dtype), dtype_name(x->dtype));
      return false;
    }
    if (t->rank != x->rank) {
      diag_error(g->diag, n, "input %d '%s' has rank %d, input 0 has %d", i,
                 t->name, t->rank, x->rank);
      return false;
    }
    for (int d = 0; d < x->rank; d++) {
      if (d == axis) continue;
      if (t->dims[d] != x->dims[d]) {
        diag_error(g->diag, n, "input %d '%s' has dim %lld on axis %d, input "
                   "0 has %lld", i, t->name, (long long)t->dims[d], d,
                   (long long)x->dims[d]);
        return false;
      }
    }
    dims[axis] += t->dims[axis];
  }
  ir_tensor_set_shape(n->out[0], x->dtype, x->rank, dims);
  return true;
}

static bool concat_lower(Graph *g, Node *n) {
  int axis;
  if (!concat_axis(g, n, &axis)) return false;
  tnn_concat_params *p = opk_params(g, sizeof *p);
  axis_view(n->in[0], axis, &p->outer, &p->inner);
  p->count = n->nin;
  for (int i = 0; i < n->nin; i++) p->len[i] = n->in[i]->dims[axis];
  n->call.kernel = TNN_K_x_concat;
  n->call.params = p;
  return true;
}

const OpKind opkind_concat = {concat_infer, concat_lower};

/* The piece lengths of a Split into len[0..nout-1]; false after a diag. */
static bool split_sizes(Graph *g, Node *n, int *axis, int64_t *len) {
  bool ok = true;
  const Tensor *x = n->in[0];
  if (x->rank == 0) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar; Split needs rank >= 1",
               x->name);
    return false;
  }
  if (n->nout > TNN_MAX_IO) {
    diag_error(g->diag, n, "%d outputs; at most %d are supported", n->nout,
               TNN_MAX_IO);
    return false;
  }
  *axis = opk_norm_axis(g, n, ir_attr_int(n, "axis", 0), x->rank, &ok);
  if (!ok) return false;
  const int64_t dim = x->dims[*axis];
  int cnt = -1;
  if (g->opset < 13) {
    cnt = ir_attr_ints(n, "split", len, TNN_MAX_IO);
  } else if (n->nin > 1 && n->in[1]) {
    const Tensor *s = n->in[1];
    if (!s->data) {
      diag_error(g->diag, n, "input 1 '%s' (split) must be a constant",
                 s->name);
      return false;
    }
    if (s->dtype != DT_INT64 || s->rank != 1) {
      diag_error(g->diag, n, "input 1 '%s' (split) must be a 1-D int64 "
                 "tensor", s->name);
      return false;
    }
    cnt = s->dims[0] > TNN_MAX_IO ? TNN_MAX_IO + 1 : (int)s->dims[0];
    if (cnt <= TNN_MAX_IO)
      for (int i = 0; i < cnt; i++) len[i] = ir_const_int(s, i);
  }
  if (cnt >= 0) {
    if (cnt != n->nout) {
      diag_error(g->diag, n, "split has %d sizes for %d outputs", cnt,
                 n->nout);
      return false;
    }
    int64_t sum = 0;
    for (int i = 0; i < cnt; i++) {
      if (len[i] < 0 || len[i] > dim) {
        diag_error(g->diag, n, "split size %lld is %s", (long long)len[i],
                   len[i] < 0 ? "negative" : "larger than the axis");
        return false;
      }
      sum += len[i];
    }
    if (sum != dim) {
      diag_error(g->diag, n, "split sizes add up to %lld, but axis %d has "
                 "size %lld", (long long)sum, *axis, (long long)dim);
      return false;
    }
    return true;
  }
  const Attr *no = g->opset >= 18 ? ir_attr(n, "num_outputs") : NULL;
  if (no) {
    if (no->i != n->nout || no->i < 1) {
      diag_error(g->diag, n, "num_outputs is %lld but the node has %d "
                 "outputs", (long long)no->i, n->nout);
      return false;
    }
    int64_t chunk = (dim + no->i - 1) / no->i;
    for (int i = 0; i < n->nout; i++) {
      int64_t left = dim - chunk * i;
      len[i] = left < 0 ? 0 : (left < chunk ? left : chunk);
    }
    return true;
  }
  if (dim % n->nout != 0) {
    diag_error(g->diag, n, "axis %d of size %lld cannot be split into %d "
               "equal parts", *axis, (long long)dim, n->nout);
    return false;
  }
  for (int i = 0; i < n->nout; i++) len[i] = dim / n->nout;
  return true;
}

static bool split_infer(Graph *g, Node *n) {
  int axis;
  int64_t len[TNN_MAX_IO];
  if (!split_sizes(g, n, &axis, len)) return false;
  const Tensor *x = n->in[0];
  int64_t dims[IR_MAX_RANK];
  memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
  for (int i = 0; i < n->nout; i++) {
    if (!n->out[i]) continue;
    dims[axis] = len[i];
    ir_tensor_set_shape(n->out[i], x->dtype, x->rank, dims);
  }
  return true;
}

static bool split_lower(Graph *g, Node *n) {
  int axis;
  int64_t len[TNN_MAX_IO];
  if (!split_sizes(g, n, &axis, len)) return false;
  tnn_concat_params *p = opk_params(g, sizeof *p);
  axis_view(n->in[0], axis, &p->outer, &p->inner);
  p->count = n->nout;
  memcpy(p->len, len, sizeof(int64_t) * (size_t)n->nout);
  n->call.kernel = TNN_K_x_split;
  n->call.params = p;
  return true;
}

const OpKind opkind_split = {split_infer, split_lower};
