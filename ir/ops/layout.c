/* Expand, Tile, DepthToSpace and SpaceToDepth: data movement with static
 * shapes (Tile/Expand kernel in runtime/tnn_layout.h; the other two are
 * transposes of a 6-D view, tnn_x_transpose).
 *
 *  - Expand(x, shape): shape a constant int64 vector; bidirectional
 *    broadcast of x's dims and shape.
 *  - Tile(x, repeats): repeats a constant int64 vector of x's rank, >= 0.
 *  - DepthToSpace(x [N, C, H, W]; blocksize, mode = DCR | CRD),
 *    SpaceToDepth(x; blocksize): C (H, W) divisible by blocksize^2
 *    (blocksize). */
#include <string.h>

#include "../ir.h"

/* The constant int64 vector input 1 (what names it); false after a diag. */
static bool layout_vec(Graph *g, Node *n, const char *what, int64_t *v,
                       int *cnt) {
  const Tensor *t = n->in[1];
  if (!t->data) {
    diag_error(g->diag, n, "input 1 '%s' (%s) must be a constant", t->name,
               what);
    return false;
  }
  if (t->dtype != DT_INT64 || t->rank != 1 || t->dims[0] > IR_MAX_RANK) {
    diag_error(g->diag, n, "input 1 '%s' (%s) must be a 1-D int64 tensor of "
               "at most %d values", t->name, what, IR_MAX_RANK);
    return false;
  }
  *cnt = (int)t->dims[0];
  for (int i = 0; i < *cnt; i++) v[i] = ir_const_int(t, i);
  return true;
}

/* Output dims of Expand / Tile; false after a diag. */
static bool tile_dims(Graph *g, Node *n, int *rank, int64_t *dims) {
  const Tensor *x = n->in[0];
  int64_t v[IR_MAX_RANK];
  int cnt;
  if (n->op == OP_TILE) {
    if (!layout_vec(g, n, "repeats", v, &cnt)) return false;
    if (cnt != x->rank) {
      diag_error(g->diag, n, "input 1 (repeats) has %d values for rank %d",
                 cnt, x->rank);
      return false;
    }
    for (int d = 0; d < cnt; d++) {
      if (v[d] < 0) {
        diag_error(g->diag, n, "repeats[%d] = %lld is negative", d,
                   (long long)v[d]);
        return false;
      }
      if (v[d] > 0 && x->dims[d] > g->limits->max_tensor_elements / v[d]) {
        diag_error(g->diag, n, "repeats[%d] = %lld makes axis %d longer than the element limit "
                   "of %lld", d, (long long)v[d], d, (long long)g->limits->max_tensor_elements);
        return false;
      }
      dims[d] = x->dims[d] * v[d];
    }
    *rank = cnt;
    return true;
  }
  if (!layout_vec(g, n, "shape", v, &cnt)) return false;
  int r = cnt > x->rank ? cnt : x->rank;
  for (int d = 0; d < r; d++) {
    int xd = d - (r - x->rank), sd = d - (r - cnt);
    int64_t a = xd >= 0 ? x->dims[xd] : 1, b = sd >= 0 ? v[sd] : 1;
    if (a != b && a != 1 && b != 1) {
      diag_error(g->diag, n, "shape value %lld does not broadcast with dim "
                 "%lld of input 0", (long long)b, (long long)a);
      return false;
    }
    dims[d] = a == 1 ? b : a;
  }
  *rank = r;
  return true;
}

