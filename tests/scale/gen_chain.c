/* Generates an N-layer ONNX model for the scale test and the compile-time
 * benchmark: x float[1, W] -> N x (Gemm W x W with bias -> Tanh) -> y,
 * with a residual Add every 8 layers.  Weights come from a fixed LCG, so
 * the bytes depend only on N and W.
 *
 *   gen_chain LAYERS OUT.onnx [WIDTH [IN.npy]]   (default width 16)
 *   gen_chain fanout N OUT.onnx   x -> N Tanh nodes, every output a graph output
 *   gen_chain repeat N OUT.onnx   one Tanh, its output listed N times
 *
 * IN.npy, if given, receives a float32 [1, WIDTH] input.
 *
 * Also included by benchmarks/compile_scale.c (with GEN_CHAIN_NO_MAIN). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/onnx.pb-c.h"

typedef struct {
  Onnx__NodeProto **nodes;
  size_t nnodes;
  Onnx__TensorProto **inits;
  size_t ninits;
} Chain;

static char *chain_name(const char *fmt, int i) {
  char *s = malloc(32);
  if (s) snprintf(s, 32, fmt, i);
  return s;
}

static Onnx__NodeProto *chain_node(const char *op, int i, char *in0, char *in1,
                                   char *in2, char *out) {
  Onnx__NodeProto *n = calloc(1, sizeof *n);
  onnx__node_proto__init(n);
  n->op_type = (char *)op;
  n->name = chain_name(op[0] == 'G' ? "gemm%d" : op[0] == 'T' ? "tanh%d" : "add%d", i);
  n->input = calloc(3, sizeof(char *));
  n->input[n->n_input++] = in0;
  if (in1) n->input[n->n_input++] = in1;
  if (in2) n->input[n->n_input++] = in2;
  n->output = calloc(1, sizeof(char *));
  n->output[n->n_output++] = out;
  return n;
}

static Onnx__TensorProto *chain_tensor(char *name, int rank, int64_t d0,
                                       int64_t d1, unsigned *seed) {
  Onnx__TensorProto *t = calloc(1, sizeof *t);
  onnx__tensor_proto__init(t);
  t->name = name;
  t->n_dims = (size_t)rank;
  t->dims = calloc(2, sizeof(int64_t));
  t->dims[0] = d0;
  t->dims[1] = d1;
  t->has_data_type = 1;
  t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  size_t n = (size_t)(rank == 2 ? d0 * d1 : d0);
  t->n_float_data = n;
  t->float_data = calloc(n, sizeof(float));
  for (size_t i = 0; i < n; i++) {
    *seed = *seed * 1103515245u + 12345u;
    t->float_data[i] = ((float)((*seed >> 8) & 0xffff) / 65536.0f - 0.5f) * 0.8f;
  }
  return t;
}

static Onnx__ValueInfoProto *chain_value(const char *name, int64_t width) {
  Onnx__ValueInfoProto *v = calloc(1, sizeof *v);
  onnx__value_info_proto__init(v);
  v->name = (char *)name;
  Onnx__TypeProto *tp = calloc(1, sizeof *tp);
  onnx__type_proto__init(tp);
  Onnx__TypeProto__Tensor *tt = calloc(1, sizeof *tt);
  onnx__type_proto__tensor__init(tt);
  tt->has_elem_type = 1;
  tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  Onnx__TensorShapeProto *sh = calloc(1, sizeof *sh);
  onnx__tensor_shape_proto__init(sh);
  sh->n_dim = 2;
  sh->dim = calloc(2, sizeof *sh->dim);
  for (int d = 0; d < 2; d++) {
    sh->dim[d] = calloc(1, sizeof **sh->dim);
    onnx__tensor_shape_proto__dimension__init(sh->dim[d]);
    sh->dim[d]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
    sh->dim[d]->dim_value = d ? width : 1;
  }
  tt->shape = sh;
  tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  tp->tensor_type = tt;
  v->type = tp;
  return v;
}

/* The serialized model (malloc'ed) and its length; NULL on OOM. */
static unsigned char *gen_chain(int layers, int width, size_t *len) {
  Chain c = {0};
  c.nodes = calloc((size_t)layers * 3 + 1, sizeof *c.nodes);
  c.inits = calloc((size_t)layers * 2 + 1, sizeof *c.inits);
  unsigned seed = 42;
  char *cur = "x", *res = "x";
  for (int i = 0; i < layers; i++) {
    char *w = chain_name("w%d", i), *b = chain_name("b%d", i);
    c.inits[c.ninits++] = chain_tensor(w, 2, width, width, &seed);
    c.inits[c.ninits++] = chain_tensor(b, 1, width, 1, &seed);
    char *g = chain_name("g%d", i), *t = chain_name("t%d", i);
    c.nodes[c.nnodes++] = chain_node("Gemm", i, cur, w, b, g);
    c.nodes[c.nnodes++] = chain_node("Tanh", i, g, NULL, NULL, t);
    cur = t;
    if (i % 8 == 7) {
      char *a = chain_name("a%d", i);
      c.nodes[c.nnodes++] = chain_node("Add", i, cur, res, NULL, a);
      cur = res = a;
    }
  }
  /* the last tensor is the output "y": rename via Identity */
  c.nodes[c.nnodes++] = chain_node("Tanh", layers, cur, NULL, NULL, "y");

  Onnx__GraphProto gp = ONNX__GRAPH_PROTO__INIT;
  gp.name = "chain";
  gp.n_node = c.nnodes;
  gp.node = c.nodes;
  gp.n_initializer = c.ninits;
  gp.initializer = c.inits;
  Onnx__ValueInfoProto *in = chain_value("x", width), *out = chain_value("y", width);
  gp.n_input = 1;
  gp.input = &in;
  gp.n_output = 1;
  gp.output = &out;
  Onnx__OperatorSetIdProto ops = ONNX__OPERATOR_SET_ID_PROTO__INIT, *opsp = &ops;
  ops.domain = "";
  ops.has_version = 1;
  ops.version = 13;
  Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
  m.has_ir_version = 1;
  m.ir_version = 8;
  m.producer_name = "tnnc gen_chain";
  m.n_opset_import = 1;
  m.opset_import = &opsp;
  m.graph = &gp;
  *len = onnx__model_proto__get_packed_size(&m);
  unsigned char *buf = malloc(*len);
  if (buf) onnx__model_proto__pack(&m, buf);
  /* free what was allocated here (names shared between nodes are freed
   * once, as node outputs or initializer names) */
  for (size_t i = 0; i < c.nnodes; i++) {
    Onnx__NodeProto *n = c.nodes[i];
    if (i + 1 < c.nnodes) free(n->output[0]);
    free(n->output);
    free(n->input);
    free(n->name);
    free(n);
  }
  for (size_t i = 0; i < c.ninits; i++) {
    free(c.inits[i]->name);
    free(c.inits[i]->dims);
    free(c.inits[i]->float_data);
    free(c.inits[i]);
  }
  for (int k = 0; k < 2; k++) {
    Onnx__ValueInfoProto *v = k ? out : in;
    Onnx__TensorShapeProto *sh = v->type->tensor_type->shape;
    for (int d = 0; d < 2; d++) free(sh->dim[d]);
    free(sh->dim);
    free(sh);
    free(v->type->tensor_type);
    free(v->type);
    free(v);
  }
  free(c.nodes);
  free(c.inits);
  return buf;
}

