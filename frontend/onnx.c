/* ONNX frontend: protobuf bytes -> Graph.  The only file that sees protobuf-c.
 *
 * The model is unpacked with a malloc-based allocator bounded by the
 * compile-time memory limit (a hostile file cannot make protobuf-c exhaust
 * memory), everything kept is copied into the graph's arena, and the message is freed before
 * returning on every path (an arena longjmp on out-of-memory is intercepted,
 * the message freed, and the jump passed on).
 *
 * Order of work, so that every problem in the file is reported at once:
 *   1. model fields: ir_version, producer, ai.onnx opset, limits;
 *   2. initializers -> constant Tensors (every ONNX encoding, little-endian);
 *   3. graph inputs that are not initializers -> runtime inputs;
 *   4. every node's outputs are defined (unsupported ops are reported and
 *      skipped, but their outputs still get names so consumers do not cascade
 *      "not defined" errors);
 *   5. node inputs are resolved by name: a model need not be topologically
 *      sorted (ir_toposort orders the nodes and reports cycles);
 *   6. graph outputs.
 * Names are resolved through a hash table local to the import, since
 * ir_tensor_find is a linear scan.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"
#include "onnx/onnx.pb-c.h"

/* ------------------------------------------------------------ name table */

typedef struct NameMap {
  Arena *arena;
  Tensor **slots;              /* open addressing, keyed by Tensor.name */
  size_t cap;                  /* power of two */
  size_t n;
} NameMap;

static uint64_t name_hash(const char *s) {
  uint64_t h = 1469598103934665603u;     /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

static Tensor *names_get(const NameMap *m, const char *name) {
  if (!m->cap) return NULL;
  for (size_t i = name_hash(name) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    Tensor *t = m->slots[i];
    if (!t) return NULL;
    if (strcmp(t->name, name) == 0) return t;
  }
}

/* Inserts t under t->name; the caller checked the name is new. */
static void names_put(NameMap *m, Tensor *t) {
  if (2 * (m->n + 1) > m->cap) {
    size_t nc = m->cap ? 2 * m->cap : 256;
    Tensor **old = m->slots;
    size_t oc = m->cap;
    m->slots = arena_calloc(m->arena, nc, sizeof *m->slots);
    m->cap = nc;
    m->n = 0;
    for (size_t i = 0; i < oc; i++)
      if (old[i]) names_put(m, old[i]);
  }
  size_t i = name_hash(t->name) & (m->cap - 1);
  while (m->slots[i]) i = (i + 1) & (m->cap - 1);
  m->slots[i] = t;
  m->n++;
}

/* ------------------------------------------------------------- helpers */

/* The newest ai.onnx opset a model may import (onnxruntime 1.30 refuses
 * newer ones as unknown). */
#define ONNX_MAX_OPSET 26

typedef struct Import {
  Graph *g;
  NameMap names;
  int64_t weight_bytes;        /* constant bytes so far */
  bool weight_limit_hit;       /* reported once */
} Import;

static const char *str(const char *s) { return s ? s : ""; }

/* ONNX's name for any TensorProto.DataType, including those the IR does not
 * enumerate, for diagnostics. */
static const char *onnx_type_name(int32_t t) {
  static const char *const names[] = {
      "undefined", "float",   "uint8",        "int8",           "uint16",
      "int16",     "int32",   "int64",        "string",         "bool",
      "float16",   "double",  "uint32",       "uint64",         "complex64",
      "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz", "float8e5m2",
      "float8e5m2fnuz", "uint4", "int4",      "float4e2m1"};
  if (t >= 0 && t < (int32_t)(sizeof names / sizeof names[0])) return names[t];
  return "unknown";
}

/* Describes where a tensor comes from in diagnostics, e.g. "initializer 'w'"
 * or "attribute 'value'"; node is the node of an attribute, else NULL. */
typedef struct Where {
  const char *what;
  const Node *node;
} Where;

static bool host_is_little_endian(void) {
  const uint16_t one = 1;
  unsigned char b;
  memcpy(&b, &one, 1);
  return b == 1;
}

/* Copies n elements of `size` bytes stored little-endian to host order. */
static void copy_le(void *dst, const uint8_t *src, size_t n, size_t size) {
  if (n == 0) return;          /* an empty raw_data may be a NULL pointer */
  if (host_is_little_endian() || size == 1) {
    memcpy(dst, src, n * size);
    return;
  }
  uint8_t *d = dst;
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < size; k++)
      d[i * size + k] = src[i * size + size - 1 - k];
}

