/* Unit tests of the ONNX frontend: models built in memory with protobuf-c,
 * packed to bytes and imported; and the bad models of tests/bad/ (found
 * through TNNC_SOURCE_ROOT), which must be refused with a diagnostic naming
 * the culprit.  Diagnostics are captured with open_memstream. */
#include <criterion/criterion.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "ir.h"
#include "onnx/onnx.pb-c.h"

#define S(x) ((char *)(x))

/* ------------------------------------------------- protobuf-c model builder */

/* Every builder allocation is kept here and freed by mb_free(). */
static void *keep[4096];
static int nkeep;

static void *mb_alloc(size_t size) {
  cr_assert(nkeep < (int)(sizeof keep / sizeof keep[0]));
  void *p = calloc(1, size);
  cr_assert(p);
  keep[nkeep++] = p;
  return p;
}

static void mb_free(void) {
  while (nkeep) free(keep[--nkeep]);
}

typedef struct Mb {
  Onnx__ModelProto *m;
  Onnx__GraphProto *g;
} Mb;

/* A model with ir_version 8, producer "tester 1.2" and the given opset
 * (0: no opset_import). */
static Mb mb_new(int64_t opset) {
  Mb b;
  b.m = mb_alloc(sizeof *b.m);
  onnx__model_proto__init(b.m);
  b.m->has_ir_version = 1;
  b.m->ir_version = 8;
  b.m->producer_name = S("tester");
  b.m->producer_version = S("1.2");
  if (opset) {
    Onnx__OperatorSetIdProto *os = mb_alloc(sizeof *os);
    onnx__operator_set_id_proto__init(os);
    os->domain = S("");
    os->has_version = 1;
    os->version = opset;
    b.m->opset_import = mb_alloc(sizeof(void *));
    b.m->opset_import[0] = os;
    b.m->n_opset_import = 1;
  }
  b.g = mb_alloc(sizeof *b.g);
  onnx__graph_proto__init(b.g);
  b.g->name = S("g");
  b.g->node = mb_alloc(64 * sizeof(void *));
  b.g->initializer = mb_alloc(64 * sizeof(void *));
  b.g->input = mb_alloc(64 * sizeof(void *));
  b.g->output = mb_alloc(64 * sizeof(void *));
  b.m->graph = b.g;
  return b;
}

static Onnx__TensorProto *mb_tensor(const char *name, int dtype, int rank,
                                    const int64_t *dims) {
  Onnx__TensorProto *t = mb_alloc(sizeof *t);
  onnx__tensor_proto__init(t);
  t->name = S(name);
  t->has_data_type = 1;
  t->data_type = dtype;
  t->n_dims = (size_t)rank;
  t->dims = (int64_t *)dims;
  return t;
}

static void mb_init(Mb *b, Onnx__TensorProto *t) {
  b->g->initializer[b->g->n_initializer++] = t;
}

/* A tensor value info; dims[i] < 0 uses params[i] (NULL: neither set). */
static Onnx__ValueInfoProto *mb_vi(const char *name, int dtype, int rank,
                                   const int64_t *dims, const char **params) {
  Onnx__ValueInfoProto *v = mb_alloc(sizeof *v);
  onnx__value_info_proto__init(v);
  v->name = S(name);
  if (rank < 0) return v;
  Onnx__TypeProto *tp = mb_alloc(sizeof *tp);
  onnx__type_proto__init(tp);
  Onnx__TypeProto__Tensor *tt = mb_alloc(sizeof *tt);
  onnx__type_proto__tensor__init(tt);
  tt->has_elem_type = 1;
  tt->elem_type = dtype;
  Onnx__TensorShapeProto *sp = mb_alloc(sizeof *sp);
  onnx__tensor_shape_proto__init(sp);
  sp->n_dim = (size_t)rank;
  sp->dim = mb_alloc((size_t)(rank + 1) * sizeof(void *));
  for (int i = 0; i < rank; i++) {
    Onnx__TensorShapeProto__Dimension *d = mb_alloc(sizeof *d);
    onnx__tensor_shape_proto__dimension__init(d);
    if (dims[i] >= 0) {
      d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
      d->dim_value = dims[i];
    } else if (params && params[i]) {
      d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
      d->dim_param = S(params[i]);
    }
    sp->dim[i] = d;
  }
  tt->shape = sp;
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  v->type = tp;
  return v;
}

static void mb_input(Mb *b, const char *name, int rank, const int64_t *dims) {
  b->g->input[b->g->n_input++] = mb_vi(name, 1, rank, dims, NULL);
}

