/* The C emitter's state, shared by codegen/c.c (model.c and model.h) and
 * codegen/c_main.c (the --emit-main driver) and codegen/c_runtime.c (the
 * runtime text). */
#ifndef TNNC_C_EMIT_H
#define TNNC_C_EMIT_H

#include "../ir/ir.h"

typedef struct Emitter {
  Graph *g;
  const EmitOptions *o;
  FILE *c, *h;
  char *upper;                 /* prefix in upper case, for macros */
  const char *weights_name;    /* --weights=extern: the blob's file name, else NULL */
  WeightsLayout wl;            /* and its layout */
} Emitter;

/* The emitter for g and o writing to c_out and h_out (either may be NULL
 * when unused). */
Emitter c_emitter(Graph *g, const EmitOptions *o, FILE *c_out, FILE *h_out);
/* The --emit-main main(): reads the inputs (.npy), runs, writes the outputs;
 * with --profile also the timed runs and the per-layer table. */
void c_emit_main(Emitter *e);
/* codegen/c_runtime.c: whether some layer runs on the thread pool
 * (--threads), and the runtime text model.c carries. */
bool c_uses_pool(const Graph *g);
void c_emit_runtime(FILE *c, Graph *g);

#endif