static const char *external_location(const Onnx__TensorProto *tp) {
  for (size_t i = 0; i < tp->n_external_data; i++) {
    const Onnx__StringStringEntryProto *e = tp->external_data[i];
    if (e && e->key && strcmp(e->key, "location") == 0) return str(e->value);
  }
  return "no location given";
}

/* Fills t (dtype, shape, data) from a TensorProto.  Returns false after a
 * diagnostic.  Values in typed fields follow the ONNX rules: int32_data also
 * holds int8/uint8/int16/uint16/bool/float16/bfloat16 (float16 and bfloat16
 * as their bit patterns), uint64_data holds uint32/uint64
 * (both of which tnnc refuses by type). */
static bool load_tensor(Import *im, Tensor *t, const Onnx__TensorProto *tp,
                        Where w) {
  Graph *g = im->g;
  int32_t dt = tp->has_data_type ? tp->data_type : 0;
  if (!dtype_supported((DType)dt)) {
    diag_error(g->diag, w.node,
               "%s has data type %s (%d), which tnnc does not support", w.what,
               onnx_type_name(dt), (int)dt);
    return false;
  }
  if (tp->has_data_location &&
      tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
    diag_error(g->diag, w.node,
               "%s uses external data (%s), which tnnc does not read; re-save "
               "the model with the weights inside",
               w.what, external_location(tp));
    return false;
  }
  if (tp->segment) {
    diag_error(g->diag, w.node, "%s is split into segments, which tnnc does "
               "not read", w.what);
    return false;
  }
  if (tp->n_dims > IR_MAX_RANK) {
    diag_error(g->diag, w.node, "%s has rank %zu; tnnc supports at most %d",
               w.what, tp->n_dims, IR_MAX_RANK);
    return false;
  }
  int rank = (int)tp->n_dims;
  for (int i = 0; i < rank; i++) {
    if (tp->dims[i] < 0) {
      diag_error(g->diag, w.node, "%s has a negative dimension %lld on axis %d",
                 w.what, (long long)tp->dims[i], i);
      return false;
    }
  }
  int64_t numel;
  if (!ir_shape_numel(tp->dims, rank, g->limits->max_tensor_elements,
                      &numel)) {
    diag_error(g->diag, w.node,
               "%s has more elements than the limit of %lld (or its element "
               "count overflows; see --limit elements=N)",
               w.what, (long long)g->limits->max_tensor_elements);
    return false;
  }
  size_t esize = dtype_size((DType)dt);
  if (numel > INT64_MAX / (int64_t)esize) {
    diag_error(g->diag, w.node, "%s is too large (%lld elements)", w.what,
               (long long)numel);
    return false;
  }
  int64_t bytes = numel * (int64_t)esize;
  ir_tensor_set_shape(t, (DType)dt, rank, tp->dims);
  if (im->weight_bytes > g->limits->max_weight_bytes - bytes) {
    if (!im->weight_limit_hit)
      diag_error(g->diag, w.node,
                 "%s takes the constant data beyond the limit of %lld bytes "
                 "(see --limit weight-bytes=N)",
                 w.what, (long long)g->limits->max_weight_bytes);
    im->weight_limit_hit = true;
    return false;
  }
  im->weight_bytes += bytes;

  size_t have;                 /* element count in the chosen encoding */
  const char *field;
  if (tp->has_raw_data) {
    field = "raw_data bytes";
    if (tp->raw_data.len != (size_t)bytes) {
      diag_error(g->diag, w.node,
                 "%s has %zu bytes of raw_data, but its shape holds %lld "
                 "elements of %zu bytes",
                 w.what, tp->raw_data.len, (long long)numel, esize);
      return false;
    }
    void *p = ir_tensor_alloc_data(g, t);
    copy_le(p, tp->raw_data.data, (size_t)numel, esize);
    if (dt == DT_BOOL) {
      uint8_t *b = p;
      for (int64_t i = 0; i < numel; i++) b[i] = b[i] != 0;
    }
    return true;
  }
  switch ((DType)dt) {
  case DT_FLOAT: have = tp->n_float_data; field = "float_data"; break;
  case DT_DOUBLE: have = tp->n_double_data; field = "double_data"; break;
  case DT_INT64: have = tp->n_int64_data; field = "int64_data"; break;
  case DT_INT32: case DT_INT8: case DT_UINT8: case DT_BOOL:
  case DT_FLOAT16: case DT_BFLOAT16:
    have = tp->n_int32_data; field = "int32_data"; break;
  default: tnnc_unreachable();
  }
  if (have != (size_t)numel) {
    diag_error(g->diag, w.node,
               "%s has %zu values in %s, but its shape holds %lld", w.what,
               have, field, (long long)numel);
    return false;
  }
  void *p = ir_tensor_alloc_data(g, t);
  size_t n = (size_t)numel;
  switch ((DType)dt) {
  case DT_FLOAT: if (n) memcpy(p, tp->float_data, n * sizeof(float)); break;
  case DT_DOUBLE: if (n) memcpy(p, tp->double_data, n * sizeof(double)); break;
  case DT_INT64: if (n) memcpy(p, tp->int64_data, n * sizeof(int64_t)); break;
  case DT_INT32: if (n) memcpy(p, tp->int32_data, n * sizeof(int32_t)); break;
  case DT_INT8:
    for (size_t i = 0; i < n; i++) ((int8_t *)p)[i] = (int8_t)tp->int32_data[i];
    break;
  case DT_UINT8:
    for (size_t i = 0; i < n; i++)
      ((uint8_t *)p)[i] = (uint8_t)tp->int32_data[i];
    break;
  case DT_BOOL:
    for (size_t i = 0; i < n; i++) ((uint8_t *)p)[i] = tp->int32_data[i] != 0;
    break;
  case DT_FLOAT16: case DT_BFLOAT16: /* the 16-bit patterns */
    for (size_t i = 0; i < n; i++)
      ((uint16_t *)p)[i] = (uint16_t)tp->int32_data[i];
    break;
  default: tnnc_unreachable();
  }
  return true;
}