static void mb_output(Mb *b, const char *name) {
  b->g->output[b->g->n_output++] = mb_vi(name, 0, -1, NULL, NULL);
}

/* Node with comma-free argument lists: ins/outs NULL-terminated. */
static Onnx__NodeProto *mb_node(Mb *b, const char *op, const char *name,
                                const char *const *ins,
                                const char *const *outs) {
  Onnx__NodeProto *n = mb_alloc(sizeof *n);
  onnx__node_proto__init(n);
  n->op_type = S(op);
  n->name = S(name);
  while (ins && ins[n->n_input]) n->n_input++;
  while (outs && outs[n->n_output]) n->n_output++;
  n->input = (char **)ins;
  n->output = (char **)outs;
  n->attribute = mb_alloc(16 * sizeof(void *));
  b->g->node[b->g->n_node++] = n;
  return n;
}

static Onnx__AttributeProto *mb_attr(Onnx__NodeProto *n, const char *name,
                                     int type) {
  Onnx__AttributeProto *a = mb_alloc(sizeof *a);
  onnx__attribute_proto__init(a);
  a->name = S(name);
  a->has_type = 1;
  a->type = type;
  n->attribute[n->n_attribute++] = a;
  return a;
}

static uint8_t *mb_pack(const Mb *b, size_t *len) {
  *len = onnx__model_proto__get_packed_size(b->m);
  uint8_t *buf = mb_alloc(*len + 1);
  onnx__model_proto__pack(b->m, buf);
  return buf;
}

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ----------------------------------------------------------- import harness */

typedef struct Ctx {
  Arena *arena;
  Diag diag;
  tnnc_limits limits;
  Graph *g;
  char *msg;                   /* captured diagnostics */
  size_t msglen;
} Ctx;

static void ctx_init(Ctx *c) {
  memset(c, 0, sizeof *c);
  c->arena = arena_new(0);
  tnnc_default_limits(&c->limits);
  c->diag.file = "m.onnx";
  c->diag.sink = open_memstream(&c->msg, &c->msglen);
  c->g = ir_graph_new(c->arena, &c->diag, &c->limits);
}

static bool ctx_import(Ctx *c, const uint8_t *bytes, size_t len) {
  bool ok = onnx_import(c->g, bytes, len);
  fflush(c->diag.sink);
  return ok;
}

static void ctx_free(Ctx *c) {
  fclose(c->diag.sink);
  free(c->msg);
  arena_free(c->arena);
  mb_free();
}

static bool import_mb(Ctx *c, const Mb *b) {
  size_t len;
  uint8_t *buf = mb_pack(b, &len);
  return ctx_import(c, buf, len);
}

#define expect_ok(c, ok)                                                      \
  cr_assert((ok) && (c)->diag.nerrors == 0, "import failed: %s",              \
            (c)->msg ? (c)->msg : "")
#define expect_error(c, ok, needle)                                           \
  do {                                                                        \
    cr_assert(!(ok), "import succeeded, expected an error");                  \
    cr_assert((c)->diag.nerrors > 0);                                         \
    cr_assert(strstr((c)->msg, (needle)), "diagnostics lack \"%s\":\n%s",     \
              (needle), (c)->msg);                                            \
  } while (0)

static Tensor *find(Ctx *c, const char *name) {
  Tensor *t = ir_tensor_find(c->g, name);
  cr_assert(t, "no tensor '%s'", name);
  return t;
}

/* --------------------------------------------------------------- good input */

static const int64_t d14[] = {1, 4}, d4[] = {4}, d2[] = {2}, d23[] = {2, 3};

