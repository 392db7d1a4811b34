/* tnnc run / tnnc bench: the compiled graph JIT-compiled for this machine
 * by the LLVM backend (codegen/llvm.c) and called in-process.
 *
 * Inputs and outputs are .npy files read and written by the very helpers
 * of the --emit-main program (runtime/tnn_main.h), with its rules: one
 * sample, or for a single-input model several stacked on axis 0, the
 * outputs then stacked likewise.  Those helpers report a bad file on
 * stderr, as the program does.  bench times whole passes over the samples:
 * 3 warm-ups, then `runs` timed ones, and prints their median and minimum
 * per sample; with --profile also each layer's, in the --profile
 * program's table (runtime/tnn_prof.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../ir/ir.h"

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"
#endif
#include "../runtime/tnn_main.h"
#define TNN_PROF_LAYERS 1      /* the table is this file's own */
#include "../runtime/tnn_prof.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* --profile: seconds per layer of the current pass */
static double *prof_acc, prof_t0;

static void prof_hook(int layer, int phase) {
  const double now = tnn_prof_now();
  if (phase == 0) prof_t0 = now;
  else prof_acc[layer] += now - prof_t0;
}

/* bench without inputs: reproducible values in [-1, 1) (floats), 0 (ints,
 * always a valid index), false (bool) */