/* ------------------------------------------------------------- graph parts */

static void import_initializers(Import *im, const Onnx__GraphProto *gp) {
  Graph *g = im->g;
  for (size_t i = 0; i < gp->n_initializer; i++) {
    const Onnx__TensorProto *tp = gp->initializer[i];
    const char *name = str(tp->name);
    if (!name[0]) {
      diag_error(g->diag, NULL, "initializer #%zu has no name", i);
      continue;
    }
    if (names_get(&im->names, name)) {
      diag_error(g->diag, NULL, "initializer '%s' is defined twice", name);
      continue;
    }
    Tensor *t = ir_tensor_new(g, name);
    t->is_initializer = true;
    names_put(&im->names, t);
    Where w = {arena_printf(g->arena, "initializer '%s'", name), NULL};
    load_tensor(im, t, tp, w);
  }
}

/* Sets dtype and shape of a runtime input from its ValueInfo. */
static void import_input_type(Import *im, Tensor *t,
                              const Onnx__ValueInfoProto *vi) {
  Graph *g = im->g;
  const Onnx__TypeProto *tp = vi->type;
  if (!tp) {
    diag_error(g->diag, NULL, "input '%s' has no type in the model", t->name);
    return;
  }
  if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
      !tp->tensor_type) {
    diag_error(g->diag, NULL, "input '%s' is not a tensor (a sequence, map, "
               "optional or sparse tensor), which tnnc does not support",
               t->name);
    return;
  }
  const Onnx__TypeProto__Tensor *tt = tp->tensor_type;
  int32_t et = tt->has_elem_type ? tt->elem_type : 0;
  if (!dtype_supported((DType)et)) {
    diag_error(g->diag, NULL,
               "input '%s' has data type %s (%d), which tnnc does not support",
               t->name, onnx_type_name(et), (int)et);
    return;
  }
  t->dtype = (DType)et;
  if (!tt->shape) return;      /* rank unknown: infer-shapes reports it */
  const Onnx__TensorShapeProto *sp = tt->shape;
  if (sp->n_dim > IR_MAX_RANK) {
    diag_error(g->diag, NULL, "input '%s' has rank %zu; tnnc supports at most "
               "%d", t->name, sp->n_dim, IR_MAX_RANK);
    return;
  }
  int rank = (int)sp->n_dim;
  int64_t dims[IR_MAX_RANK], known[IR_MAX_RANK];
  const char *params[IR_MAX_RANK];
  for (int d = 0; d < rank; d++) {
    const Onnx__TensorShapeProto__Dimension *dim = sp->dim[d];
    dims[d] = -1;
    params[d] = NULL;
    known[d] = 1;
    Onnx__TensorShapeProto__Dimension__ValueCase vc = dim->value_case;
    if (vc == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
      if (dim->dim_value < 0) {
        diag_error(g->diag, NULL, "input '%s' has a negative dimension %lld "
                   "on axis %d", t->name, (long long)dim->dim_value, d);
        return;
      }
      dims[d] = known[d] = dim->dim_value;
    } else if (vc == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM &&
               dim->dim_param && dim->dim_param[0]) {
      params[d] = arena_strdup(g->arena, dim->dim_param);
    } else {
      params[d] = "?";
    }
  }
  int64_t numel;
  if (!ir_shape_numel(known, rank, g->limits->max_tensor_elements, &numel)) {
    char buf[IR_MAX_RANK * 24] = "";
    size_t len = 0;
    for (int d = 0; d < rank && len < sizeof buf; d++)
      len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%lld",
                              d ? "x" : "", (long long)known[d]);
    diag_error(g->diag, NULL, "input '%s' has shape %s: more elements than "
               "the limit of %lld (or its element count overflows; see --limit "
               "elements=N)",
               t->name, buf, (long long)g->limits->max_tensor_elements);
    return;
  }
  ir_tensor_set_shape(t, (DType)et, rank, dims);
  for (int d = 0; d < rank; d++) t->dim_param[d] = params[d];
}