Test(frontend, float_data_initializer_and_model_fields) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const float w[] = {1, 2, 3, 4};
  Onnx__TensorProto *t = mb_tensor("w", 1, 2, d14);
  t->n_float_data = 4;
  t->float_data = (float *)w;
  mb_init(&b, t);
  mb_input(&b, "x", 2, d14);
  mb_node(&b, "Add", "add0", L("x", "w"), L("y"));
  mb_output(&b, "y");
  expect_ok(&c, import_mb(&c, &b));
  Graph *g = c.g;
  cr_assert_str_eq(g->producer, "tester 1.2");
  cr_assert_eq(g->opset, 13);
  cr_assert_eq(g->ninputs, 1);
  cr_assert_eq(g->noutputs, 1);
  cr_assert_eq(g->nnodes, 1);
  Tensor *x = find(&c, "x"), *wt = find(&c, "w"), *y = find(&c, "y");
  cr_assert_eq(g->inputs[0], x);
  cr_assert(x->is_input && !x->is_initializer && !x->data);
  cr_assert_eq(x->dtype, DT_FLOAT);
  cr_assert_eq(x->rank, 2);
  cr_assert_eq(x->dims[1], 4);
  cr_assert(wt->is_initializer && !wt->is_input);
  cr_assert_eq(wt->dtype, DT_FLOAT);
  cr_assert_eq(memcmp(wt->data, w, sizeof w), 0);
  Node *n = g->nodes[0];
  cr_assert_eq(n->op, OP_ADD);
  cr_assert_str_eq(n->name, "add0");
  cr_assert_str_eq(n->op_type, "Add");
  cr_assert_str_eq(n->domain, "");
  cr_assert_eq(n->index, 0);
  cr_assert_eq(n->nin, 2);
  cr_assert_eq(n->in[0], x);
  cr_assert_eq(n->in[1], wt);
  cr_assert_eq(n->out[0], y);
  cr_assert_eq(g->outputs[0], y);
  cr_assert(y->is_output);
  ctx_free(&c);
}

Test(frontend, raw_data_little_endian) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const uint8_t fraw[] = {0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}; /* 1, -2 */
  Onnx__TensorProto *t = mb_tensor("w", 1, 1, d2);
  t->has_raw_data = 1;
  t->raw_data.len = sizeof fraw;
  t->raw_data.data = (uint8_t *)fraw;
  mb_init(&b, t);
  static const uint8_t i64raw[] = {3,    0,    0,    0,    0,    0,    0,    0,
                                   0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff};
  Onnx__TensorProto *s = mb_tensor("shape", 7, 1, d2);
  s->has_raw_data = 1;
  s->raw_data.len = sizeof i64raw;
  s->raw_data.data = (uint8_t *)i64raw;
  mb_init(&b, s);
  mb_input(&b, "x", 1, d2);
  mb_node(&b, "Mul", "m", L("x", "w"), L("y"));
  mb_node(&b, "Reshape", "r", L("y", "shape"), L("z"));
  mb_output(&b, "z");
  expect_ok(&c, import_mb(&c, &b));
  const float *w = find(&c, "w")->data;
  cr_assert_eq(w[0], 1.0f);
  cr_assert_eq(w[1], -2.0f);
  const int64_t *sh = find(&c, "shape")->data;
  cr_assert_eq(sh[0], 3);
  cr_assert_eq(sh[1], -2);
  cr_assert_eq(find(&c, "shape")->dtype, DT_INT64);
  ctx_free(&c);
}

Test(frontend, int64_double_and_int32_encodings) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const int64_t i64[] = {1, -1};
  Onnx__TensorProto *a = mb_tensor("shape", 7, 1, d2);
  a->n_int64_data = 2;
  a->int64_data = (int64_t *)i64;
  mb_init(&b, a);
  static const double dv[] = {0.5, -1e300};
  Onnx__TensorProto *d = mb_tensor("dbl", 11, 1, d2);
  d->n_double_data = 2;
  d->double_data = (double *)dv;
  mb_init(&b, d);
  static const int32_t iv[] = {-3, 250};
  Onnx__TensorProto *i8 = mb_tensor("i8", 3, 1, d2);
  i8->n_int32_data = 2;
  i8->int32_data = (int32_t *)iv;
  mb_init(&b, i8);
  Onnx__TensorProto *u8 = mb_tensor("u8", 2, 1, d2);
  u8->n_int32_data = 2;
  u8->int32_data = (int32_t *)iv;
  mb_init(&b, u8);
  static const int32_t bv[] = {0, 7};
  Onnx__TensorProto *bo = mb_tensor("b", 9, 1, d2);
  bo->n_int32_data = 2;
  bo->int32_data = (int32_t *)bv;
  mb_init(&b, bo);
  Onnx__TensorProto *i32 = mb_tensor("i32", 6, 0, NULL); /* a scalar */
  i32->n_int32_data = 1;
  i32->int32_data = (int32_t *)iv;
  mb_init(&b, i32);
  mb_output(&b, "shape");
  expect_ok(&c, import_mb(&c, &b));
  Tensor *t = find(&c, "shape");
  cr_assert_eq(((int64_t *)t->data)[1], -1);
  t = find(&c, "dbl");
  cr_assert_eq(t->dtype, DT_DOUBLE);
  cr_assert_eq(((double *)t->data)[1], -1e300);
  cr_assert_eq(((int8_t *)find(&c, "i8")->data)[0], -3);
  cr_assert_eq(((uint8_t *)find(&c, "u8")->data)[1], 250);
  cr_assert_eq(((uint8_t *)find(&c, "b")->data)[1], 1);
  t = find(&c, "i32");
  cr_assert_eq(t->rank, 0);
  cr_assert_eq(ir_tensor_numel(t), 1);
  cr_assert_eq(((int32_t *)t->data)[0], -3);
  ctx_free(&c);
}

