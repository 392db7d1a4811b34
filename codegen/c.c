/* C emitter: a lowered, planned Graph -> model.c + model.h.
 *
 * model.c is, in order: front matter (tnnc version, command line, producer);
 * the runtime kernels (runtime/tnn_*.h, embedded at build time); the
 * constants as `static const` arrays; one `static` function per node, which
 * holds its kernel's params as a `static const` struct and calls the kernel;
 * the run function, which walks the nodes in order over the workspace plan;
 * and, with --emit-main, a main() reading and writing .npy files.
 *
 * Determinism: the text depends only on the graph and the options: tensors
 * and nodes are visited in graph order, numbers are printed in the C locale
 * (tnnc never calls setlocale) with round-trip precision. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "../ir/ir.h"

typedef struct Emitter {
  Graph *g;
  const EmitOptions *o;
  FILE *c, *h;
  char *upper;                 /* prefix in upper case, for macros */
} Emitter;

/* A C identifier fragment from an ONNX name. */
static const char *ident(Arena *a, const char *s, size_t max) {
  size_t n = strlen(s);
  if (n > max) n = max;
  char *r = arena_alloc(a, n + 1);
  for (size_t i = 0; i < n; i++)
    r[i] = isalnum((unsigned char)s[i]) ? s[i] : '_';
  return r;
}

/* A string safe inside a C comment. */
static const char *comment_safe(Arena *a, const char *s) {
  size_t n = strlen(s);
  char *r = arena_alloc(a, n + 1);
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if ((ch == '*' && s[i + 1] == '/') || (ch == '/' && s[i + 1] == '*') ||
        ch == '\n' || ch == '\r' || (unsigned char)ch < 32)
      ch = '_';
    r[i] = ch;
  }
  return r;
}

static void print_float(FILE *f, double v, bool single) {
  if (v != v) {
    fputs(single ? "NAN" : "(double)NAN", f);
    return;
  }
  if (isinf(v)) {
    fputs(v < 0 ? "-INFINITY" : "INFINITY", f);
    return;
  }
  char buf[64];
  snprintf(buf, sizeof buf, single ? "%.9g" : "%.17g", v);
  fputs(buf, f);
  if (!strpbrk(buf, ".e")) fputs(".0", f);
  if (single) fputc('f', f);
}

static void print_int(FILE *f, int64_t v) {
  if (v == INT64_MIN) fputs("(-INT64_C(9223372036854775807) - 1)", f);
  else if (v > INT32_MAX || v < -INT32_MAX) fprintf(f, "INT64_C(%" PRId64 ")", v);
  else fprintf(f, "%" PRId64, v);
}

static void print_element(FILE *f, const Tensor *t, int64_t i) {
  switch (t->dtype) {
  case DT_FLOAT: print_float(f, ((const float *)t->data)[i], true); break;
  case DT_DOUBLE: print_float(f, ((const double *)t->data)[i], false); break;
  default: print_int(f, ir_const_int(t, i)); break;
  }
}

static bool is_output_index(const Graph *g, const Tensor *t, int *idx) {
  for (int i = 0; i < g->noutputs; i++)
    if (g->outputs[i] == t) {
      *idx = i;
      return true;
    }
  return false;
}

static bool is_input_index(const Graph *g, const Tensor *t, int *idx) {
  for (int i = 0; i < g->ninputs; i++)
    if (g->inputs[i] == t) {
      *idx = i;
      return true;
    }
  return false;
}

/* The C expression for a tensor's storage inside the run function. */
static const char *storage(Emitter *e, const Tensor *t) {
  Arena *a = e->g->arena;
  while (t->alias) t = t->alias;
  int idx;
  if (t->data) return arena_printf(a, "c%d", t->id);
  if (is_output_index(e->g, t, &idx)) return arena_printf(a, "output%d", idx);
  if (is_input_index(e->g, t, &idx)) return arena_printf(a, "input%d", idx);
  TNNC_ASSERT(t->offset >= 0);
  return arena_printf(a, "(ws + %lld)", (long long)t->offset);
}