static void import_inputs(Import *im, const Onnx__GraphProto *gp) {
  Graph *g = im->g;
  for (size_t i = 0; i < gp->n_input; i++) {
    const Onnx__ValueInfoProto *vi = gp->input[i];
    const char *name = str(vi->name);
    if (!name[0]) {
      diag_error(g->diag, NULL, "graph input #%zu has no name", i);
      continue;
    }
    Tensor *prev = names_get(&im->names, name);
    if (prev) {
      if (!prev->is_initializer)
        diag_error(g->diag, NULL, "graph input '%s' is listed twice", name);
      continue;                /* an initializer: a constant, not an input */
    }
    Tensor *t = ir_tensor_new(g, name);
    names_put(&im->names, t);
    import_input_type(im, t, vi);
    ir_graph_add_input(g, t);
  }
}

static void import_attr(Import *im, Node *n, const Onnx__AttributeProto *ap) {
  Graph *g = im->g;
  const char *name = str(ap->name);
  AttrType type = ap->has_type ? (AttrType)ap->type : ATTR_UNDEFINED;
  if (type == ATTR_UNDEFINED) {          /* IR v1 models omit the type */
    if (ap->n_floats) type = ATTR_FLOATS;
    else if (ap->n_ints) type = ATTR_INTS;
    else if (ap->n_strings) type = ATTR_STRINGS;
    else if (ap->t) type = ATTR_TENSOR;
    else if (ap->g) type = ATTR_GRAPH;
    else if (ap->has_f) type = ATTR_FLOAT;
    else if (ap->has_i) type = ATTR_INT;
    else if (ap->has_s) type = ATTR_STRING;
  }
  switch ((int)type) {
  case ATTR_FLOAT: ir_node_add_attr(g, n, name, type)->f = ap->f; return;
  case ATTR_INT: ir_node_add_attr(g, n, name, type)->i = ap->i; return;
  case ATTR_STRING: {
    if (ap->s.len && memchr(ap->s.data, 0, ap->s.len)) {
      diag_error(g->diag, n, "attribute '%s' holds a NUL byte in its string "
                 "value", name);
      return;
    }
    char *s = arena_alloc(g->arena, ap->s.len + 1);
    if (ap->s.len) memcpy(s, ap->s.data, ap->s.len);
    ir_node_add_attr(g, n, name, type)->s = s;
    return;
  }
  case ATTR_FLOATS: {
    Attr *a = ir_node_add_attr(g, n, name, type);
    a->n = (int)ap->n_floats;
    a->floats = arena_calloc(g->arena, ap->n_floats + 1, sizeof(float));
    if (ap->n_floats)
      memcpy(a->floats, ap->floats, ap->n_floats * sizeof(float));
    return;
  }
  case ATTR_INTS: {
    Attr *a = ir_node_add_attr(g, n, name, type);
    a->n = (int)ap->n_ints;
    a->ints = arena_calloc(g->arena, ap->n_ints + 1, sizeof(int64_t));
    if (ap->n_ints) memcpy(a->ints, ap->ints, ap->n_ints * sizeof(int64_t));
    return;
  }
  case ATTR_STRINGS: {
    Attr *a = ir_node_add_attr(g, n, name, type);
    a->n = (int)ap->n_strings;
    a->strings = arena_calloc(g->arena, ap->n_strings + 1, sizeof(char *));
    for (size_t i = 0; i < ap->n_strings; i++) {
      if (ap->strings[i].len && memchr(ap->strings[i].data, 0, ap->strings[i].len)) {
        diag_error(g->diag, n, "attribute '%s' holds a NUL byte in string %zu",
                   name, i);
        return;
      }
      char *s = arena_alloc(g->arena, ap->strings[i].len + 1);
      if (ap->strings[i].len)
        memcpy(s, ap->strings[i].data, ap->strings[i].len);
      a->strings[i] = s;
    }
    return;
  }
  case ATTR_TENSOR: {
    if (!ap->t) {
      diag_error(g->diag, n, "attribute '%s' holds no tensor", name);
      return;
    }
    /* A constant owned by the attribute, not in the graph's tensor list. */
    Tensor *t = arena_alloc(g->arena, sizeof *t);
    t->name = arena_strdup(g->arena, ap->t->name && ap->t->name[0]
                                         ? ap->t->name : name);
    t->id = -1;
    t->rank = -1;
    t->offset = -1;
    t->is_initializer = true;
    Where w = {arena_printf(g->arena, "attribute '%s'", name), n};
    if (load_tensor(im, t, ap->t, w)) ir_node_add_attr(g, n, name, type)->t = t;
    return;
  }
  case ATTR_GRAPH:
  case ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPHS:
    diag_error(g->diag, n, "attribute '%s' is a subgraph; tnnc does not "
               "support control flow (If, Loop, Scan)", name);
    return;
  default:
    diag_error(g->diag, n, "attribute '%s' has a type (%d) that tnnc does "
               "not support", name, (int)type);
    return;
  }
}