Test(frontend, initializer_listed_as_input_is_a_constant) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(11);
  static const float w[] = {1, 2, 3, 4};
  Onnx__TensorProto *t = mb_tensor("w", 1, 1, d4);
  t->n_float_data = 4;
  t->float_data = (float *)w;
  mb_init(&b, t);
  mb_input(&b, "x", 1, d4);
  mb_input(&b, "w", 1, d4);
  mb_node(&b, "Add", "", L("x", "w"), L("y"));
  mb_output(&b, "y");
  expect_ok(&c, import_mb(&c, &b));
  cr_assert_eq(c.g->ninputs, 1);
  cr_assert_str_eq(c.g->inputs[0]->name, "x");
  Tensor *wt = find(&c, "w");
  cr_assert(!wt->is_input && wt->is_initializer && wt->data);
  cr_assert_eq(c.g->opset, 11);
  ctx_free(&c);
}

Test(frontend, symbolic_dims) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const int64_t dims[] = {-1, 3, -1};
  static const char *params[] = {"batch", NULL, NULL};
  b.g->input[b.g->n_input++] = mb_vi("x", 1, 3, dims, params);
  mb_node(&b, "Relu", "r", L("x"), L("y"));
  mb_output(&b, "y");
  expect_ok(&c, import_mb(&c, &b));
  Tensor *x = find(&c, "x");
  cr_assert_eq(x->rank, 3);
  cr_assert_eq(x->dims[0], -1);
  cr_assert_str_eq(x->dim_param[0], "batch");
  cr_assert_eq(x->dims[1], 3);
  cr_assert_null(x->dim_param[1]);
  cr_assert_eq(x->dims[2], -1);
  cr_assert_str_eq(x->dim_param[2], "?");
  ctx_free(&c);
}

Test(frontend, nodes_out_of_order_and_omitted_inputs) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const float one[] = {1};
  Onnx__TensorProto *hi = mb_tensor("hi", 1, 0, NULL);
  hi->n_float_data = 1;
  hi->float_data = (float *)one;
  mb_init(&b, hi);
  mb_input(&b, "x", 1, d4);
  /* consumer first; Clip with min omitted; Dropout's mask output unnamed */
  mb_node(&b, "Clip", "clip", L("r", "", "hi"), L("y"));
  mb_node(&b, "Dropout", "drop", L("x", "", ""), L("r", ""));
  mb_output(&b, "y");
  expect_ok(&c, import_mb(&c, &b));
  Node *clip = c.g->nodes[0], *drop = c.g->nodes[1];
  cr_assert_eq(clip->index, 0);
  cr_assert_eq(drop->index, 1);
  cr_assert_eq(clip->nin, 3);
  cr_assert_eq(clip->in[0], drop->out[0]);
  cr_assert_null(clip->in[1]);
  cr_assert_eq(clip->in[2], find(&c, "hi"));
  cr_assert_eq(drop->nin, 1, "trailing empty inputs are trimmed");
  cr_assert_eq(drop->nout, 1, "trailing empty outputs are trimmed");
  ctx_free(&c);
}

Test(frontend, unnamed_middle_output_gets_a_tensor) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const int64_t d4x[] = {1, 1, 4, 4};
  mb_input(&b, "x", 4, d4x);
  mb_node(&b, "MaxPool", "mp", L("x"), L("", "idx"));
  mb_output(&b, "idx");
  expect_ok(&c, import_mb(&c, &b));
  Node *n = c.g->nodes[0];
  cr_assert_eq(n->nout, 2);
  cr_assert(n->out[0] && n->out[0] != n->out[1]);
  cr_assert_str_eq(n->out[0]->name, "unused.0.0");
  cr_assert_eq(n->out[1], find(&c, "idx"));
  ctx_free(&c);
}