/* Marks in used[] (by tensor id) the constants the emitted code refers to:
 * inputs of the nodes that run a kernel and the graph outputs, each seen
 * through its views.  Constants only a view node or a folded-away node
 * read are not emitted. */
static void mark_const(bool *used, const Tensor *t) {
  while (t->alias) t = t->alias;
  if (t->data) used[t->id] = true;
}

static bool *consts_used(const Graph *g) {
  bool *used = arena_alloc(g->arena, (size_t)g->ntensors + 1); /* zeroed */
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    for (int j = 0; j < n->nin; j++)
      if (n->in[j]) mark_const(used, n->in[j]);
  }
  for (int i = 0; i < g->noutputs; i++) mark_const(used, g->outputs[i]);
  return used;
}

static void emit_constants(Emitter *e) {
  Graph *g = e->g;
  bool any = false;
  const bool *used = consts_used(g);
  for (int i = 0; i < g->ntensors; i++) {
    const Tensor *t = g->tensors[i];
    if (!t->data || !used[t->id]) continue;
    if (!any) fputs("\n/* ---- constants ---- */\n", e->c);
    any = true;
    int64_t n = ir_tensor_numel(t);
    fprintf(e->c, "\n/* '%s': %s[", comment_safe(g->arena, t->name),
            dtype_name(t->dtype));
    for (int d = 0; d < t->rank; d++)
      fprintf(e->c, "%s%lld", d ? "," : "", (long long)t->dims[d]);
    fprintf(e->c, "] */\nstatic const %s c%d[%lld] = {", dtype_ctype(t->dtype),
            t->id, (long long)(n > 0 ? n : 1));
    for (int64_t k = 0; k < n; k++) {
      fputs(k % 8 == 0 ? "\n  " : " ", e->c);
      print_element(e->c, t, k);
      fputc(',', e->c);
    }
    if (n == 0) fputs("0", e->c);
    fputs("\n};\n", e->c);
  }
}

static void emit_params(Emitter *e, const KernelInfo *ki, const void *params) {
  const int64_t *slot = params;
  fprintf(e->c, "  static const tnn_%s_params p = {", ki->params_kind);
  for (int f = 0; f < ki->nfields; f++) {
    const ParamField *pf = &ki->fields[f];
    fprintf(e->c, "%s.%s = ", f ? ", " : "", pf->name);
    if (pf->type == 'F') {
      double d;
      memcpy(&d, slot, sizeof d);
      print_float(e->c, d, false);
      slot++;
    } else if (pf->type == 'I') {
      print_int(e->c, *slot++);
    } else {
      int len = pf->count;
      while (len > 1 && slot[len - 1] == 0) len--;
      fputc('{', e->c);
      for (int k = 0; k < len; k++) {
        if (k) fputs(", ", e->c);
        print_int(e->c, slot[k]);
      }
      fputc('}', e->c);
      slot += pf->count;
    }
  }
  fputs("};\n", e->c);
}

static const char *node_fn(Emitter *e, const Node *n, int pos) {
  return arena_printf(e->g->arena, "node%d_%s", pos,
                      ident(e->g->arena, n->name[0] ? n->name : op_name(n->op), 40));
}

static void emit_node_comment(Emitter *e, const Node *n) {
  Arena *a = e->g->arena;
  fprintf(e->c, "\n/* node #%d '%s' (%s)", n->index, comment_safe(a, n->name),
          comment_safe(a, n->op_type));
  if (n->fused) fprintf(e->c, " + %s", comment_safe(a, n->fused));
  fputs(" */\n", e->c);
}

static void emit_nodes(Emitter *e) {
  Graph *g = e->g;
  fputs("\n/* ---- layers ---- */\n", e->c);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    const KernelInfo *ki = kernel_info(n->call.kernel);
    emit_node_comment(e, n);
    fprintf(e->c,
            "static int %s(const void *const *in, void *const *out) {\n",
            node_fn(e, n, i));
    emit_params(e, ki, n->call.params);
    fprintf(e->c, "  return tnn_%s(&p, in, out);\n}\n", ki->name);
  }
}