/* Strips trailing empty names: "" at the end of a list means omitted. */
static size_t trim_names(char *const *names, size_t n, size_t keep) {
  while (n > keep && !str(names[n - 1])[0]) n--;
  return n;
}

static void define_output(Import *im, Node *n, int j, const char *name) {
  Graph *g = im->g;
  Tensor *t;
  if (!name[0]) {              /* unused output: a fresh tensor, unnamed in
                                  the model, so not in the name table */
    t = ir_tensor_new(g, arena_printf(g->arena, "unused.%d.%d", n->index, j));
  } else {
    Tensor *prev = names_get(&im->names, name);
    if (prev) {
      if (prev->producer)
        diag_error(g->diag, n, "output '%s' is already defined by node #%d "
                   "'%s' (%s)", name, prev->producer->index,
                   prev->producer->name, prev->producer->op_type);
      else
        diag_error(g->diag, n, "output '%s' is already defined as a graph %s",
                   name, prev->is_initializer ? "initializer" : "input");
      return;
    }
    t = ir_tensor_new(g, name);
    names_put(&im->names, t);
  }
  t->producer = n;
  n->out[j] = t;
}

/* Reports an unsupported operator; its outputs still get defined (by a
 * placeholder node not in the graph) so consumers report nothing more. */
static void unsupported_node(Import *im, const Onnx__NodeProto *np, int index) {
  Graph *g = im->g;
  Node *tmp = arena_alloc(g->arena, sizeof *tmp);
  tmp->index = index;
  tmp->name = arena_strdup(g->arena, str(np->name));
  tmp->op_type = arena_strdup(g->arena, str(np->op_type));
  tmp->domain = arena_strdup(g->arena, str(np->domain));
  tmp->out = arena_calloc(g->arena, np->n_output + 1, sizeof(Tensor *));
  if (tmp->domain[0] && strcmp(tmp->domain, "ai.onnx") != 0)
    diag_error(g->diag, tmp, "unsupported operator %s (domain %s)",
               tmp->op_type, tmp->domain);
  else
    diag_error(g->diag, tmp, "unsupported operator %s", tmp->op_type);
  for (size_t j = 0; j < np->n_output; j++) {
    const char *name = str(np->output[j]);
    if (name[0] && !names_get(&im->names, name))
      define_output(im, tmp, (int)j, name);
  }
}