Test(frontend, attributes) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  mb_input(&b, "x", 2, d23);
  Onnx__NodeProto *n = mb_node(&b, "Transpose", "t", L("x"), L("y"));
  static const int64_t perm[] = {1, 0};
  Onnx__AttributeProto *a = mb_attr(n, "perm", 7);
  a->n_ints = 2;
  a->ints = (int64_t *)perm;
  a = mb_attr(n, "alpha", 1);
  a->has_f = 1;
  a->f = 0.25f;
  a = mb_attr(n, "k", 2);
  a->has_i = 1;
  a->i = -7;
  a = mb_attr(n, "mode", 3);
  a->has_s = 1;
  a->s.data = (uint8_t *)"edge";
  a->s.len = 4;
  static const float fl[] = {1.5f, 2.5f, 3.5f};
  a = mb_attr(n, "scales", 6);
  a->n_floats = 3;
  a->floats = (float *)fl;
  static ProtobufCBinaryData strs[] = {{1, (uint8_t *)"a"},
                                       {2, (uint8_t *)"bc"}};
  a = mb_attr(n, "names", 8);
  a->n_strings = 2;
  a->strings = strs;
  a = mb_attr(n, "untyped", 0);   /* IR v1 style: the type is inferred */
  a->has_type = 0;
  a->has_i = 1;
  a->i = 5;
  Onnx__NodeProto *k = mb_node(&b, "Constant", "c", NULL, L("cst"));
  static const int64_t vals[] = {4, 5, 6};
  static const int64_t d3[] = {3};
  Onnx__TensorProto *tv = mb_tensor("", 7, 1, d3);
  tv->n_int64_data = 3;
  tv->int64_data = (int64_t *)vals;
  mb_attr(k, "value", 4)->t = tv;
  mb_output(&b, "y");
  mb_output(&b, "cst");
  expect_ok(&c, import_mb(&c, &b));
  Node *t = c.g->nodes[0];
  int64_t got[4];
  cr_assert_eq(ir_attr_ints(t, "perm", got, 4), 2);
  cr_assert_eq(got[0], 1);
  cr_assert_eq(ir_attr_float(t, "alpha", 0), 0.25f);
  cr_assert_eq(ir_attr_int(t, "k", 0), -7);
  cr_assert_str_eq(ir_attr_string(t, "mode", ""), "edge");
  const Attr *at = ir_attr(t, "scales");
  cr_assert(at && at->type == ATTR_FLOATS && at->n == 3);
  cr_assert_eq(at->floats[2], 3.5f);
  at = ir_attr(t, "names");
  cr_assert(at && at->type == ATTR_STRINGS && at->n == 2);
  cr_assert_str_eq(at->strings[1], "bc");
  cr_assert_eq(ir_attr_int(t, "untyped", 0), 5);
  Node *cn = c.g->nodes[1];
  cr_assert_eq(cn->op, OP_CONSTANT);
  cr_assert_eq(cn->nin, 0);
  at = ir_attr(cn, "value");
  cr_assert(at && at->type == ATTR_TENSOR && at->t);
  cr_assert_eq(at->t->dtype, DT_INT64);
  cr_assert_eq(at->t->rank, 1);
  cr_assert_eq(at->t->dims[0], 3);
  cr_assert_eq(((int64_t *)at->t->data)[2], 6);
  for (int i = 0; i < c.g->ntensors; i++)
    cr_assert_neq(c.g->tensors[i], at->t, "attribute tensor in the graph");
  ctx_free(&c);
}

Test(frontend, opset_default_and_ai_onnx_domain) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(0);
  mb_input(&b, "x", 1, d4);
  mb_node(&b, "Relu", "r", L("x"), L("y"));
  mb_output(&b, "y");
  /* no opset_import at all: refused, as onnxruntime does */
  expect_error(&c, import_mb(&c, &b), "imports no ai.onnx opset");
  ctx_free(&c);

  ctx_init(&c);
  b = mb_new(0);
  Onnx__OperatorSetIdProto *os[2];
  for (int i = 0; i < 2; i++) {
    os[i] = mb_alloc(sizeof *os[i]);
    onnx__operator_set_id_proto__init(os[i]);
    os[i]->has_version = 1;
  }
  os[0]->domain = S("com.example");
  os[0]->version = 3;
  os[1]->domain = S("ai.onnx");
  os[1]->version = 17;
  b.m->opset_import = os;
  b.m->n_opset_import = 2;
  mb_input(&b, "x", 1, d4);
  Onnx__NodeProto *n = mb_node(&b, "Relu", "r", L("x"), L("y"));
  n->domain = S("ai.onnx");
  mb_output(&b, "y");
  expect_ok(&c, import_mb(&c, &b));
  cr_assert_eq(c.g->opset, 17);
  cr_assert_str_eq(c.g->nodes[0]->domain, "");
  ctx_free(&c);
}