static void emit_shape_macros(Emitter *e, const char *kind, int i,
                              const Tensor *t) {
  FILE *h = e->h;
  fprintf(h, "#define %s_%s%d_RANK %d\n", e->upper, kind, i, t->rank);
  fprintf(h, "#define %s_%s%d_SHAPE {", e->upper, kind, i);
  for (int d = 0; d < t->rank; d++)
    fprintf(h, "%s%lld", d ? ", " : "", (long long)t->dims[d]);
  if (t->rank == 0) fputs("1", h);
  fprintf(h, "}\n#define %s_%s%d_SIZE %lld\n", e->upper, kind, i,
          (long long)ir_tensor_numel(t));
  fprintf(h, "#define %s_%s%d_DTYPE %d /* %s */\n", e->upper, kind, i,
          dtype_tnn(t->dtype), dtype_name(t->dtype));
}

static void emit_signature(Emitter *e, FILE *f) {
  Graph *g = e->g;
  fprintf(f, "int %s_run(", e->o->prefix);
  for (int i = 0; i < g->ninputs; i++)
    fprintf(f, "const %s *input%d, ", dtype_ctype(g->inputs[i]->dtype), i);
  for (int i = 0; i < g->noutputs; i++)
    fprintf(f, "%s *output%d, ", dtype_ctype(g->outputs[i]->dtype), i);
  fputs("void *workspace)", f);
}

static void emit_header(Emitter *e) {
  Graph *g = e->g;
  FILE *h = e->h;
  const char *guard = arena_printf(g->arena, "%s_H", e->upper);
  fprintf(h, "/* Generated by tnnc %s. Do not edit. */\n", TNNC_VERSION);
  fprintf(h, "#ifndef %s\n#define %s\n\n#include <stdint.h>\n\n", guard, guard);
  fputs("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n", h);
  fprintf(h, "#define %s_NUM_INPUTS %d\n#define %s_NUM_OUTPUTS %d\n", e->upper,
          g->ninputs, e->upper, g->noutputs);
  for (int i = 0; i < g->ninputs; i++) {
    fprintf(h, "\n/* input %d: '%s' */\n", i, comment_safe(g->arena, g->inputs[i]->name));
    emit_shape_macros(e, "INPUT", i, g->inputs[i]);
  }
  for (int i = 0; i < g->noutputs; i++) {
    fprintf(h, "\n/* output %d: '%s' */\n", i, comment_safe(g->arena, g->outputs[i]->name));
    emit_shape_macros(e, "OUTPUT", i, g->outputs[i]);
  }
  fprintf(h, "\n/* Bytes of scratch memory %s_run needs, and the alignment "
             "it must\n * have (%s_run returns 3 and does nothing when the "
             "workspace is\n * misaligned). */\n#define %s_WORKSPACE_SIZE %lld\n"
             "#define %s_WORKSPACE_ALIGN %d\n",
          e->o->prefix, e->o->prefix, e->upper, (long long)g->ws_size, e->upper,
          TNN_WS_ALIGN);
  fprintf(h, "\n/* Bytes of stack %s_run uses at most beyond its caller's "
             "(built by\n * gcc or clang -O2). */\n#define %s_STACK_BYTES %lld\n\n",
          e->o->prefix, e->upper, (long long)g->stack_bytes);
  fputs("/* Runs the model once.\n"
        " *\n"
        " * inputN / outputN are dense row-major buffers of the shapes and\n"
        " * element types above (bool is uint8_t 0/1), in the model's order;\n"
        " * `workspace` is caller-owned scratch of _WORKSPACE_SIZE bytes.\n"
        " * Never allocates and never prints; calls with separate workspaces\n"
        " * may run concurrently.  Returns 0 on success, 1 when an index in\n"
        " * the data is out of range (Gather), 2 when a pointer is NULL, 3\n"
        " * when the workspace is not aligned to _WORKSPACE_ALIGN bytes. */\n",
        h);
  emit_signature(e, h);
  fputs(";\n\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n", h);
}