/* max -1: variadic. */
static void check_arity(Graph *g, Node *n, const char *what, int have, int min,
                        int max) {
  if (have >= min && (max < 0 || have <= max)) return;
  if (max < 0)
    diag_error(g->diag, n, "has %d %s, expected at least %d", have, what, min);
  else if (min == max)
    diag_error(g->diag, n, "has %d %s, expected %d", have, what, min);
  else
    diag_error(g->diag, n, "has %d %s, expected %d to %d", have, what, min,
               max);
}

/* Pass one: create supported nodes with their outputs and attributes.
 * Returns per-position nodes (NULL for unsupported ones). */
static Node **create_nodes(Import *im, const Onnx__GraphProto *gp) {
  Graph *g = im->g;
  Node **nodes = arena_calloc(g->arena, gp->n_node + 1, sizeof(Node *));
  for (size_t i = 0; i < gp->n_node; i++) {
    const Onnx__NodeProto *np = gp->node[i];
    const char *domain = str(np->domain);
    Op op;
    if (!op_lookup(domain, str(np->op_type), &op)) {
      unsupported_node(im, np, (int)i);
      continue;
    }
    const OpInfo *info = op_info(op);
    size_t nin = trim_names(np->input, np->n_input, 0);
    size_t nout = trim_names(np->output, np->n_output,
                             (size_t)(info->min_out > 0 ? info->min_out : 0));
    Node *n = ir_node_new(g, op, str(np->name), (int)nin, (int)nout);
    n->index = (int)i;
    n->op_type = arena_strdup(g->arena, str(np->op_type));
    n->domain = strcmp(domain, "ai.onnx") == 0
                    ? "" : arena_strdup(g->arena, domain);
    nodes[i] = n;
    check_arity(g, n, "inputs", (int)nin, info->min_in, info->max_in);
    check_arity(g, n, "outputs", (int)nout, info->min_out, info->max_out);
    for (size_t j = 0; j < nout; j++)
      define_output(im, n, (int)j, str(np->output[j]));
    for (size_t k = 0; k < np->n_attribute; k++)
      import_attr(im, n, np->attribute[k]);
  }
  return nodes;
}

/* Pass two: resolve every node input by name, now that all are defined. */
static void resolve_inputs(Import *im, const Onnx__GraphProto *gp,
                           Node **nodes) {
  Graph *g = im->g;
  for (size_t i = 0; i < gp->n_node; i++) {
    Node *n = nodes[i];
    if (!n) continue;
    const Onnx__NodeProto *np = gp->node[i];
    const OpInfo *info = op_info(n->op);
    for (int j = 0; j < n->nin; j++) {
      const char *name = str(np->input[j]);
      if (!name[0]) {
        if (j < info->min_in)
          diag_error(g->diag, n, "input %d is required but its name is empty",
                     j);
        continue;
      }
      Tensor *t = names_get(&im->names, name);
      if (!t)
        diag_error(g->diag, n, "input %d '%s' is not defined by any node, "
                   "input or initializer", j, name);
      n->in[j] = t;
    }
  }
}

static void import_outputs(Import *im, const Onnx__GraphProto *gp) {
  Graph *g = im->g;
  for (size_t i = 0; i < gp->n_output; i++) {
    const char *name = str(gp->output[i]->name);
    Tensor *t = names_get(&im->names, name);
    if (!t) {
      diag_error(g->diag, NULL, "graph output '%s' is not defined by any "
                 "node, input or initializer", name);
      continue;
    }
    ir_graph_add_output(g, t);
  }
}