Test(frontend, identity_graph_without_nodes) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  mb_input(&b, "x", 1, d4);
  mb_output(&b, "x");
  expect_ok(&c, import_mb(&c, &b));
  cr_assert_eq(c.g->outputs[0], c.g->inputs[0]);
  ctx_free(&c);
}

/* ---------------------------------------------------------------- bad input */

Test(frontend_bad, no_ir_version_or_graph_or_content) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  b.m->has_ir_version = 0;
  mb_output(&b, "x");
  expect_error(&c, import_mb(&c, &b), "ir_version");
  ctx_free(&c);

  ctx_init(&c);
  b = mb_new(13);
  b.m->graph = NULL;
  expect_error(&c, import_mb(&c, &b), "no graph");
  ctx_free(&c);

  ctx_init(&c);
  b = mb_new(13);
  expect_error(&c, import_mb(&c, &b), "no nodes and no outputs");
  ctx_free(&c);
}

Test(frontend_bad, data_length_mismatch) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const float w[] = {1, 2, 3, 4, 5};
  Onnx__TensorProto *t = mb_tensor("w", 1, 2, d23);
  t->n_float_data = 5;
  t->float_data = (float *)w;
  mb_init(&b, t);
  Onnx__TensorProto *r = mb_tensor("r", 1, 1, d2);
  r->has_raw_data = 1;
  r->raw_data.len = 7;
  r->raw_data.data = (uint8_t *)"1234567";
  mb_init(&b, r);
  Onnx__TensorProto *e = mb_tensor("empty", 7, 1, d2); /* no data at all */
  mb_init(&b, e);
  mb_output(&b, "w");
  bool ok = import_mb(&c, &b);
  expect_error(&c, ok, "initializer 'w' has 5 values in float_data, but its "
               "shape holds 6");
  expect_error(&c, ok, "initializer 'r' has 7 bytes of raw_data");
  expect_error(&c, ok, "initializer 'empty' has 0 values");
  cr_assert_eq(c.diag.nerrors, 3);
  ctx_free(&c);
}

Test(frontend_bad, bad_dims_and_limits) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const int64_t neg[] = {2, -3};
  mb_init(&b, mb_tensor("neg", 1, 2, neg));
  static const int64_t huge[] = {INT64_C(1) << 40, INT64_C(1) << 40};
  mb_init(&b, mb_tensor("huge", 1, 2, huge));
  static const int64_t deep[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  mb_init(&b, mb_tensor("deep", 1, 9, deep));
  mb_output(&b, "neg");
  bool ok = import_mb(&c, &b);
  expect_error(&c, ok, "initializer 'neg' has a negative dimension -3");
  expect_error(&c, ok, "initializer 'huge' has more elements than the limit");
  expect_error(&c, ok, "initializer 'deep' has rank 9");
  ctx_free(&c);
}

Test(frontend_bad, weight_and_node_limits) {
  Ctx c;
  ctx_init(&c);
  c.limits.max_weight_bytes = 20;
  Mb b = mb_new(13);
  static const float w[] = {1, 2, 3, 4};
  for (int i = 0; i < 2; i++) {
    Onnx__TensorProto *t = mb_tensor(i ? "w1" : "w0", 1, 1, d4);
    t->n_float_data = 4;
    t->float_data = (float *)w;
    mb_init(&b, t);
  }
  mb_output(&b, "w0");
  expect_error(&c, import_mb(&c, &b), "initializer 'w1' takes the constant "
               "data beyond the limit of 20 bytes");
  ctx_free(&c);

  ctx_init(&c);
  c.limits.max_nodes = 2;
  b = mb_new(13);
  mb_input(&b, "x", 1, d4);
  mb_node(&b, "Relu", "a", L("x"), L("y0"));
  mb_node(&b, "Relu", "b", L("y0"), L("y1"));
  mb_node(&b, "Relu", "c", L("y1"), L("y2"));
  mb_output(&b, "y2");
  expect_error(&c, import_mb(&c, &b), "3 nodes, more than the limit of 2");
  ctx_free(&c);
}

Test(frontend_bad, unsupported_types) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  mb_init(&b, mb_tensor("cx", 14, 1, d2));
  mb_init(&b, mb_tensor("f8", 17, 1, d2));
  mb_init(&b, mb_tensor("bf", 16, 1, d2));     /* no values */
  b.g->input[b.g->n_input++] = mb_vi("u", 13, 1, d2, NULL);
  mb_node(&b, "Add", "add", L("u", "cx"), L("y"));
  mb_output(&b, "y");
  bool ok = import_mb(&c, &b);
  expect_error(&c, ok, "initializer 'cx' has data type complex64 (14), which "
               "tnnc does not support");
  expect_error(&c, ok, "initializer 'f8' has data type float8e4m3fn (17)");
  expect_error(&c, ok, "initializer 'bf' has 0 values in int32_data, but its "
               "shape holds 2");
  expect_error(&c, ok, "input 'u' has data type uint64 (13)");
  ctx_free(&c);
}