static void emit_run(Emitter *e) {
  Graph *g = e->g;
  FILE *c = e->c;
  fputs("\n/* ---- entry point ---- */\n\n", c);
  emit_signature(e, c);
  fputs(" {\n", c);
  fputs("  unsigned char *ws = (unsigned char *)workspace;\n  int rc = 0;\n",
        c);
  fputs("  (void)ws;\n", c);
  fprintf(c, "  if (%s", g->ws_size > 0 ? "!ws" : "0");
  for (int i = 0; i < g->ninputs; i++) fprintf(c, " || !input%d", i);
  for (int i = 0; i < g->noutputs; i++) fprintf(c, " || !output%d", i);
  fputs(") return TNN_E_ARG;\n", c);
  if (g->ws_size > 0)
    fprintf(c, "  if ((uintptr_t)ws %% %d != 0) return TNN_E_ALIGN;\n", TNN_WS_ALIGN);
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead) continue;
    if (n->call.kernel < 0) {
      fprintf(c, "  /* node #%d '%s' (%s): a view of %s */\n", n->index,
              comment_safe(g->arena, n->name), comment_safe(g->arena, n->op_type),
              storage(e, n->in[0]));
      continue;
    }
    fputs("  {\n    const void *in[] = {", c);
    for (int j = 0; j < n->nin; j++)
      fprintf(c, "%s%s", j ? ", " : "", n->in[j] ? storage(e, n->in[j]) : "0");
    if (n->nin == 0) fputs("0", c);
    fputs("};\n    void *out[] = {", c);
    /* an output inference already made constant (Dropout's mask) is not
     * written by the kernel */
    for (int j = 0; j < n->nout; j++)
      fprintf(c, "%s%s", j ? ", " : "",
              n->out[j] && !n->out[j]->data ? storage(e, n->out[j]) : "0");
    fprintf(c, "};\n    if ((rc = %s(in, out)) != 0) return rc;\n  }\n",
            node_fn(e, n, i));
  }
  /* Outputs not written by a node: constants, inputs, repeated outputs. */
  for (int i = 0; i < g->noutputs; i++) {
    const Tensor *t = g->outputs[i];
    int first = i;
    is_output_index(g, t, &first);
    bool written = t->producer && !t->producer->dead && first == i && !t->data;
    if (written) continue;
    const char *src = first != i ? arena_printf(g->arena, "output%d", first)
                                 : storage(e, t);
    if (!t->data && !(t->producer && !t->producer->dead) && first == i) {
      int idx;
      if (is_input_index(g, t, &idx)) src = arena_printf(g->arena, "input%d", idx);
    }
    fprintf(c, "  memcpy(output%d, %s, %lld);\n", i, src,
            (long long)ir_tensor_bytes(t));
  }
  fputs("  return rc;\n}\n", c);
}

