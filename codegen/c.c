/* C emitter: a lowered, planned Graph -> model.c + model.h.
 *
 * model.c is, in order: front matter (tnnc version, command line, producer);
 * the runtime kernels (runtime/tnn_*.h, embedded at build time, chosen by
 * codegen/c_runtime.c); the
 * constants as `static const` arrays (with --weights=extern, where they
 * are in the blob model.bin: codegen/weights.c); one `static` function
 * per node, which holds its kernel's params as a `static const` struct and
 * calls the kernel;
 * the run function, which walks the nodes in order over the workspace plan;
 * and, with --emit-main, a main() reading and writing .npy files
 * (codegen/c_main.c).
 *
 * Determinism: the text depends only on the graph and the options: tensors
 * and nodes are visited in graph order, numbers are printed in the C locale
 * (tnnc never calls setlocale): constants exactly (hex floats), params
 * with round-trip precision. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "../ir/ir.h"
#include "c_emit.h"


/* A C identifier fragment from an ONNX name. */

/* The least length of a kernel call's in[] and out[] arrays. */
enum { CALL_SLOTS = 6 };
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

/* The exact C99 hexadecimal text of an IEEE binary32 (single) or binary64
 * value given by its bits: [-]0x1.<hex>p<exp>, a subnormal 0x0.<hex>p<min>,
 * zeros with their sign; INFINITY, and NAN with its sign bit (a NaN's
 * payload is not kept; --weights=extern keeps every bit).  Hex digits
 * convert without rounding, so the compiler rebuilds the very bits, and
 * parse faster than decimal. */
static void print_hex_float(FILE *f, uint64_t bits, bool single) {
  const int mbits = single ? 23 : 52, ebits = single ? 8 : 11;
  const int emax = (1 << ebits) - 1, bias = emax >> 1;
  bool neg = (bits >> (mbits + ebits)) & 1;
  int ex = (int)(bits >> mbits) & emax;
  uint64_t m = bits & ((UINT64_C(1) << mbits) - 1);
  if (ex == emax) {
    if (m) fputs(neg ? (single ? "-NAN" : "-(double)NAN") : (single ? "NAN" : "(double)NAN"), f);
    else fputs(neg ? "-INFINITY" : "INFINITY", f);
    return;
  }
  int digits = (mbits + 3) / 4;
  m <<= 4 * digits - mbits;
  while (digits > 0 && (m & 15) == 0) {
    m >>= 4;
    digits--;
  }
  int exp = ex ? ex - bias : (m ? 1 - bias : 0);
  fprintf(f, "%s0x%c", neg ? "-" : "", ex ? '1' : '0');
  if (digits) fprintf(f, ".%0*" PRIx64, digits, m);
  fprintf(f, "p%+d%s", exp, single ? "f" : "");
}

static void print_hex_byte(FILE *f, unsigned v) {
  static const char hex[] = "0123456789abcdef";
  char s[4] = {'0', 'x', hex[v >> 4 & 15], hex[v & 15]};
  fwrite(s, 1, sizeof s, f);
}

/* 0..255 in decimal: for random bytes (packed weights) 28% shorter than
 * 0xhh and as fast to compile. */
static void print_byte(FILE *f, unsigned v) {
  char s[3];
  int n = 0;
  if (v >= 100) s[n++] = (char)('0' + v / 100);
  if (v >= 10) s[n++] = (char)('0' + v / 10 % 10);
  s[n++] = (char)('0' + v % 10);
  fwrite(s, 1, (size_t)n, f);
}

/* One element of a constant, exactly: floats as hex floats, integers in
 * decimal. */