/* float16 and bfloat16 initializers keep their bit patterns, from
 * int32_data or raw_data. */
Test(frontend, float16_bfloat16_initializers) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  static const int32_t h[] = {0x3c00, 0xc000};
  static const uint8_t raw[] = {0x80, 0x3f, 0x00, 0xff};
  Onnx__TensorProto *t = mb_tensor("half", 10, 1, d2);
  t->n_int32_data = 2;
  t->int32_data = (int32_t *)h;
  mb_init(&b, t);
  t = mb_tensor("bf", 16, 1, d2);
  t->has_raw_data = true;
  t->raw_data.len = sizeof raw;
  t->raw_data.data = (uint8_t *)raw;
  mb_init(&b, t);
  mb_node(&b, "Identity", "id", L("half"), L("y"));
  mb_output(&b, "y");
  mb_output(&b, "bf");
  expect_ok(&c, import_mb(&c, &b));
  Tensor *ht = find(&c, "half"), *bt = find(&c, "bf");
  cr_assert_eq(ht->dtype, DT_FLOAT16);
  cr_assert_eq(bt->dtype, DT_BFLOAT16);
  const uint16_t *hv = ht->data, *bv = bt->data;
  cr_assert(hv[0] == 0x3c00 && hv[1] == 0xc000);
  cr_assert(bv[0] == 0x3f80 && bv[1] == 0xff00);
  cr_assert(ir_const_double(ht, 1) == -2.0 && ir_const_double(bt, 0) == 1.0);
  ctx_free(&c);
}

Test(frontend_bad, graph_structure) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  mb_input(&b, "x", 1, d4);
  mb_node(&b, "Relu", "r0", L("x"), L("y"));
  mb_node(&b, "Relu", "r1", L("x"), L("y"));      /* defined twice */
  mb_node(&b, "Relu", "r2", L("x"), L("x"));      /* redefines an input */
  mb_node(&b, "Add", "add1", L("x"), L("z"));     /* too few inputs */
  mb_node(&b, "Clip", "clip", L("", "y"), L("w")); /* required one empty */
  mb_output(&b, "nowhere");
  bool ok = import_mb(&c, &b);
  expect_error(&c, ok, "node #1 'r1' (Relu): output 'y' is already defined by "
               "node #0 'r0' (Relu)");
  expect_error(&c, ok, "node #2 'r2' (Relu): output 'x' is already defined as "
               "a graph input");
  expect_error(&c, ok, "node #3 'add1' (Add): has 1 inputs, expected 2");
  expect_error(&c, ok, "node #4 'clip' (Clip): input 0 is required");
  expect_error(&c, ok, "graph output 'nowhere' is not defined");
  ctx_free(&c);
}

Test(frontend_bad, graph_attribute) {
  Ctx c;
  ctx_init(&c);
  Mb b = mb_new(13);
  mb_input(&b, "x", 1, d4);
  Onnx__NodeProto *n = mb_node(&b, "Relu", "r", L("x"), L("y"));
  Onnx__GraphProto *sub = mb_alloc(sizeof *sub);
  onnx__graph_proto__init(sub);
  mb_attr(n, "body", 5)->g = sub;
  mb_output(&b, "y");
  expect_error(&c, import_mb(&c, &b), "node #0 'r' (Relu): attribute 'body' "
               "is a subgraph");
  ctx_free(&c);
}

Test(frontend_bad, every_truncation_fails_cleanly) {
  Mb b = mb_new(13);
  static const float w[] = {1, 2, 3, 4};
  Onnx__TensorProto *t = mb_tensor("w", 1, 1, d4);
  t->n_float_data = 4;
  t->float_data = (float *)w;
  mb_init(&b, t);
  mb_input(&b, "x", 1, d4);
  mb_node(&b, "Add", "add", L("x", "w"), L("y"));
  mb_output(&b, "y");
  size_t len;
  uint8_t *full = mb_pack(&b, &len);
  for (size_t cut = 0; cut < len; cut++) {
    Arena *a = arena_new(0);
    Diag d = {.sink = NULL, .file = "t.onnx"};
    tnnc_limits lim;
    tnnc_default_limits(&lim);
    Graph *g = ir_graph_new(a, &d, &lim);
    uint8_t *copy = malloc(cut + 1);   /* exact size, for ASan/valgrind */
    memcpy(copy, full, cut);
    bool ok = onnx_import(g, copy, cut);
    cr_assert(ok == (d.nerrors == 0));
    free(copy);
    arena_free(a);
  }
  mb_free();
}

