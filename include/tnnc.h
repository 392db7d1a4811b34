/* tnnc public API: compile an ONNX model into one C source file and header.
 *
 * The library never exits and never prints except to the sinks given in
 * tnnc_options.  One call is one compilation with its own arena; there is no
 * global state, so calls may run concurrently. */
#ifndef TNNC_H
#define TNNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TNNC_VERSION "0.1.0"

enum tnnc_status {
  TNNC_OK = 0,
  TNNC_ERR_MODEL = 1,          /* bad or unsupported model */
  TNNC_ERR_USAGE = 2,          /* bad options */
  TNNC_ERR_IO = 3,             /* cannot read the model or write outputs */
  TNNC_ERR_NOMEM = 4,          /* compile-time memory limit reached (tnnc(1)
                                  exits 1: a model beyond a --limit) */
};

/* Resource bounds; a model beyond them is refused with a diagnostic. */
typedef struct tnnc_limits {
  int64_t max_tensor_elements; /* per tensor */
  int64_t max_weight_bytes;    /* sum of constant tensors */
  int64_t max_nodes;
  int64_t max_arena_bytes;     /* compile-time memory */
  int64_t max_graph_depth;     /* longest chain of nodes */
} tnnc_limits;

typedef struct tnnc_options {
  const char *input_path;      /* model path (also the diagnostic prefix) */
  const uint8_t *input_bytes;  /* if non-NULL, used instead of reading */
  size_t input_len;
  const char *output_c;        /* NULL: no output (check only) */
  const char *output_h;        /* NULL: output_c with .h */
  const char *prefix;          /* NULL: derived from output_c */
  int64_t batch;               /* value bound to a symbolic batch dim */
  bool emit_main;
  bool profile;                /* --profile: time every layer (implies emit_main) */
  const char *dump_ir;         /* NULL: none; "": final IR; else pass name */
  FILE *dump_sink;             /* where --dump-ir goes (default stdout) */
  FILE *diag_sink;             /* where diagnostics go (NULL: discarded) */
  bool quiet;                  /* no notes (why a layer stays float) */
  const char *command_line;    /* recorded in the output's front matter */
  tnnc_limits limits;          /* zero fields take the defaults */
  int report;                  /* 0 none, 1 text, 2 JSON (to report_sink) */
  FILE *report_sink;           /* default stdout */
  int quantize;                /* 0 none, 1 binary, 2 ternary, 3 auto */
  double tolerance;            /* auto: relative L2 error bound (0: 0.5) */
  bool quantize_all;           /* quantize the first and last layers too */
  int pack_base3;              /* ternary weights at 1.6 bits (5 per byte) */
  bool float_acts;             /* keep activation quantizers in float */
  const char *target;          /* generic, x86-64-v4+vpopcntdq, native, ... (see tnnc --help) */
  FILE *output_c_stream;       /* if non-NULL, model.c goes here instead */
  FILE *output_h_stream;       /* of to output_c/output_h (both needed) */
  const char *const *const_inputs; /* "NAME=FILE.npy": inputs fixed at */
  int nconst_inputs;               /* compile time (see bind_const_input) */
  /* Called with the path of each temporary output file ("OUT.c.tmpXXXXXX")
   * as soon as it exists (created = true) and once it is renamed into
   * place or removed (false); the string stays valid until then.  For a
   * caller whose signal handler removes what a killed compilation leaves
   * (tnnc(1) does).  NULL: not called. */
  void (*temp_file)(void *ctx, const char *path, bool created);
  void *temp_file_ctx;
  bool weights_extern;         /* constants in OUT.bin, the run function takes
                                  `const void *weights` (not with the streams) */
  int emit;                    /* TNNC_EMIT_*: what output_c is */
  int threads;                 /* --threads: > 1 splits large layers over a
                                  pthreads pool (C backend); 0, 1: none */
  int64_t thread_min_work;     /* --thread-min-work: layers with less work (in
                                  float multiply-adds) run on one thread;
                                  0: the default, 131072 */
  const struct tnnc_run_options *run; /* tnnc_run's, else NULL */
} tnnc_options;

/* --emit: the C backend (default), or the LLVM backend's object file,
 * assembly, textual IR or bitcode for --target (default native); the
 * header is the same for all, and --emit-main with the LLVM backend writes
 * the driver as OUT_main.c beside the object. */
enum { TNNC_EMIT_C, TNNC_EMIT_OBJ, TNNC_EMIT_ASM, TNNC_EMIT_LLVM, TNNC_EMIT_BC };

/* tnnc run / tnnc bench: the model JIT-compiled for this machine (LLVM
 * ORC) and run in-process.  run: inputs from .npy files (one sample, or
 * stacked samples of a single-input model as --emit-main takes them),
 * outputs written as .npy (files: the model's inputs, then its outputs,
 * in order).  bench (runs > 0): the given inputs, or
 * deterministic pseudo-random ones, run `runs` times after 3 warm-ups; the
 * median and minimum time go to `sink`, and with `profile` the time per
 * layer with its kernel, variant and MACs. */
typedef struct tnnc_run_options {
  const char *const *files;    /* run: the inputs then the outputs; bench: */
  int nfiles;                  /* none, or the inputs */
  int runs;                    /* 0: run; > 0: bench */
  bool profile;
  FILE *sink;                  /* bench's report (default stdout) */
} tnnc_run_options;
enum tnnc_status tnnc_run(const tnnc_options *opt, const tnnc_run_options *r);

void tnnc_default_limits(tnnc_limits *l);
enum tnnc_status tnnc_compile(const tnnc_options *opt);

#endif
