/* Private to pass quant-int8 (passes/quant_int8.c), split by concern:
 *   quant_int8_chain.c  the activation quantizer: a chain of monotone
 *                       elementwise nodes (and views) from a float tensor
 *                       to 2..256 evenly spaced levels, evaluated with the
 *                       nodes' own kernels, and the run-time formula that
 *                       reproduces it at every level boundary;
 *   quant_int8.c        the layers moved to the 8-bit kernels (binary,
 *                       ternary and int8 weights), and the pass;
 *   quant_int8_epi.c    the next quantizer moved into an 8-bit layer's
 *                       epilogue (codes out, through a max pool of codes,
 *                       or the quantized levels for float readers). */
#ifndef TNNC_QUANT_INT8_H
#define TNNC_QUANT_INT8_H

#include "../ir/ir.h"

#define CHAIN_MAX 16
#define LEVELS_MAX 256

typedef struct {
  Node *nodes[CHAIN_MAX];      /* from f to x, in order */
  int var[CHAIN_MAX];          /* each one's variable input (the others constants) */
  int n;
  Tensor *f, *x;
  int levels;
  float vals[LEVELS_MAX];      /* the levels, ascending */
  int64_t thr[LEVELS_MAX];     /* fkey of T_j, j >= 1 */
  double s;                    /* level spacing */
  int64_t c;                   /* v_j = s (j + c) */
} Chain;

/* Node i's variable input: the chain's value before it. */
static inline Tensor *qi_chain_in(const Chain *ch, int i) { return ch->nodes[i]->in[ch->var[i]]; }

/* Whether n is non-decreasing in its variable input *var (the others
 * scalar constants; views keep every value). */
bool qi_chain_node(const Node *n, int *var);
/* The longest chain ending at x: false when x's producer is not one. */
bool qi_find_chain(Tensor *x, Chain *ch);
/* The levels of the chain from node `from`: false beyond LEVELS_MAX, NaN,
 * fewer than 2, or not evenly spaced with an integer offset. */
bool qi_chain_levels(Chain *ch, int from);
/* The run-time quantizer's formula (params but the layout); false if none
 * reproduces the chain. */
bool qi_find_formula(const Chain *ch, int from, tnn_i8quant_params *p);

/* The epilogue fusions, after the layers moved (quant_int8_epi.c). */
void qi_fuse_epilogues(Graph *g);

#endif
