/* The --emit-main driver: main() of the program built from model.c (C
 * backend) or from OUT_main.c and the object (LLVM backend, emit_c_driver):
 * reads the inputs from .npy files (one sample, or samples stacked on axis
 * 0 of a single-input model), runs the model, writes the outputs; with
 * --profile the timed runs and the per-layer table (codegen/profile.c). */
#include <string.h>

#include "../ir/ir.h"
#include "c_emit.h"

/* The run function's call on sample s of the --emit-main program's
 * buffers, ending the statement. */
static void emit_sample_call(Emitter *e) {
  Graph *g = e->g;
  fprintf(e->c, "%s_run(", e->o->prefix);
  for (int i = 0; i < g->ninputs; i++)
    fprintf(e->c, "(const %s *)in[%d].data + s * in_size[%d], ",
            dtype_ctype(g->inputs[i]->dtype), i, i);
  for (int i = 0; i < g->noutputs; i++)
    fprintf(e->c, "(%s *)out[%d] + s * out_size[%d], ",
            dtype_ctype(g->outputs[i]->dtype), i, i);
  fputs(e->weights_name ? "ws, weights);\n" : "ws);\n", e->c);
}

void c_emit_main(Emitter *e) {
  Graph *g = e->g;
  FILE *c = e->c;
  const char *P = e->upper;
  fputs("\n/* ---- test driver (--emit-main) ---- */\n", c);
  if (e->weights_name) fputs("#define TNN_MAIN_WEIGHTS 1\n", c);
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
  /* every exit after the usage check goes through done: frees what was
   * allocated (bad input included) */
  fprintf(c, "  tnn_npy in[NIN + 1];\n  void *out[NOUT + 1];\n"
             "  int64_t samples = 1;\n  int status = 1;\n  void *wsb = NULL;\n"
             "  memset(in, 0, sizeof in);\n  memset(out, 0, sizeof out);\n");
  if (e->weights_name)
    fputs("  const char *weights_path = NULL;\n"
          "  if (argc >= 3 && strcmp(argv[1], \"--weights\") == 0) {\n"
          "    weights_path = argv[2];\n"
          "    argv[2] = argv[0];\n"
          "    argv += 2;\n"
          "    argc -= 2;\n"
          "  }\n", c);
  if (e->o->profile)
    fputs("  int runs = 20;\n"
          "  if (argc >= 3 && strcmp(argv[1], \"--runs\") == 0) {\n"
          "    char *end;\n"
          "    long r = strtol(argv[2], &end, 10);\n"
          "    if (*end || r < 1 || r > 1000000) {\n"
          "      fprintf(stderr, \"%s: --runs takes a count from 1 to 1000000\\n\", argv[0]);\n"
          "      return 2;\n    }\n"
          "    runs = (int)r;\n"
          "    argv[2] = argv[0];\n"
          "    argv += 2;\n"
          "    argc -= 2;\n"
          "  }\n"
          "  double *tnn_main_prof_t = NULL, *tnn_main_prof_run = NULL;\n", c);
  fprintf(c, "  if (argc != 1 + NIN + NOUT) {\n"
             "    fprintf(stderr, \"usage: %%s%s%s\", argv[0]);\n"
             "    for (int i = 0; i < NIN; i++) fprintf(stderr, \" IN%%d.npy\", i);\n"
             "    for (int i = 0; i < NOUT; i++) fprintf(stderr, \" OUT%%d.npy\", i);\n"
             "    fprintf(stderr, \"\\n\");\n    return 2;\n  }\n",
          e->o->profile ? " [--runs N]" : "", e->weights_name ? " [--weights FILE]" : "");
  if (e->weights_name)
    fprintf(c, "  void *weights_raw = NULL;\n"
               "  const void *weights = tnn_weights_load(weights_path, argv[0], %s_WEIGHTS_FILE,\n"
               "                                         %s_WEIGHTS_SIZE, %s_WEIGHTS_ALIGN,\n"
               "                                         &weights_raw);\n"
               "  if (!weights) goto done;\n",
            P, P, P);
  fputs("  for (int i = 0; i < NIN; i++) {\n"
        "    if (tnn_npy_read(argv[1 + i], &in[i]) != 0) goto done;\n"
        "    if (in[i].dtype != in_dtype[i]) {\n"
        "      fprintf(stderr, \"%s: element type %s, the model expects %s\\n\",\n"
        "              argv[1 + i], tnn_npy_dtype_name(in[i].dtype),\n"
        "              tnn_npy_dtype_name(in_dtype[i]));\n"
        "      goto done;\n    }\n"
        "    if (in[i].count != in_size[i]) {\n"
        "      if (NIN == 1 && in_size[i] > 0 && in[i].count % in_size[i] == 0 &&\n"
        "          in[i].count > 0) {\n"
        "        samples = in[i].count / in_size[i];\n"
        "      } else {\n"
        "        fprintf(stderr, \"%s: %lld elements, the model expects %lld\\n\",\n"
        "                argv[1 + i], (long long)in[i].count, (long long)in_size[i]);\n"
        "        goto done;\n      }\n    }\n  }\n", c);
  fprintf(c,
          "  wsb = malloc(%s_WORKSPACE_SIZE + %s_WORKSPACE_ALIGN);\n"
          "  if (!wsb) { fprintf(stderr, \"out of memory\\n\"); goto done; }\n"
          "  void *ws = (unsigned char *)wsb + (%s_WORKSPACE_ALIGN - (uintptr_t)wsb %% %s_WORKSPACE_ALIGN) %% %s_WORKSPACE_ALIGN;\n"
          "  for (int i = 0; i < NOUT; i++) {\n"
          "    out[i] = tnn_npy_alloc(out_size[i], samples, tnn_npy_esize(out_dtype[i]));\n"
          "    if (!out[i]) { fprintf(stderr, \"out of memory\\n\"); goto done; }\n"
          "  }\n"
          "  for (int64_t s = 0; s < samples; s++) {\n"
          "    int rc = ",
          P, P, P, P, P);
  emit_sample_call(e);
  fputs("    if (rc != 0) { fprintf(stderr, \"run failed: %d\\n\", rc); goto done; }\n"
        "  }\n", c);
  if (e->o->profile) {
    /* the pass above was the warm-up; then `runs` timed passes */
    fputs("  tnn_main_prof_t = malloc(sizeof(double) * (size_t)runs * TNN_PROF_LAYERS);\n"
          "  tnn_main_prof_run = malloc(sizeof(double) * (size_t)runs);\n"
          "  if (!tnn_main_prof_t || !tnn_main_prof_run) { fprintf(stderr, \"out of memory\\n\"); goto done; }\n"
          "  for (int r = 0; r < runs; r++) {\n"
          "    memset(tnn_prof_acc, 0, sizeof tnn_prof_acc);\n"
          "    const double t0 = tnn_prof_now();\n"
          "    for (int64_t s = 0; s < samples; s++) {\n"
          "      int rc = ", c);
    emit_sample_call(e);
    fputs("      if (rc != 0) { fprintf(stderr, \"run failed: %d\\n\", rc); goto done; }\n"
          "    }\n"
          "    tnn_main_prof_run[r] = tnn_prof_now() - t0;\n"
          "    memcpy(tnn_main_prof_t + (size_t)r * TNN_PROF_LAYERS, tnn_prof_acc, sizeof tnn_prof_acc);\n"
          "  }\n", c);
    fprintf(c, "  tnn_prof_print(stderr, tnn_prof_layers, %d, tnn_main_prof_t, runs, 1, (long long)samples, tnn_main_prof_run);\n",
            profile_layers(g));
  }
  fputs("  for (int i = 0; i < NOUT; i++) {\n"
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
        "      goto done;\n"
        "  }\n"
        "  status = 0;\n"
        "done:\n"
        "  (void)in_shape;\n"
        "  for (int i = 0; i < NOUT; i++) free(out[i]);\n"
        "  for (int i = 0; i < NIN; i++) free(in[i].data);\n"
        "  free(wsb);\n", c);
  if (g->threads > 1) fprintf(c, "  %s_stop_threads();\n", e->o->prefix);
  if (e->o->profile) fputs("  free(tnn_main_prof_t);\n  free(tnn_main_prof_run);\n", c);
  if (e->weights_name) fputs("  free(weights_raw);\n", c);
  fputs("  return status;\n}\n", c);
}

bool emit_c_driver(Graph *g, const EmitOptions *o, FILE *c_out) {
  Emitter e = c_emitter(g, o, c_out, NULL);
  fprintf(c_out, "/* Generated by tnnc %s. Do not edit.\n"
                 " * The --emit-main program for the object tnnc wrote with %s.\n */\n",
          TNNC_VERSION, o->header_name);
  fputs("#include <stdint.h>\n#include <string.h>\n\n", c_out);
  fprintf(c_out, "#include \"%s\"\n\n", o->header_name);
  fprintf(c_out, "#define TNN_DT_F32 %d\n#define TNN_DT_U8 %d\n#define TNN_DT_I8 %d\n"
                 "#define TNN_DT_I32 %d\n#define TNN_DT_I64 %d\n#define TNN_DT_BOOL %d\n"
                 "#define TNN_DT_F64 %d\n#define TNN_DT_F16 %d\n#define TNN_DT_BF16 %d\n",
          TNN_DT_F32, TNN_DT_U8, TNN_DT_I8, TNN_DT_I32, TNN_DT_I64, TNN_DT_BOOL, TNN_DT_F64,
          TNN_DT_F16, TNN_DT_BF16);
  c_emit_main(&e);
  return !ferror(c_out);
}