static void emit_main(Emitter *e) {
  Graph *g = e->g;
  FILE *c = e->c;
  const char *P = e->upper;
  fputs("\n/* ---- test driver (--emit-main) ---- */\n", c);
  fputs(tnnc_main_text, c);
  fputs("\nint main(int argc, char **argv) {\n", c);
  fprintf(c, "  enum { NIN = %d, NOUT = %d };\n", g->ninputs, g->noutputs);
  fputs("  static const int in_dtype[NIN + 1] = {", c);
  for (int i = 0; i < g->ninputs; i++) fprintf(c, "%d, ", dtype_tnn(g->inputs[i]->dtype));
  fputs("0};\n  static const int out_dtype[NOUT + 1] = {", c);
  for (int i = 0; i < g->noutputs; i++) fprintf(c, "%d, ", dtype_tnn(g->outputs[i]->dtype));
  fputs("0};\n", c);
  fputs("  static const int64_t in_size[NIN + 1] = {", c);
  for (int i = 0; i < g->ninputs; i++) fprintf(c, "%s_INPUT%d_SIZE, ", P, i);
  fputs("0};\n  static const int64_t out_size[NOUT + 1] = {", c);
  for (int i = 0; i < g->noutputs; i++) fprintf(c, "%s_OUTPUT%d_SIZE, ", P, i);
  fputs("0};\n", c);
  for (int i = 0; i < g->ninputs; i++)
    fprintf(c, "  static const int64_t in%d_shape[] = %s_INPUT%d_SHAPE;\n", i, P, i);
  for (int i = 0; i < g->noutputs; i++)
    fprintf(c, "  static const int64_t out%d_shape[] = %s_OUTPUT%d_SHAPE;\n", i, P, i);
  fputs("  const int64_t *in_shape[NIN + 1] = {", c);
  for (int i = 0; i < g->ninputs; i++) fprintf(c, "in%d_shape, ", i);
  fputs("0};\n  const int64_t *out_shape[NOUT + 1] = {", c);
  for (int i = 0; i < g->noutputs; i++) fprintf(c, "out%d_shape, ", i);
  fputs("0};\n  static const int in_rank[NIN + 1] = {", c);
  for (int i = 0; i < g->ninputs; i++) fprintf(c, "%s_INPUT%d_RANK, ", P, i);
  fputs("0};\n  static const int out_rank[NOUT + 1] = {", c);
  for (int i = 0; i < g->noutputs; i++) fprintf(c, "%s_OUTPUT%d_RANK, ", P, i);
  fputs("0};\n", c);
  fprintf(c, "  tnn_npy in[NIN + 1];\n  void *out[NOUT + 1];\n"
             "  int64_t samples = 1;\n"
             "  if (argc != 1 + NIN + NOUT) {\n"
             "    fprintf(stderr, \"usage: %%s\", argv[0]);\n"
             "    for (int i = 0; i < NIN; i++) fprintf(stderr, \" IN%%d.npy\", i);\n"
             "    for (int i = 0; i < NOUT; i++) fprintf(stderr, \" OUT%%d.npy\", i);\n"
             "    fprintf(stderr, \"\\n\");\n    return 2;\n  }\n"
             );
  fputs("  for (int i = 0; i < NIN; i++) {\n"
        "    if (tnn_npy_read(argv[1 + i], &in[i]) != 0) return 1;\n"
        "    if (in[i].dtype != in_dtype[i]) {\n"
        "      fprintf(stderr, \"%s: element type %s, the model expects %s\\n\",\n"
        "              argv[1 + i], tnn_npy_dtype_name(in[i].dtype),\n"
        "              tnn_npy_dtype_name(in_dtype[i]));\n"
        "      return 1;\n    }\n"
        "    if (in[i].count != in_size[i]) {\n"
        "      if (NIN == 1 && in_size[i] > 0 && in[i].count % in_size[i] == 0 &&\n"
        "          in[i].count > 0) {\n"
        "        samples = in[i].count / in_size[i];\n"
        "      } else {\n"
        "        fprintf(stderr, \"%s: %lld elements, the model expects %lld\\n\",\n"
        "                argv[1 + i], (long long)in[i].count, (long long)in_size[i]);\n"
        "        return 1;\n      }\n    }\n  }\n", c);
  fprintf(c,
          "  void *wsb = malloc(%s_WORKSPACE_SIZE + %s_WORKSPACE_ALIGN);\n"
          "  if (!wsb) { fprintf(stderr, \"out of memory\\n\"); return 1; }\n"
          "  void *ws = (unsigned char *)wsb + (%s_WORKSPACE_ALIGN - (uintptr_t)wsb %% %s_WORKSPACE_ALIGN) %% %s_WORKSPACE_ALIGN;\n"
          "  for (int i = 0; i < NOUT; i++) {\n"
          "    out[i] = calloc((size_t)(out_size[i] * samples) + 1, tnn_npy_esize(out_dtype[i]));\n"
          "    if (!out[i]) { fprintf(stderr, \"out of memory\\n\"); return 1; }\n"
          "  }\n"
          "  for (int64_t s = 0; s < samples; s++) {\n"
          "    int rc = %s_run(",
          P, P, P, P, P, e->o->prefix);
  for (int i = 0; i < g->ninputs; i++)
    fprintf(c, "(const %s *)in[%d].data + s * in_size[%d], ",
            dtype_ctype(g->inputs[i]->dtype), i, i);
  for (int i = 0; i < g->noutputs; i++)
    fprintf(c, "(%s *)out[%d] + s * out_size[%d], ",
            dtype_ctype(g->outputs[i]->dtype), i, i);
  fputs("ws);\n"
        "    if (rc != 0) { fprintf(stderr, \"run failed: %d\\n\", rc); return 1; }\n"
        "  }\n"
        "  for (int i = 0; i < NOUT; i++) {\n"
        "    int64_t dims[16];\n"
        "    int rank = out_rank[i];\n"
        "    for (int d = 0; d < rank; d++) dims[d] = out_shape[i][d];\n"
        "    if (samples > 1 || (NIN == 1 && in[0].rank != in_rank[0])) {\n"
        "      /* stacked: a leading 1 becomes the sample count */\n"
        "      if (rank > 0 && dims[0] == 1) dims[0] = samples;\n"
        "      else {\n"
        "        for (int d = rank; d > 0; d--) dims[d] = dims[d - 1];\n"
        "        dims[0] = samples;\n"
        "        rank++;\n"
        "      }\n"
        "    }\n"
        "    if (tnn_npy_write(argv[1 + NIN + i], out_dtype[i], rank, dims, out[i]) != 0)\n"
        "      return 1;\n"
        "  }\n"
        "  (void)in_shape;\n"
        "  for (int i = 0; i < NOUT; i++) free(out[i]);\n"
        "  for (int i = 0; i < NIN; i++) free(in[i].data);\n"
        "  free(wsb);\n"
        "  return 0;\n}\n",
        c);
}