static void print_element(FILE *f, const Tensor *t, int64_t i) {
  const unsigned char *p = t->data;
  switch (t->dtype) {
  case DT_FLOAT: {
    uint32_t b;
    memcpy(&b, p + 4 * i, 4);
    print_hex_float(f, b, true);
    break;
  }
  case DT_DOUBLE: {
    uint64_t b;
    memcpy(&b, p + 8 * i, 8);
    print_hex_float(f, b, false);
    break;
  }
  case DT_UINT8: case DT_BOOL: print_byte(f, p[i]); break;
  case DT_FLOAT16: case DT_BFLOAT16: {  /* the bit pattern */
    uint16_t h;
    memcpy(&h, p + 2 * i, 2);
    print_int(f, h);
    break;
  }
  case DT_INT8: {
    int v = p[i] < 128 ? p[i] : p[i] - 256;
    if (v < 0) fputc('-', f);
    print_byte(f, (unsigned)(v < 0 ? -v : v));
    break;
  }
  default: print_int(f, ir_const_int(t, i)); break;
  }
}

/* Where the run function finds graph inputs and outputs: input_of[id] is
 * the graph input a tensor is, output_of[id] the first graph output it is,
 * -1 for neither (indexed by tensor id). */
typedef struct RunIo {
  int *input_of, *output_of;
} RunIo;

static RunIo run_io(const Graph *g) {
  RunIo io;
  io.input_of = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(int));
  io.output_of = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(int));
  for (int i = 0; i <= g->ntensors; i++) io.input_of[i] = io.output_of[i] = -1;
  for (int i = g->ninputs - 1; i >= 0; i--) io.input_of[g->inputs[i]->id] = i;
  for (int i = g->noutputs - 1; i >= 0; i--) io.output_of[g->outputs[i]->id] = i;
  return io;
}

/* Whether a kernel of the run function writes t (a view's output that is a
 * graph output is a copy kernel by now, see plan-memory). */
static bool kernel_written(const RunIo *io, const Tensor *t) {
  return !t->data && io->input_of[t->id] < 0 && t->producer &&
         !t->producer->dead && t->producer->call.kernel >= 0;
}

/* The C expression for a tensor's storage inside the run function.  Seen
 * through its views, a tensor is a constant, a graph input (read from the
 * caller's input buffer, even when it is also a graph output), a kernel's
 * result that is a graph output (written straight into the first output
 * buffer that lists it), or a workspace buffer. */
static const char *storage(Emitter *e, const RunIo *io, const Tensor *t) {
  Arena *a = e->g->arena;
  while (t->alias) t = t->alias;
  if (t->data) return arena_printf(a, "c%d", t->id);
  if (io->input_of[t->id] >= 0) return arena_printf(a, "input%d", io->input_of[t->id]);
  if (io->output_of[t->id] >= 0 && kernel_written(io, t))
    return arena_printf(a, "output%d", io->output_of[t->id]);
  TNNC_ASSERT(t->offset >= 0);
  return arena_printf(a, "(ws + %lld)", (long long)t->offset);
}

static void emit_const_comment(Emitter *e, const Tensor *t) {
  fprintf(e->c, "\n/* '%s': %s[", comment_safe(e->g->arena, t->name),
          dtype_name(t->dtype));
  for (int d = 0; d < t->rank; d++)
    fprintf(e->c, "%s%lld", d ? "," : "", (long long)t->dims[d]);
  fputs("]", e->c);
}

/* Each constant as a `static const` array, no spaces: floats 8 a line,
 * integers (packed weights are bytes) 16. */
static void emit_constants(Emitter *e) {
  Graph *g = e->g;
  bool any = false;
  const bool *used = weights_used(g);
  for (int i = 0; i < g->ntensors; i++) {
    const Tensor *t = g->tensors[i];
    if (!t->data || !used[t->id]) continue;
    if (!any) fputs("\n/* ---- constants ---- */\n", e->c);
    any = true;
    int64_t n = ir_tensor_numel(t);
    int per_line = t->dtype == DT_FLOAT || t->dtype == DT_DOUBLE ? 8 : 16;
    emit_const_comment(e, t);
    fprintf(e->c, " */\nstatic const %s c%d[%lld] = {", dtype_ctype(t->dtype),
            t->id, (long long)(n > 0 ? n : 1));
    for (int64_t k = 0; k < n; k++) {
      if (k % per_line == 0) fputs("\n  ", e->c);
      print_element(e->c, t, k);
      fputc(',', e->c);
    }
    if (n == 0) fputs("0", e->c);
    fputs("\n};\n", e->c);
  }
}