static void fill_input(int dtype, void *data, int64_t n) {
  uint64_t x = UINT64_C(0x9e3779b97f4a7c15);
  for (int64_t i = 0; i < n; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const double v = (double)(x >> 11) / 4503599627370496.0 - 1.0;
    if (dtype == TNN_DT_F32) ((float *)data)[i] = (float)v;
    else if (dtype == TNN_DT_F64) ((double *)data)[i] = v;
  }
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum tnnc_status run_jit(Graph *g, const tnnc_options *opt, const tnnc_run_options *r) {
  Arena *a = g->arena;
  const int nin = g->ninputs, nout = g->noutputs;
  const bool bench = r->runs > 0;
  FILE *sink = r->sink ? r->sink : stdout;
  if (!bench && r->nfiles != nin + nout) {
    diag_error(g->diag, NULL, "tnnc run: the model takes %d input%s and gives %d output%s: "
                              "give %d .npy files (inputs, then outputs), not %d",
               nin, nin == 1 ? "" : "s", nout, nout == 1 ? "" : "s", nin + nout, r->nfiles);
    return TNNC_ERR_USAGE;
  }
  if (bench && r->nfiles != 0 && r->nfiles != nin) {
    diag_error(g->diag, NULL, "tnnc bench: the model takes %d input%s, got %d .npy file%s",
               nin, nin == 1 ? "" : "s", r->nfiles, r->nfiles == 1 ? "" : "s");
    return TNNC_ERR_USAGE;
  }
  const int ninfiles = r->nfiles ? nin : 0, noutfiles = bench ? 0 : nout;
  const char *const *inputs = r->files, *const *outputs = r->files + ninfiles;
  int nl = profile_layers(g);
  tnn_prof_layer *layers = arena_calloc(a, (size_t)(nl ? nl : 1), sizeof *layers);
  for (int i = 0, l = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    layers[l++] = (tnn_prof_layer){n->name[0] ? n->name : arena_printf(a, "#%d", n->index),
                                   n->op_type, kernel_info(n->call.kernel)->name,
                                   kernel_variant_name(target_kernel_variant(g->target, n->call.kernel)),
                                   (long long)report_layer_macs(n), profile_layer_mode(n)};
  }
  prof_acc = arena_calloc(a, (size_t)(nl ? nl : 1), sizeof *prof_acc);
  LlvmJit *jit = llvm_jit(g, "tnnc_jit", r->profile ? prof_hook : NULL);
  if (!jit) return TNNC_ERR_MODEL;
  const LlvmCallFn call = llvm_jit_fn(jit);
  enum tnnc_status st = TNNC_ERR_IO;
  tnn_npy *in = arena_calloc(a, (size_t)nin + 1, sizeof *in);
  void **out = arena_calloc(a, (size_t)nout + 1, sizeof *out);
  void **args = arena_calloc(a, (size_t)(nin + nout + 1), sizeof *args);
  void *ws = NULL;
  double *run_s = NULL, *layer_s = NULL;
  int64_t samples = 1;
  for (int i = 0; i < nin; i++) {
    const Tensor *t = g->inputs[i];
    const int64_t size = ir_tensor_numel(t);
    if (ninfiles) {
      if (tnn_npy_read(inputs[i], &in[i]) != 0) goto done;
      if (in[i].dtype != dtype_tnn(t->dtype)) {
        diag_error(g->diag, NULL, "%s: element type %s, the model's input %d '%s' is %s",
                   inputs[i], tnn_npy_dtype_name(in[i].dtype), i, t->name, dtype_name(t->dtype));
        st = TNNC_ERR_USAGE;
        goto done;
      }
      if (in[i].count != size) {
        if (nin == 1 && size > 0 && in[i].count > 0 && in[i].count % size == 0) {
          samples = in[i].count / size;
        } else {
          diag_error(g->diag, NULL, "%s: %lld elements, the model's input %d '%s' has %lld",
                     inputs[i], (long long)in[i].count, i, t->name, (long long)size);
          st = TNNC_ERR_USAGE;
          goto done;
        }
      }
    } else {
      in[i].dtype = dtype_tnn(t->dtype);
      in[i].count = size;
      in[i].data = calloc((size_t)(size > 0 ? size : 1), dtype_size(t->dtype));
      if (!in[i].data) goto oom;
      fill_input(in[i].dtype, in[i].data, size);
    }
  }
  for (int i = 0; i < nout; i++) {
    out[i] = tnn_npy_alloc(ir_tensor_numel(g->outputs[i]), samples, dtype_size(g->outputs[i]->dtype));
    if (!out[i]) goto oom;
  }
  const size_t wsz = (size_t)(g->ws_size > 0 ? g->ws_size : 1);
  ws = aligned_alloc(TNN_WS_ALIGN, (wsz + TNN_WS_ALIGN - 1) / TNN_WS_ALIGN * TNN_WS_ALIGN);
  if (!ws) goto oom;
  const int runs = bench ? r->runs : 0, warm = bench ? 3 : 1;
  run_s = malloc(sizeof *run_s * (size_t)(runs ? runs : 1));
  layer_s = malloc(sizeof *layer_s * (size_t)(runs ? runs : 1) * (size_t)(nl ? nl : 1));
  if (!run_s || !layer_s) goto oom;
  for (int pass = 0; pass < warm + runs; pass++) {
    memset(prof_acc, 0, sizeof *prof_acc * (size_t)(nl ? nl : 1));
    const double t0 = tnn_prof_now();
    for (int64_t s = 0; s < samples; s++) {
      for (int i = 0; i < nin; i++)
        args[i] = (char *)in[i].data + s * ir_tensor_bytes(g->inputs[i]);
      for (int i = 0; i < nout; i++) args[nin + i] = (char *)out[i] + s * ir_tensor_bytes(g->outputs[i]);
      args[nin + nout] = ws;
      const int rc = call(args);
      if (rc != 0) {
        diag_error(g->diag, NULL, "the model failed on sample %lld: %d (%s)", (long long)s, rc,
                   rc == TNN_E_INDEX ? "an index in the data is out of range" : "run error");
        st = TNNC_ERR_MODEL;
        goto done;
      }
    }
    if (pass >= warm) {
      run_s[pass - warm] = tnn_prof_now() - t0;
      memcpy(layer_s + (size_t)(pass - warm) * (size_t)nl, prof_acc, sizeof *prof_acc * (size_t)nl);
    }
  }
  if (bench) {
    double *sorted = malloc(sizeof *sorted * (size_t)runs);
    if (!sorted) goto oom;
    memcpy(sorted, run_s, sizeof *sorted * (size_t)runs);
    qsort(sorted, (size_t)runs, sizeof *sorted, cmp_double);
    fprintf(sink, "bench: %s on %s (LLVM JIT), %d runs of %lld sample%s after %d warm-ups: per "
                  "sample median %.4f ms, min %.4f ms\n",
            opt->input_path ? opt->input_path : "<model>", g->target->resolved, runs,
            (long long)samples, samples == 1 ? "" : "s", warm,
            1e3 * sorted[runs / 2] / (double)samples, 1e3 * sorted[0] / (double)samples);
    free(sorted);
    if (r->profile) tnn_prof_print(sink, layers, nl, layer_s, runs, 3, (long long)samples, run_s);
  }
  for (int i = 0; i < nout && i < noutfiles; i++) {
    const Tensor *t = g->outputs[i];
    int64_t dims[IR_MAX_RANK + 1];
    int rank = t->rank;
    for (int d = 0; d < rank; d++) dims[d] = t->dims[d];
    if (samples > 1 || (nin == 1 && ninfiles && in[0].rank != g->inputs[0]->rank)) {
      if (rank > 0 && dims[0] == 1) {
        dims[0] = samples;
      } else {
        for (int d = rank; d > 0; d--) dims[d] = dims[d - 1];
        dims[0] = samples;
        rank++;
      }
    }
    if (tnn_npy_write(outputs[i], dtype_tnn(t->dtype), rank, dims, out[i]) != 0) goto done;
  }
  st = TNNC_OK;
  goto done;
oom:
  diag_error(g->diag, NULL, "out of memory");
  st = TNNC_ERR_NOMEM;
done:
  for (int i = 0; i < nin; i++) free(in[i].data);
  for (int i = 0; i < nout; i++) free(out[i]);
  free(ws);
  free(run_s);
  free(layer_s);
  llvm_jit_free(jit);
  return st;
}
