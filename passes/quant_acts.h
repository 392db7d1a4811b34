/* Private to pass quant-acts (passes/quant_acts.c), split by concern:
 *   quant_find.c    quantizer discovery: the subgraph from one float tensor
 *                   to binary/ternary levels, evaluated with the very
 *                   kernels the float path runs;
 *   quant_thresh.c  threshold derivation: integer thresholds on a packed
 *                   layer's dot, float thresholds on a quantizer's input;
 *   quant_acts.c    the rewrite into packed kernels, and why a layer stays
 *                   float. */
#ifndef TNNC_QUANT_ACTS_H
#define TNNC_QUANT_ACTS_H

#include <string.h>

#include "../ir/ir.h"

/* Consumers of every tensor: users[off[id] .. off[id + 1]), each node once. */
typedef struct {
  Node **users;
  int *off;
} Uses;

void qa_build_uses(Graph *g, Uses *u);

static inline int qa_nusers(const Uses *u, const Tensor *t) {
  return u->off[t->id + 1] - u->off[t->id];
}

static inline Node *const *qa_users_of(const Uses *u, const Tensor *t, int *n) {
  *n = qa_nusers(u, t);
  return u->users + u->off[t->id];
}

/* An activation quantizer: a small subgraph of elementwise nodes from one
 * float tensor x to its output y (the last node's), monotone in x, whose
 * values are off + v * {-1, +1} (1 bit) or off + v * {-1, 0, +1} (2 bits).
 * Its other inputs are constants (scalars, or MultiThreshold's per-channel
 * thresholds). */
#define QG_MAX 12

typedef struct {
  Node *nodes[QG_MAX];         /* in graph order; the last one produces y */
  int n;
  const Tensor *x;
  int dir;                     /* +1 non-decreasing in x, -1 non-increasing */
  int bits;
  float vals[3];               /* its levels -1, (0,) +1, ascending */
  float v, off;                /* vals ~ off + v * level (rounding aside) */
  const char *why;             /* when not a quantizer tnnc takes: why */
} QGroup;

/* Direction (+1, -1) of n's output given its inputs' directions d[] (0 for
 * constants), by the op table's monotone class (ir/op_props.def); false
 * when n is not monotone elementwise on one value. */
bool qa_node_dir(const Node *n, const int *d, int *out);
/* The quantizer that ends at node e, over nch channels of its input's
 * axis 1 (quant_find.c); false with q->why set when there is none. */
bool qa_find_group(const Uses *u, Node *e, int64_t nch, QGroup *q);
/* Why the group qa_find_group turned down is no packed quantizer; NULL
 * when it holds no quantizer op at all. */
const char *qa_quantizer_why(Graph *g, const QGroup *q);
/* A chain node / the quantizer on one value at channel c; the quantizer
 * level (-1, 0, +1) of an output value, 2 for none of its levels. */
float qa_eval1(const Node *n, int64_t c, float x);
float qa_eval_group(const QGroup *q, int64_t c, float x);
int qa_level_of(const QGroup *q, float y);

/* Floats in order as integers: -inf .. -0 = 0 = +0 .. +inf. */
static inline int64_t qa_fkey(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u & 0x80000000u ? -(int64_t)(u & 0x7fffffffu) : (int64_t)u;
}

static inline float qa_fval(int64_t key) {
  uint32_t u = key < 0 ? (uint32_t)(-key) | 0x80000000u : (uint32_t)key;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* The float path from a packed layer's integer dot to the quantizer level:
 * the layer's epilogue (dot * scale + bias, clipped to [lo, hi]), the chain
 * of per-channel ops after it, then the quantizer. */
typedef struct {
  const float *scale, *bias;   /* the layer's float epilogue */
  float lo, hi;
  const Node **chain;
  int nchain;
  const QGroup *q;
} StepFn;

/* quant_thresh.c: integer thresholds {dir, t0, t1} per channel of the
 * dot in [-k, k]; float thresholds {t0, t1} of the quantizer at channel c.
 * False when the float path is not a monotone step function. */
bool qa_int_thresholds(const StepFn *s, int64_t mch, int64_t k, int32_t *thr,
                       const char **why);
bool qa_float_thresholds(const QGroup *q, int64_t c, float *t);

#endif