/* --weights=extern: the constants are in the blob; the .c keeps the
 * blob's identification (weights.c) and where each constant is. */
static void emit_constants_extern(Emitter *e, const WeightsLayout *l) {
  Graph *g = e->g;
  fprintf(e->c, "\n/* ---- constants: in %s (--weights=extern) ---- */\n"
                "\n/* the blob's first bytes (magic, content hash, size) */\n"
                "static const unsigned char weights_id[%d] = {",
          comment_safe(g->arena, e->weights_name), WEIGHTS_ID_BYTES);
  for (int k = 0; k < WEIGHTS_ID_BYTES; k++) {
    if (k % 16 == 0) fputs("\n  ", e->c);
    print_hex_byte(e->c, l->id[k]);
    fputc(',', e->c);
  }
  fputs("\n};\n", e->c);
  for (int i = 0; i < g->ntensors; i++) {
    const Tensor *t = g->tensors[i];
    if (l->offset[t->id] < 0) continue;
    emit_const_comment(e, t);
    fprintf(e->c, " c%d at byte %lld */", t->id, (long long)l->offset[t->id]);
  }
  fputc('\n', e->c);
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
    if (registry_node_splits(g, n)) {
      /* the share function holds the params, so the kernel is inlined
       * into it and specialised on them as in a one-thread build (through
       * a pointer to the generic tnn_<name>_part, ResNet-18's float stem
       * ran 1.4x slower) */
      fprintf(e->c,
              "static int %s_part(const void *unused, const void *const *in, void *const *out,\n"
              "                   int64_t part, int64_t nparts) {\n",
              node_fn(e, n, i));
      emit_params(e, ki, n->call.params);
      fprintf(e->c, "  (void)unused;\n  (void)nparts;\n"
                    "  return tnn_%s_part(&p, in, out, part, TNN_THREADS);\n}\n", ki->name);
      fprintf(e->c,
              "static int %s(const void *const *in, void *const *out) {\n"
              "  return tnn_par_run(%s_part, NULL, in, out);\n}\n",
              node_fn(e, n, i), node_fn(e, n, i));
      continue;
    }
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
  fputs(e->weights_name ? "void *workspace, const void *weights)" : "void *workspace)", f);
}

/* A string safe inside a C string literal. */
const char *c_string_safe(Arena *a, const char *s) {
  char *r = arena_alloc(a, 4 * strlen(s) + 1), *p = r;
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\' || ch == '?') p += sprintf(p, "\\%c", ch);
    else if (ch < 32 || ch >= 127) p += sprintf(p, "\\%03o", ch);
    else *p++ = (char)ch;
  }
  *p = '\0';
  return r;
}

static void emit_weights_macros(Emitter *e) {
  const char *P = e->upper, *p = e->o->prefix;
  fprintf(e->h,
          "/* --weights=extern: the constants are not in the C file but in the\n"
          " * file %s_WEIGHTS_FILE written beside it, %s_WEIGHTS_SIZE bytes\n"
          " * (elements little-endian).  The caller passes its address to %s_run\n"
          " * as `weights`, a multiple of %s_WEIGHTS_ALIGN; it is only read, so it\n"
          " * may stay in flash or a mapped file and serve concurrent calls.\n"
          " * %s_run returns 2 when `weights` is NULL, 3 when it is misaligned and\n"
          " * 4 when its first bytes are not this compilation's (another model or\n"
          " * another version of it). */\n"
          "#define %s_WEIGHTS_FILE \"%s\"\n#define %s_WEIGHTS_SIZE %lld\n"
          "#define %s_WEIGHTS_ALIGN %d\n\n",
          P, P, p, P, p, P, c_string_safe(e->g->arena, e->weights_name), P,
          (long long)e->wl.size, P, WEIGHTS_ALIGN);
}