/* A failing allocator: the arena's out-of-memory longjmp passes through the
 * frontend (which frees the protobuf message) to the caller's handler. */
Test(frontend_bad, arena_exhaustion_reaches_the_caller) {
  Mb b = mb_new(13);
  static float w[4096];
  static const int64_t dw[] = {4096};
  Onnx__TensorProto *t = mb_tensor("w", 1, 1, dw);
  t->n_float_data = 4096;
  t->float_data = w;
  mb_init(&b, t);
  mb_output(&b, "w");
  size_t len;
  uint8_t *buf = mb_pack(&b, &len);
  Arena *a = arena_new(4096);
  Diag d = {.sink = NULL};
  tnnc_limits lim;
  tnnc_default_limits(&lim);
  Graph *g = ir_graph_new(a, &d, &lim);
  jmp_buf oom;
  volatile int jumped = 0;
  if (setjmp(oom) == 0) {
    a->oom = &oom;
    onnx_import(g, buf, len);
  } else {
    jumped = 1;
  }
  cr_assert(jumped, "the arena limit did not trigger");
  cr_assert_eq(a->oom, &oom, "the caller's handler was not restored");
  arena_free(a);
  mb_free();
}

/* ------------------------------------------------------ tests/bad/ fixtures */

static uint8_t *read_bad(const char *file, size_t *len) {
  const char *root = getenv("TNNC_SOURCE_ROOT");
  cr_assert(root, "TNNC_SOURCE_ROOT is not set");
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/bad/%s", root, file);
  FILE *f = fopen(path, "rb");
  cr_assert(f, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = mb_alloc((size_t)n + 1);
  cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static void expect_bad(const char *file, const char *const *needles) {
  Ctx c;
  ctx_init(&c);
  size_t len;
  uint8_t *buf = read_bad(file, &len);
  bool ok = ctx_import(&c, buf, len);
  for (int i = 0; needles[i]; i++) expect_error(&c, ok, needles[i]);
  ctx_free(&c);
}

static void expect_good(const char *file) {
  Ctx c;
  ctx_init(&c);
  size_t len;
  uint8_t *buf = read_bad(file, &len);
  expect_ok(&c, ctx_import(&c, buf, len));
  ctx_free(&c);
}

Test(frontend_files, empty) { expect_bad("empty.onnx", L("empty file")); }

Test(frontend_files, truncated) {
  expect_bad("truncated.onnx", L("cannot parse ONNX model: the file is "
                                 "truncated or not an ONNX protobuf"));
}

Test(frontend_files, corrupt) {
  expect_bad("corrupt.onnx", L("cannot parse ONNX model"));
}

Test(frontend_files, undefined_input) {
  expect_bad("undefined_input.onnx",
             L("node #1 'add' (Add): input 1 'foo' is not defined by any "
               "node, input or initializer"));
}

Test(frontend_files, overflow_shape) {
  expect_bad("overflow_shape.onnx", L("input 'x' has shape "
                                      "1099511627776x1099511627776"));
}

Test(frontend_files, unsupported_ops_all_listed) {
  Ctx c;
  ctx_init(&c);
  size_t len;
  uint8_t *buf = read_bad("unsupported_ops.onnx", &len);
  bool ok = ctx_import(&c, buf, len);
  expect_error(&c, ok, "node #0 'foo' (FooBar): unsupported operator FooBar");
  expect_error(&c, ok, "node #1 't1' (Trunc): unsupported operator Trunc "
               "(domain qonnx.custom_op.general)");
  cr_assert_eq(c.diag.nerrors, 2, "only the unsupported nodes:\n%s", c.msg);
  ctx_free(&c);
}

Test(frontend_files, unsupported_dtype) {
  expect_bad("unsupported_dtype.onnx",
             L("initializer 's' has data type string (8), which tnnc does "
               "not support"));
}

Test(frontend_files, external_data) {
  expect_bad("external_data.onnx",
             L("initializer 'w' uses external data (weights.bin), which tnnc "
               "does not read; re-save the model with the weights inside"));
}

/* These are well-formed for the frontend; later phases refuse them. */
Test(frontend_files, cyclic_imports) { expect_good("cyclic.onnx"); }
Test(frontend_files, wrong_rank_imports) { expect_good("wrong_rank.onnx"); }