static void import_model(Graph *g, const Onnx__ModelProto *m) {
  if (!m->has_ir_version || m->ir_version <= 0) {
    diag_error(g->diag, NULL, "the model has no ir_version; is it an ONNX "
               "model?");
    return;
  }
  const char *pn = str(m->producer_name), *pv = str(m->producer_version);
  g->producer = arena_printf(g->arena, "%s%s%s", pn, pn[0] && pv[0] ? " " : "",
                             pv);
  /* The ai.onnx opset, refused where onnxruntime refuses it: none imported,
   * imported twice with different versions, or outside 1..26. */
  bool have_opset = false;
  for (size_t i = 0; i < m->n_opset_import; i++) {
    const Onnx__OperatorSetIdProto *os = m->opset_import[i];
    const char *d = str(os->domain);
    if (d[0] && strcmp(d, "ai.onnx") != 0) continue;
    int64_t v = os->has_version ? os->version : 0;
    if (have_opset && v != g->opset) {
      diag_error(g->diag, NULL, "the model imports ai.onnx opsets %lld and "
                 "%lld", (long long)g->opset, (long long)v);
      return;
    }
    have_opset = true;
    g->opset = v;
  }
  if (!have_opset) {
    diag_error(g->diag, NULL, "the model imports no ai.onnx opset "
               "(opset_import)");
    return;
  }
  if (g->opset < 1 || g->opset > ONNX_MAX_OPSET) {
    diag_error(g->diag, NULL, "the model imports ai.onnx opset %lld; tnnc (like "
               "onnxruntime) reads opsets 1 to %d", (long long)g->opset, ONNX_MAX_OPSET);
    return;
  }
  const Onnx__GraphProto *gp = m->graph;
  if (!gp) {
    diag_error(g->diag, NULL, "the model has no graph");
    return;
  }
  if (gp->n_node == 0 && gp->n_output == 0) {
    diag_error(g->diag, NULL, "the graph has no nodes and no outputs");
    return;
  }
  if ((uint64_t)gp->n_node > (uint64_t)g->limits->max_nodes) {
    diag_error(g->diag, NULL, "the graph has %zu nodes, more than the limit "
               "of %lld (see --limit nodes=N)", gp->n_node, (long long)g->limits->max_nodes);
    return;
  }
  if (gp->n_sparse_initializer)
    diag_error(g->diag, NULL, "the graph has sparse initializers, which tnnc "
               "does not support");

  Import im = {.g = g, .names = {.arena = g->arena}};
  import_initializers(&im, gp);
  import_inputs(&im, gp);
  Node **nodes = create_nodes(&im, gp);
  resolve_inputs(&im, gp, nodes);
  import_outputs(&im, gp);
  g->const_bytes = im.weight_bytes;
}

/* ------------------------------------------------------ NUL in strings */

/* protobuf-c hands `string` fields over as C strings, so a name "\0b" would
 * read as "" (an omitted optional input) and "ab\0c" as "ab".  Before the
 * import, the wire bytes are walked with the schema's own descriptors and
 * every string field holding a NUL byte is refused: names, op types,
 * domains, attribute names, anywhere in the model.  The bytes already
 * unpacked cleanly, so only the walk's own bounds are checked. */

typedef struct NulScan {
  Graph *g;
  const Onnx__GraphProto *top;  /* the main graph, to name its nodes */
  char path[512];
} NulScan;

static bool wire_varint(const uint8_t **p, const uint8_t *end, uint64_t *v) {
  *v = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    *v |= (uint64_t)(b & 127) << shift;
    if (!(b & 128)) return true;
  }
  return false;
}

static void nul_report(NulScan *s, const Onnx__NodeProto *np, int node_index) {
  if (!np) {
    diag_error(s->g->diag, NULL, "%s holds a NUL byte; tnnc refuses strings "
               "with embedded NULs", s->path);
    return;
  }
  Node where = {.index = node_index, .name = str(np->name),
                .op_type = str(np->op_type)};
  diag_error(s->g->diag, &where, "%s holds a NUL byte; tnnc refuses strings "
             "with embedded NULs", s->path);
}