static void emit_header(Emitter *e) {
  Graph *g = e->g;
  FILE *h = e->h;
  /* TNNC_<P>_H_: never a reserved name (-o _stdint.c gave _STDINT_H, the
   * C library's own guard) nor a guard of the caller's headers. */
  const char *guard = arena_printf(g->arena, "TNNC_%s_H_", e->upper);
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
          e->o->prefix, e->o->prefix, e->upper, (long long)(g->ws_size > 0 ? g->ws_size : 1), e->upper,
          TNN_WS_ALIGN);
  fprintf(h, "\n/* Bytes of stack %s_run uses at most beyond its caller's "
             "(built by\n * gcc or clang -O2). */\n#define %s_STACK_BYTES %lld\n\n",
          e->o->prefix, e->upper, (long long)g->stack_bytes);
  if (e->weights_name) emit_weights_macros(e);
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
  fputs(";\n", h);
  if (g->threads > 1)
    fprintf(h, "\n/* Built with --threads=%d: the large layers run split over %d threads,\n"
               " * the caller's and %d workers started by the first run (link with\n"
               " * -pthread); the outputs are the same bytes as with one thread.\n"
               " * Runs from several threads at once take turns layer by layer.\n"
               " * %s_stop_threads stops and joins the workers (a later run starts\n"
               " * them again). */\nvoid %s_stop_threads(void);\n",
            g->threads, g->threads, g->threads - 1, e->o->prefix, e->o->prefix);
  fputs("\n#ifdef __cplusplus\n}\n#endif\n\n#endif\n", h);
}

/* --weights=extern: the run function checks `weights` and names each
 * constant as inline (cN), there a pointer into the blob. */
static void emit_weights_check(Emitter *e) {
  Graph *g = e->g;
  FILE *c = e->c;
  fprintf(c, "  if (!weights) return TNN_E_ARG;\n"
             "  if ((uintptr_t)weights %% %s_WEIGHTS_ALIGN != 0) return TNN_E_ALIGN;\n"
             "  if (memcmp(weights, weights_id, sizeof weights_id) != 0) return TNN_E_WEIGHTS;\n"
             "  const unsigned char *wt = (const unsigned char *)weights;\n"
             "  (void)wt;\n",
          e->upper);
  for (int i = 0; i < g->ntensors; i++) {
    const Tensor *t = g->tensors[i];
    if (e->wl.offset[t->id] >= 0)
      fprintf(c, "  const void *const c%d = wt + %lld;\n", t->id,
              (long long)e->wl.offset[t->id]);
  }
}

static void emit_run(Emitter *e) {
  Graph *g = e->g;
  FILE *c = e->c;
  const RunIo io = run_io(g);
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
  if (e->weights_name) emit_weights_check(e);
  int layer = 0;                       /* --profile: the row of each call */
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead) continue;
    if (n->call.kernel < 0) {
      fprintf(c, "  /* node #%d '%s' (%s): a view of %s */\n", n->index,
              comment_safe(g->arena, n->name), comment_safe(g->arena, n->op_type),
              storage(e, &io, n->in[0]));
      continue;
    }
    /* Both arrays have at least CALL_SLOTS entries, the unused ones 0: a
     * kernel's optional operands (an epilogue's scale and bias, a residual)
     * sit at fixed slots it reads only when its params say so, and gcc's
     * -Warray-bounds would otherwise see those reads on the inlined call
     * of a shorter array (-O2 -Werror under the sanitizers). */
    fputs("  {\n    const void *in[] = {", c);
    for (int j = 0; j < n->nin || j < CALL_SLOTS; j++)
      fprintf(c, "%s%s", j ? ", " : "",
              j < n->nin && n->in[j] ? storage(e, &io, n->in[j]) : "0");
    fputs("};\n    void *out[] = {", c);
    /* an output inference already made constant (Dropout's mask) is not
     * written by the kernel */
    for (int j = 0; j < n->nout || j < CALL_SLOTS; j++)
      fprintf(c, "%s%s", j ? ", " : "",
              j < n->nout && n->out[j] && !n->out[j]->data ? storage(e, &io, n->out[j]) : "0");
    if (e->o->profile)
      fprintf(c, "};\n    const double t0 = tnn_prof_now();\n    rc = %s(in, out);\n"
                 "    tnn_prof_acc[%d] += tnn_prof_now() - t0;\n    if (rc != 0) return rc;\n  }\n",
              node_fn(e, n, i), layer++);
    else
      fprintf(c, "};\n    if ((rc = %s(in, out)) != 0) return rc;\n  }\n",
              node_fn(e, n, i));
  }
  /* Outputs no kernel writes (constants, graph inputs, views of them, a
   * tensor listed again) are copied after all kernels ran, from the input
   * buffer, the constant or the output buffer a kernel wrote: never from
   * another copied output buffer, so their order does not matter. */
  for (int i = 0; i < g->noutputs; i++) {
    const Tensor *t = g->outputs[i];
    if (io.output_of[t->id] == i && kernel_written(&io, t)) continue;
    fprintf(c, "  memcpy(output%d, %s, %lld);\n", i, storage(e, &io, t),
            (long long)ir_tensor_bytes(t));
  }
  fputs("  return rc;\n}\n", c);
  if (g->threads > 1)
    fprintf(c, "\nvoid %s_stop_threads(void) {\n%s}\n", e->o->prefix,
            c_uses_pool(g) ? "  tnn_par_stop();\n" : "");
}