/* --target: the kernels' SIMD variant follows the C compiler's flags; a
 * named target makes building without them an error instead of a silent
 * fallback, and generic forces the scalar kernels. */
static void emit_target(FILE *c, const char *target) {
  static const struct {
    const char *name, *cond, *flags;
  } targets[] = {
      {"x86-64-v3", "!defined(__AVX2__) || !defined(__FMA__)", "-march=x86-64-v3"},
      {"x86-64-v4", "!defined(__AVX512F__) || !defined(__AVX512BW__)",
       "-march=x86-64-v4"},
      {"aarch64", "!defined(__ARM_NEON)", "an aarch64 compiler (NEON)"},
  };
  if (!target) return;
  if (strcmp(target, "generic") == 0) {
    fputs("/* --target=generic: portable scalar kernels */\n"
          "#define TNN_NO_SIMD 1\n\n", c);
    return;
  }
  for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
    if (strcmp(target, targets[i].name) == 0)
      fprintf(c, "/* --target=%s */\n#if %s\n#error \"compiled by tnnc for "
                 "%s: build it with %s\"\n#endif\n\n",
              targets[i].name, targets[i].cond, targets[i].name, targets[i].flags);
}

bool emit_c(Graph *g, const EmitOptions *o, FILE *c_out, FILE *h_out) {
  Emitter e = {g, o, c_out, h_out, NULL};
  e.upper = arena_strdup(g->arena, o->prefix);
  for (char *p = e.upper; *p; p++) *p = (char)toupper((unsigned char)*p);
  emit_header(&e);
  fprintf(c_out, "/* Generated by tnnc %s. Do not edit.\n", TNNC_VERSION);
  fprintf(c_out, " * command: %s\n",
          comment_safe(g->arena, o->command_line ? o->command_line : ""));
  fprintf(c_out, " * model producer: %s, ai.onnx opset %lld\n",
          comment_safe(g->arena, g->producer ? g->producer : "unknown"),
          (long long)g->opset);
  fputs(" */\n", c_out);
  fprintf(c_out, "#include \"%s\"\n\n", o->header_name);
  emit_target(c_out, o->target);
  fputs("/* ---- runtime ---- */\n", c_out);
  fputs(tnnc_runtime_text, c_out);
  emit_constants(&e);
  emit_nodes(&e);
  emit_run(&e);
  if (o->emit_main) emit_main(&e);
  return !ferror(c_out) && !ferror(h_out);
}