/* DepthToSpace / SpaceToDepth as a transpose of a 6-D view. */
static bool d2s_view(Graph *g, Node *n, int64_t *vdims, int64_t *perm,
                     int64_t *odims) {
  const Tensor *x = n->in[0];
  if (!opk_check_rank(g, n, 0, 4, 4)) return false;
  const int64_t b = ir_attr_int(n, "blocksize", 0);
  if (b < 1) {
    diag_error(g->diag, n, "attribute 'blocksize' must be a positive integer");
    return false;
  }
  const int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
  if (n->op == OP_DEPTH_TO_SPACE) {
    const char *mode = ir_attr_string(n, "mode", "DCR");
    bool crd = strcmp(mode, "CRD") == 0;
    if (!crd && strcmp(mode, "DCR") != 0) {
      diag_error(g->diag, n, "attribute 'mode' is '%s', expected DCR or CRD",
                 mode);
      return false;
    }
    if (C % (b * b) != 0) {
      diag_error(g->diag, n, "channels %lld are not divisible by blocksize^2 "
                 "= %lld", (long long)C, (long long)(b * b));
      return false;
    }
    const int64_t c = C / (b * b);
    int64_t dcr_d[6] = {N, b, b, c, H, W}, dcr_p[6] = {0, 3, 4, 1, 5, 2};
    int64_t crd_d[6] = {N, c, b, b, H, W}, crd_p[6] = {0, 1, 4, 2, 5, 3};
    memcpy(vdims, crd ? crd_d : dcr_d, sizeof dcr_d);
    memcpy(perm, crd ? crd_p : dcr_p, sizeof dcr_p);
    odims[0] = N, odims[1] = c, odims[2] = H * b, odims[3] = W * b;
    return true;
  }
  if (H % b != 0 || W % b != 0) {
    diag_error(g->diag, n, "height %lld and width %lld must be divisible by "
               "blocksize %lld", (long long)H, (long long)W, (long long)b);
    return false;
  }
  int64_t d[6] = {N, C, H / b, b, W / b, b}, p[6] = {0, 3, 5, 1, 2, 4};
  memcpy(vdims, d, sizeof d);
  memcpy(perm, p, sizeof p);
  odims[0] = N, odims[1] = C * b * b, odims[2] = H / b, odims[3] = W / b;
  return true;
}

static bool layout_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  int64_t dims[IR_MAX_RANK], vd[6], perm[6];
  int rank = 4;
  if (!dtype_supported(x->dtype)) {
    diag_error(g->diag, n, "input 0 '%s' has unsupported type %s", x->name,
               dtype_name(x->dtype));
    return false;
  }
  if (n->op == OP_TILE || n->op == OP_EXPAND) {
    if (!tile_dims(g, n, &rank, dims)) return false;
  } else if (!d2s_view(g, n, vd, perm, dims)) {
    return false;
  }
  int64_t numel;
  if (!ir_shape_numel(dims, rank, g->limits->max_tensor_elements, &numel)) {
    diag_error(g->diag, n, "the output would have more than %lld elements",
               (long long)g->limits->max_tensor_elements);
    return false;
  }
  ir_tensor_set_shape(n->out[0], x->dtype, rank, dims);
  return true;
}

static bool layout_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0], *y = n->out[0];
  if (n->op == OP_TILE || n->op == OP_EXPAND) {
    tnn_slice_params *p = opk_params(g, sizeof *p);
    p->rank = y->rank;
    p->esize = (int64_t)dtype_size(x->dtype);
    for (int d = 0; d < y->rank; d++) {
      int xd = d - (y->rank - x->rank);
      p->in_dims[d] = xd >= 0 ? x->dims[xd] : 1;
      p->out_dims[d] = y->dims[d];
      p->step[d] = 1;
    }
    n->call.kernel = TNN_K_x_tile;
    n->call.params = p;
    return true;
  }
  int64_t vd[6], perm[6], od[4];
  if (!d2s_view(g, n, vd, perm, od)) return false;
  tnn_transpose_params *p = opk_params(g, sizeof *p);
  p->rank = 6;
  p->esize = (int64_t)dtype_size(x->dtype);
  memcpy(p->dims, vd, sizeof vd);
  memcpy(p->perm, perm, sizeof perm);
  n->call.kernel = TNN_K_x_transpose;
  n->call.params = p;
  return true;
}

const OpKind opkind_layout = {layout_infer, layout_lower};
