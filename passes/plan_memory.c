/* Pass plan-memory: place every intermediate tensor in one workspace.
 *
 * Graph inputs and outputs live in the caller's buffers and constants in
 * static arrays; everything else gets a byte offset in the workspace.  A view
 * (Reshape, Flatten, Squeeze, ...) aliases its input when its output is not
 * a graph output, and the input's lifetime then covers the view's uses.
 *
 * Lifetimes are closed intervals [def, last use] over node positions; two
 * tensors whose intervals intersect may not overlap in memory (kernels never
 * run in place, so an input and an output of one node conflict).  Offsets are
 * chosen greedily, largest buffer first, at the lowest address that fits
 * among the placed buffers that are live at the same time (TFLite's greedy
 * by size); a second order (by definition time) is tried too and the smaller
 * plan kept.  g->ws_peak is the largest sum of simultaneously live buffers,
 * a lower bound for any plan; --dump-ir prints both.  Offsets are multiples
 * of TNN_WS_ALIGN, the workspace alignment the run function checks.
 *
 * The stack is planned too, as a bound: g->stack_bytes is the run
 * function's frame (TNN_STACK_RUN and the in/out pointer arrays of its
 * largest node) plus the largest per-call bound TNN_STACK_<kind> of the
 * kernels it calls (runtime/tnn_runtime.h); nodes run one after the other,
 * so their frames never nest. */
#include <stdlib.h>
#include <string.h>

#include "../ir/ir.h"

#define WS_ALIGN TNN_WS_ALIGN

typedef struct Buf {
  Tensor *t;
  int64_t size;
  int first, last;
  int64_t offset;
} Buf;

static Tensor *root_of(Tensor *t) {
  while (t->alias) t = t->alias;
  return t;
}

static int cmp_size(const void *a, const void *b) {
  const Buf *x = a, *y = b;
  if (x->size != y->size) return x->size > y->size ? -1 : 1;
  if (x->first != y->first) return x->first < y->first ? -1 : 1;
  return x->t->id - y->t->id;
}

static int cmp_first(const void *a, const void *b) {
  const Buf *x = a, *y = b;
  if (x->first != y->first) return x->first < y->first ? -1 : 1;
  if (x->size != y->size) return x->size > y->size ? -1 : 1;
  return x->t->id - y->t->id;
}

/* Placed buffers indexed by time: block k lists the buffers whose interval
 * meets positions [k*TB, (k+1)*TB).  Finding the buffers live together with
 * a new one then scans only the blocks its interval covers, so planning is
 * linear in the graph size for the short lifetimes of deep networks. */
#define TB 32

typedef struct {
  int *items, n, cap;
} Block;

static void block_push(Arena *a, Block *b, int v) {
  if (b->n == b->cap) {
    int nc = b->cap ? 2 * b->cap : 8;
    int *ni = arena_calloc(a, (size_t)nc, sizeof(int));
    if (b->n) memcpy(ni, b->items, sizeof(int) * (size_t)b->n);
    b->items = ni;
    b->cap = nc;
  }
  b->items[b->n++] = v;
}

/* Places bufs in the given order over nn positions; returns the workspace
 * size. */
static int64_t place(Buf *b, int n, int nn, Arena *a) {
  int nblk = nn / TB + 1;
  Block *blk = arena_calloc(a, (size_t)nblk, sizeof(Block));
  int *seen = arena_calloc(a, (size_t)n + 1, sizeof(int));
  Buf **conf = arena_calloc(a, (size_t)n + 1, sizeof *conf);
  int64_t total = 0;
  for (int i = 0; i < n; i++) {
    /* Conflicting placed buffers, sorted by offset (insertion sort: the
     * list is short in practice). */
    int nc = 0;
    for (int k = b[i].first / TB; k <= b[i].last / TB; k++)
      for (int j = 0; j < blk[k].n; j++) {
        int q = blk[k].items[j];
        Buf *p = &b[q];
        if (seen[q] == i + 1) continue;
        seen[q] = i + 1;
        if (!(p->first <= b[i].last && b[i].first <= p->last)) continue;
        int m = nc++;
        while (m > 0 && conf[m - 1]->offset > p->offset) {
          conf[m] = conf[m - 1];
          m--;
        }
        conf[m] = p;
      }
    int64_t off = 0;
    for (int j = 0; j < nc; j++) {
      if (conf[j]->offset >= off + b[i].size) break;
      int64_t end = conf[j]->offset + conf[j]->size;
      if (end > off) off = end;
    }
    b[i].offset = off;
    if (off + b[i].size > total) total = off + b[i].size;
    for (int k = b[i].first / TB; k <= b[i].last / TB; k++)
      block_push(a, &blk[k], i);
  }
  return total;
}