static void scan_nul(NulScan *s, const ProtobufCMessageDescriptor *desc,
                     const uint8_t *p, size_t len, int depth,
                     const Onnx__NodeProto *np, int node_index) {
  const uint8_t *end = p + len;
  size_t plen = strlen(s->path);
  unsigned counts[64] = {0};
  if (depth > 48) return;      /* subgraphs that deep are refused anyway */
  while (p < end) {
    uint64_t key, n;
    if (!wire_varint(&p, end, &key)) return;
    switch (key & 7) {
    case 0: if (!wire_varint(&p, end, &n)) return; continue;
    case 1: if (end - p < 8) return; p += 8; continue;
    case 5: if (end - p < 4) return; p += 4; continue;
    case 2: break;
    default: return;           /* groups: not in ONNX */
    }
    if (!wire_varint(&p, end, &n) || n > (uint64_t)(end - p)) return;
    const uint8_t *body = p;
    p += n;
    const ProtobufCFieldDescriptor *f =
        key >> 3 <= UINT32_MAX
            ? protobuf_c_message_descriptor_get_field(desc, (unsigned)(key >> 3))
            : NULL;
    if (!f || (f->type != PROTOBUF_C_TYPE_STRING &&
               f->type != PROTOBUF_C_TYPE_MESSAGE))
      continue;
    size_t fi = (size_t)(f - desc->fields);
    unsigned k = fi < 64 ? counts[fi]++ : 0;
    if (f->label == PROTOBUF_C_LABEL_REPEATED)
      snprintf(s->path + plen, sizeof s->path - plen, "%s%s[%u]",
               plen ? "." : "", f->name, k);
    else
      snprintf(s->path + plen, sizeof s->path - plen, "%s%s", plen ? "." : "",
               f->name);
    if (f->type == PROTOBUF_C_TYPE_STRING) {
      if (memchr(body, 0, (size_t)n)) nul_report(s, np, node_index);
    } else {
      const Onnx__NodeProto *sub = np;
      int sub_index = node_index;
      if (desc == &onnx__graph_proto__descriptor && depth == 1 &&
          f->descriptor == &onnx__node_proto__descriptor && s->top &&
          k < s->top->n_node) {
        sub = s->top->node[k];
        sub_index = (int)k;
      }
      scan_nul(s, f->descriptor, body, (size_t)n, depth + 1, sub, sub_index);
    }
    s->path[plen] = 0;
  }
}

/* protobuf-c's allocations, counted against a budget.  Each block carries
 * its size in a header so that free can give it back. */
typedef struct {
  size_t used, budget;
  bool exceeded;
} Budget;

static void *budget_alloc(void *data, size_t size) {
  Budget *b = data;
  if (size > b->budget - b->used || size > SIZE_MAX - 16) {
    b->exceeded = true;
    return NULL;
  }
  size_t *p = malloc(size + 16);
  if (!p) {
    b->exceeded = true;
    return NULL;
  }
  p[0] = size;
  b->used += size;
  return (char *)p + 16;
}

static void budget_free(void *data, void *ptr) {
  Budget *b = data;
  if (!ptr) return;
  size_t *p = (size_t *)(void *)((char *)ptr - 16);
  b->used -= p[0];
  free(p);
}

bool onnx_import(Graph *g, const uint8_t *bytes, size_t len) {
  int errors = g->diag->nerrors;
  if (len == 0) {
    diag_error(g->diag, NULL, "empty file");
    return false;
  }
  Budget budget = {0, (size_t)g->limits->max_arena_bytes, false};
  ProtobufCAllocator pa = {budget_alloc, budget_free, &budget};
  Onnx__ModelProto *m = onnx__model_proto__unpack(&pa, len, bytes);
  if (!m) {
    if (budget.exceeded)
      diag_error(g->diag, NULL, "reading the model needs more memory than the "
                 "limit of %lld bytes (see --limit memory=N)",
                 (long long)g->limits->max_arena_bytes);
    else
      diag_error(g->diag, NULL, "cannot parse ONNX model: the file is "
                 "truncated or not an ONNX protobuf");
    return false;
  }
  /* Free the message even when the arena runs out and longjmps. */
  jmp_buf *outer = g->arena->oom;
  jmp_buf here;
  if (setjmp(here)) {
    onnx__model_proto__free_unpacked(m, &pa);
    g->arena->oom = outer;
    if (outer) longjmp(*outer, 1);
    diag_error(g->diag, NULL, "out of memory while reading the model");
    return false;
  }
  g->arena->oom = &here;
  NulScan scan = {.g = g, .top = m->graph};
  scan_nul(&scan, &onnx__model_proto__descriptor, bytes, len, 0, NULL, -1);
  if (g->diag->nerrors == errors) import_model(g, m);
  g->arena->oom = outer;
  onnx__model_proto__free_unpacked(m, &pa);
  return g->diag->nerrors == errors;
}