#ifndef GEN_CHAIN_NO_MAIN
/* Wide graph I/O: x float[1, 4] -> n Relu nodes, each output a graph
 * output (fan-out), or one Relu whose output is listed n times (repeat). */
static int gen_wide(int fanout, int n, const char *path) {
  int nodes = fanout ? n : 1;
  Onnx__NodeProto **nd = calloc((size_t)nodes, sizeof *nd);
  Onnx__ValueInfoProto **outs = calloc((size_t)n, sizeof *outs);
  Onnx__ValueInfoProto *in = chain_value("x", 4);
  if (!nd || !outs) return 1;
  for (int i = 0; i < nodes; i++)
    nd[i] = chain_node("Tanh", i, "x", NULL, NULL, chain_name("y%d", i));
  for (int i = 0; i < n; i++)
    outs[i] = fanout || i == 0 ? chain_value(nd[fanout ? i : 0]->output[0], 4) : outs[0];
  Onnx__GraphProto gp = ONNX__GRAPH_PROTO__INIT;
  gp.name = fanout ? "fanout" : "repeat";
  gp.n_node = (size_t)nodes;
  gp.node = nd;
  gp.n_input = 1;
  gp.input = &in;
  gp.n_output = (size_t)n;
  gp.output = outs;
  Onnx__OperatorSetIdProto ops = ONNX__OPERATOR_SET_ID_PROTO__INIT, *opsp = &ops;
  ops.domain = "";
  ops.has_version = 1;
  ops.version = 13;
  Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
  m.has_ir_version = 1;
  m.ir_version = 8;
  m.producer_name = "tnnc gen_chain";
  m.n_opset_import = 1;
  m.opset_import = &opsp;
  m.graph = &gp;
  size_t len = onnx__model_proto__get_packed_size(&m);
  unsigned char *buf = malloc(len);
  if (!buf) return 1;
  onnx__model_proto__pack(&m, buf);
  FILE *f = fopen(path, "wb");
  int rc = !f || fwrite(buf, 1, len, f) != len || fclose(f) != 0;
  free(buf);
  return rc;                   /* the rest is freed at exit */
}

int main(int argc, char **argv) {
  if (argc == 4 && (strcmp(argv[1], "fanout") == 0 || strcmp(argv[1], "repeat") == 0)) {
    int n = atoi(argv[2]);
    if (n < 1) return 2;
    if (gen_wide(argv[1][0] == 'f', n, argv[3])) {
      fprintf(stderr, "gen_chain: cannot write %s\n", argv[3]);
      return 1;
    }
    return 0;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: gen_chain LAYERS OUT.onnx [WIDTH [IN.npy]]\n"
                    "       gen_chain fanout|repeat N OUT.onnx\n");
    return 2;
  }
  int layers = atoi(argv[1]), width = argc > 3 ? atoi(argv[3]) : 16;
  if (layers < 1 || width < 1) return 2;
  size_t len;
  unsigned char *buf = gen_chain(layers, width, &len);
  FILE *f = buf ? fopen(argv[2], "wb") : NULL;
  if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "gen_chain: cannot write %s\n", argv[2]);
    return 1;
  }
  free(buf);
  if (argc > 4) {                       /* a .npy input, format 1.0 */
    char hdr[128];
    int n = snprintf(hdr, sizeof hdr,
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (1, %d), }",
                     width);
    while ((10 + n + 1) % 64) hdr[n++] = ' ';
    hdr[n++] = '\n';
    f = fopen(argv[4], "wb");
    if (!f) return 1;
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc(n & 255, f);
    fputc(n >> 8, f);
    fwrite(hdr, 1, (size_t)n, f);
    for (int i = 0; i < width; i++) {
      float v = (float)((i * 37) % 17) / 8.0f - 1.0f;
      fwrite(&v, sizeof v, 1, f);
    }
    if (fclose(f) != 0) return 1;
  }
  return 0;
}
#endif
