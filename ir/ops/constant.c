/* Constant, Shape, Size and ConstantOfShape: ops whose outputs are known at
 * compile time.  infer sets the output's data directly, so these nodes are
 * always folded away and never lowered.
 *
 *  - Constant: one of the attributes value (a tensor), value_float,
 *    value_floats, value_int, value_ints.
 *  - Shape: the input's dims as int64 (shapes are static), restricted to
 *    [start, end) from opset 15, clamped like slicing.
 *  - Size: the element count, an int64 scalar.
 *  - ConstantOfShape: a constant int64 shape; filled with the one element
 *    of the `value` tensor attribute (default float 0). */
#include <string.h>

#include "../ir.h"

/* Gives t its shape and a copy of `data` (bytes of the shape's size). */
static void set_const(Graph *g, Tensor *t, DType dt, int rank,
                      const int64_t *dims, const void *data) {
  ir_tensor_set_shape(t, dt, rank, dims);
  void *p = ir_tensor_alloc_data(g, t);
  int64_t bytes = ir_tensor_bytes(t);
  if (bytes > 0 && data) memcpy(p, data, (size_t)bytes);
}

static bool constant_value_infer(Graph *g, Node *n) {
  const char *names[] = {"value", "value_float", "value_floats", "value_int",
                         "value_ints"};
  const Attr *a = NULL;
  for (int i = 0; i < n->nattrs; i++) {
    const Attr *c = &n->attrs[i];
    bool known = false;
    for (size_t j = 0; j < sizeof names / sizeof names[0]; j++)
      if (strcmp(c->name, names[j]) == 0) known = true;
    if (!known) {
      diag_error(g->diag, n, "attribute '%s' is not supported", c->name);
      return false;
    }
    if (a) {
      diag_error(g->diag, n, "more than one value attribute");
      return false;
    }
    a = c;
  }
  if (!a) {
    diag_error(g->diag, n, "no value attribute");
    return false;
  }
  Tensor *y = n->out[0];
  int64_t len = a->n;
  switch (a->type) {
  case ATTR_TENSOR: {
    const Tensor *t = a->t;
    if (!t || t->rank < 0) {
      diag_error(g->diag, n, "attribute '%s' holds no tensor", a->name);
      return false;
    }
    if (!dtype_supported(t->dtype)) {
      diag_error(g->diag, n, "the value has data type %s, which tnnc does not "
                 "support", dtype_name(t->dtype));
      return false;
    }
    if (!t->data && ir_tensor_numel(t) > 0) {
      diag_error(g->diag, n, "the value tensor has no data");
      return false;
    }
    set_const(g, y, t->dtype, t->rank, t->dims, t->data);
    return true;
  }
  case ATTR_FLOAT:
    set_const(g, y, DT_FLOAT, 0, NULL, &a->f);
    return true;
  case ATTR_INT:
    set_const(g, y, DT_INT64, 0, NULL, &a->i);
    return true;
  case ATTR_FLOATS:
    set_const(g, y, DT_FLOAT, 1, &len, a->floats);
    return true;
  case ATTR_INTS:
    set_const(g, y, DT_INT64, 1, &len, a->ints);
    return true;
  default:
    diag_error(g->diag, n, "attribute '%s' has the wrong type", a->name);
    return false;
  }
}

static bool shape_infer(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  const int64_t r = x->rank;
  int64_t start = 0, end = r;
  if (g->opset >= 15) {
    start = ir_attr_int(n, "start", 0);
    end = ir_attr_int(n, "end", r);
  }
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = start < 0 ? 0 : (start > r ? r : start);
  end = end < 0 ? 0 : (end > r ? r : end);
  int64_t len = end > start ? end - start : 0;
  set_const(g, n->out[0], DT_INT64, 1, &len, x->dims + start);
  return true;
}

/* Size: the element count as an int64 scalar. */
static bool size_infer(Graph *g, Node *n) {
  int64_t numel = ir_tensor_numel(n->in[0]);
  set_const(g, n->out[0], DT_INT64, 0, NULL, &numel);
  return true;
}

static bool constant_of_shape_infer(Graph *g, Node *n) {
  const Tensor *s = n->in[0];
  if (!s->data) {
    diag_error(g->diag, n, "input 0 '%s' (shape) must be a constant",
               s->name);
    return false;
  }
  if (s->dtype != DT_INT64 || s->rank != 1) {
    diag_error(g->diag, n, "input 0 '%s' (shape) must be a 1-D int64 tensor",
               s->name);
    return false;
  }
  const int64_t r = s->dims[0];
  if (r > IR_MAX_RANK) {
    diag_error(g->diag, n, "output would have rank %lld; at most %d is "
               "supported", (long long)r, IR_MAX_RANK);
    return false;
  }
  int64_t dims[IR_MAX_RANK], numel;
  for (int d = 0; d < r; d++) dims[d] = ir_const_int(s, d);
  if (!ir_shape_numel(dims, (int)r, g->limits->max_tensor_elements, &numel)) {
    diag_error(g->diag, n, "the shape has a negative dim or more than %lld "
               "elements", (long long)g->limits->max_tensor_elements);
    return false;
  }
  DType dt = DT_FLOAT;
  const void *elem = NULL;
  static const float zero = 0.0f;
  const Attr *a = ir_attr(n, "value");
  if (a) {
    const Tensor *v = a->type == ATTR_TENSOR ? a->t : NULL;
    if (!v || !v->data || ir_tensor_numel(v) != 1) {
      diag_error(g->diag, n, "attribute 'value' must be a tensor of one "
                 "element");
      return false;
    }
    if (!dtype_supported(v->dtype)) {
      diag_error(g->diag, n, "the value has data type %s, which tnnc does not "
                 "support", dtype_name(v->dtype));
      return false;
    }
    dt = v->dtype;
    elem = v->data;
  } else {
    elem = &zero;
  }
  Tensor *y = n->out[0];
  ir_tensor_set_shape(y, dt, (int)r, dims);
  if (!ir_count_const(g, n, y)) return false;
  unsigned char *p = ir_tensor_alloc_data(g, y);
  const size_t es = dtype_size(dt);
  for (int64_t i = 0; i < numel; i++) memcpy(p + (size_t)i * es, elem, es);
  return true;
}

static bool constant_infer(Graph *g, Node *n) {
  switch (n->op) {
  case OP_CONSTANT: return constant_value_infer(g, n);
  case OP_SHAPE: return shape_infer(g, n);
  case OP_SIZE: return size_infer(g, n);
  case OP_CONSTANT_OF_SHAPE: return constant_of_shape_infer(g, n);
  default: tnnc_unreachable();
  }
}

static bool constant_lower(Graph *g, Node *n) {
  diag_error(g->diag, n, "internal: %s should have been folded to a constant",
             op_name(n->op));
  return false;
}

const OpKind opkind_constant = {constant_infer, constant_lower};