/* --target: which variant of each kernel family the model uses runs on the
 * target (ir/target.c), said in a comment; an #error per feature those
 * variants need, naming the flag; and the runtime made to pick exactly
 * those variants (TNN_NO_SIMD, or the compiler's macros of the features
 * the target lacks undefined), whatever else the build enables, so the
 * planned layouts and scratch are the ones the kernels use.  No target:
 * nothing, the compiler's flags decide. */
static void emit_target(FILE *c, Graph *g) {
  const Target *t = g->target;
  if (!t) return;
  if (t->arch == ARCH_GENERIC) {
    fputs("/* --target=generic: portable scalar kernels */\n"
          "#define TNN_NO_SIMD 1\n\n", c);
    return;
  }
  bool used[KF_COUNT] = {false};
  for (int i = 0; i < g->nnodes; i++)
    if (!g->nodes[i]->dead) used[kernel_family(g->nodes[i]->call.kernel)] = true;
  fprintf(c, "/* --target=%s", t->name);
  if (strcmp(t->name, t->resolved) != 0) fprintf(c, " (%s)", t->resolved);
  fprintf(c, ": %s,", target_arch_name(t->arch));
  for (int f = 0; f < TF_COUNT; f++)
    if (t->features & (1u << f)) fprintf(c, " %s", target_feature_name(f));
  fprintf(c, "; build with %s\n * kernel variants:", t->flags);
  bool simd = false, any = false;
  for (int k = KF_PACKED; k < KF_COUNT; k++) {
    const KernelVariant v = target_family_variant(t, (KernelFamily)k);
    simd |= v != KV_SCALAR;
    if (!used[k]) continue;
    fprintf(c, "%s %s %s", any ? "," : "", kernel_family_name((KernelFamily)k),
            kernel_variant_name(v));
    any = true;
    const uint32_t need = kernel_variant_needs((KernelFamily)k, KV_AVX512);
    if ((t->features & (1u << TF_AVX512F)) && v != KV_AVX512 && need != ~0u && (t->features & need) != need) {
      fputs(" (its avx512 variant needs", c);
      for (int f = 0; f < TF_COUNT; f++)
        if (need & ~t->features & (1u << f)) fprintf(c, " %s", target_feature_flag(f));
      fputc(')', c);
    }
  }
  fprintf(c, "%s */\n", any ? "" : " none with SIMD variants");
  static const char *const arch_cond[] = {
      [ARCH_X86_64] = "!defined(__x86_64__)",
      [ARCH_AARCH64] = "!defined(__aarch64__)",
      [ARCH_ARMV7EM] = "!defined(__ARM_ARCH_7EM__)",
      [ARCH_RISCV64] = "!defined(__riscv) || __riscv_xlen != 64",
  };
  fprintf(c, "#if %s\n#error \"compiled by tnnc for %s: build it for %s with %s\"\n"
             "#endif\n",
          arch_cond[t->arch], t->name, target_arch_name(t->arch), t->flags);
  uint32_t needed = 0;
  for (int k = KF_PACKED; k < KF_COUNT; k++) {
    if (!used[k]) continue;
    const KernelVariant v = target_family_variant(t, (KernelFamily)k);
    const uint32_t need = kernel_variant_needs((KernelFamily)k, v);
    for (int f = 0; f < TF_COUNT; f++)
      if (need & ~needed & (1u << f))
        fprintf(c, "#if !defined(%s)\n#error \"compiled by tnnc for %s: build it with %s "
                   "(missing %s: the %s kernels' %s variant needs %s)\"\n#endif\n",
                target_feature_macro(f), t->name, t->flags, target_feature_flag(f),
                kernel_family_name((KernelFamily)k), kernel_variant_name(v),
                target_feature_name(f));
    needed |= need;
  }
  if (!simd) {
    fputs("#define TNN_NO_SIMD 1\n", c);
  } else if (t->arch == ARCH_X86_64) {
    /* first: gcc's intrinsics headers re-define the macros of the
     * command line's features (#pragma GCC pop_options) */
    fputs("#include <immintrin.h>\n", c);
    static const int selecting[] = {TF_AVX2, TF_FMA, TF_AVX512F, TF_AVX512BW, TF_AVX512DQ,
                                    TF_AVX512VPOPCNTDQ};
    for (size_t i = 0; i < sizeof selecting / sizeof selecting[0]; i++)
      if (!(t->features & (1u << selecting[i])))
        fprintf(c, "#undef %s /* not in the target: the runtime must not pick it */\n",
                target_feature_macro(selecting[i]));
  }
  fputc('\n', c);
}