static int64_t stack_bound(const Graph *g) {
  int64_t kernel = 0, ptrs = 0;
  for (int i = 0; i < g->nnodes; i++) {
    const Node *n = g->nodes[i];
    if (n->dead || n->call.kernel < 0) continue;
    const int64_t s = kernel_info(n->call.kernel)->stack;
    if (s > kernel) kernel = s;
    if (n->nin + n->nout > ptrs) ptrs = n->nin + n->nout;
  }
  return TNN_STACK_RUN + 8 * ptrs + kernel;
}

bool pass_plan_memory(Graph *g) {
  int nn = g->nnodes;
  /* Aliases for views. */
  for (int i = 0; i < nn; i++) {
    Node *n = g->nodes[i];
    if (n->dead || n->call.kernel >= 0) continue;
    Tensor *y = n->out[0];
    if (y->is_output) {
      n->call.kernel = TNN_K_x_copy;
    } else {
      y->alias = n->in[0];
    }
  }
  int *first = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(int));
  int *last = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(int));
  for (int i = 0; i < g->ntensors; i++) first[i] = last[i] = -1;
  for (int i = 0; i < nn; i++) {
    Node *n = g->nodes[i];
    if (n->dead) continue;
    for (int j = 0; j < n->nout; j++) {
      Tensor *t = n->out[j];
      if (!t) continue;
      Tensor *r = root_of(t);
      if (first[r->id] < 0) first[r->id] = i;
      if (last[r->id] < i) last[r->id] = i;
    }
    for (int j = 0; j < n->nin; j++) {
      if (!n->in[j]) continue;
      Tensor *r = root_of(n->in[j]);
      if (last[r->id] < i) last[r->id] = i;
    }
  }
  Buf *bufs = arena_calloc(g->arena, (size_t)g->ntensors + 1, sizeof(Buf));
  int nb = 0;
  for (int i = 0; i < g->ntensors; i++) {
    Tensor *t = g->tensors[i];
    t->offset = -1;
    if (t->alias || t->data || t->is_input || t->is_output || first[i] < 0)
      continue;
    int64_t size = (ir_tensor_bytes(t) + WS_ALIGN - 1) / WS_ALIGN * WS_ALIGN;
    bufs[nb++] = (Buf){t, size > 0 ? size : WS_ALIGN, first[i], last[i], 0};
  }
  /* Peak of live buffers over time (a difference array over positions). */
  int64_t *delta = arena_calloc(g->arena, (size_t)nn + 2, sizeof(int64_t));
  for (int i = 0; i < nb; i++) {
    delta[bufs[i].first] += bufs[i].size;
    delta[bufs[i].last + 1] -= bufs[i].size;
  }
  int64_t peak = 0, live = 0;
  for (int s = 0; s < nn; s++) {
    live += delta[s];
    if (live > peak) peak = live;
  }
  Buf *alt = arena_calloc(g->arena, (size_t)nb + 1, sizeof(Buf));
  memcpy(alt, bufs, sizeof(Buf) * (size_t)nb);
  qsort(bufs, (size_t)nb, sizeof(Buf), cmp_size);
  qsort(alt, (size_t)nb, sizeof(Buf), cmp_first);
  int64_t s1 = place(bufs, nb, nn, g->arena);
  int64_t s2 = place(alt, nb, nn, g->arena);
  Buf *best = s2 < s1 ? alt : bufs;
  for (int i = 0; i < nb; i++) best[i].t->offset = best[i].offset;
  g->ws_size = s2 < s1 ? s2 : s1;
  g->ws_peak = peak;
  g->stack_bytes = stack_bound(g);
  return true;
}