Emitter c_emitter(Graph *g, const EmitOptions *o, FILE *c_out, FILE *h_out) {
  Emitter e = {g, o, c_out, h_out, NULL, NULL, {0}};
  e.upper = arena_strdup(g->arena, o->prefix);
  if (o->weights_file) {
    const char *slash = strrchr(o->weights_file, '/');
    e.weights_name = slash ? slash + 1 : o->weights_file;
    e.wl = weights_layout(g);
  }
  for (char *p = e.upper; *p; p++) *p = (char)toupper((unsigned char)*p);
  return e;
}

bool emit_c_header(Graph *g, const EmitOptions *o, FILE *h_out) {
  Emitter e = c_emitter(g, o, NULL, h_out);
  emit_header(&e);
  return !ferror(h_out);
}

/* The --emit-main program on its own, for an object of the LLVM backend:
 * the runtime's few definitions it needs, the header, the driver. */
bool emit_c(Graph *g, const EmitOptions *o, FILE *c_out, FILE *h_out) {
  Emitter e = c_emitter(g, o, c_out, h_out);
  emit_header(&e);
  fprintf(c_out, "/* Generated by tnnc %s. Do not edit.\n", TNNC_VERSION);
  fprintf(c_out, " * command: %s\n",
          comment_safe(g->arena, o->command_line ? o->command_line : ""));
  fprintf(c_out, " * model producer: %s, ai.onnx opset %lld\n",
          comment_safe(g->arena, g->producer ? g->producer : "unknown"),
          (long long)g->opset);
  fputs(" */\n", c_out);
  if (o->profile) emit_profile_prelude(c_out);
  fprintf(c_out, "#include \"%s\"\n\n", o->header_name);
  emit_target(c_out, g);
  c_emit_runtime(c_out, g);
  if (e.weights_name) emit_constants_extern(&e, &e.wl);
  else emit_constants(&e);
  emit_nodes(&e);
  if (o->profile) emit_profile_table(c_out, g);
  emit_run(&e);
  if (o->emit_main) c_emit_main(&e);
  return !ferror(c_out) && !ferror(h_out);
}
