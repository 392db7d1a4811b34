/* Helpers shared by the op-kind modules: input checks, broadcasting, axes. */
#include <string.h>

#include "../ir.h"

bool opk_check_rank(Graph *g, Node *n, int input, int min, int max) {
  const Tensor *t = n->in[input];
  if (t->rank < min || t->rank > max) {
    if (min == max)
      diag_error(g->diag, n, "input %d '%s' has rank %d, expected %d", input,
                 t->name, t->rank, min);
    else
      diag_error(g->diag, n, "input %d '%s' has rank %d, expected %d to %d",
                 input, t->name, t->rank, min, max);
    return false;
  }
  return true;
}

bool opk_check_float(Graph *g, Node *n, int input) {
  const Tensor *t = n->in[input];
  if (t->dtype != DT_FLOAT) {
    diag_error(g->diag, n, "input %d '%s' has type %s; only float is supported",
               input, t->name, dtype_name(t->dtype));
    return false;
  }
  return true;
}

/* Numpy-style multidirectional broadcasting of the given inputs. */
bool opk_broadcast(Graph *g, Node *n, Tensor *const *ins, int nin, int *rank,
                   int64_t *dims) {
  int r = 0;
  for (int i = 0; i < nin; i++)
    if (ins[i]->rank > r) r = ins[i]->rank;
  for (int d = 0; d < r; d++) dims[d] = 1;
  for (int i = 0; i < nin; i++) {
    const Tensor *t = ins[i];
    for (int d = 0; d < t->rank; d++) {
      int64_t v = t->dims[d];
      int64_t *o = &dims[r - t->rank + d];
      if (v == *o || v == 1) continue;
      if (*o == 1) {
        *o = v;
        continue;
      }
      diag_error(g->diag, n,
                 "inputs cannot be broadcast together: '%s' has dim %lld on "
                 "axis %d where another input has %lld",
                 t->name, (long long)v, d, (long long)*o);
      return false;
    }
  }
  *rank = r;
  return true;
}

void opk_bcast_strides(const Tensor *t, int rank, const int64_t *dims,
                       int64_t *strides) {
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; d--) {
    int td = d - (rank - t->rank);
    if (td < 0 || t->dims[td] == 1) {
      strides[d] = 0;
    } else {
      strides[d] = s;
      s *= t->dims[td];
    }
    (void)dims;
  }
}

int opk_norm_axis(Graph *g, Node *n, int64_t axis, int rank, bool *ok) {
  if (axis < -rank || axis >= (rank == 0 ? 1 : rank)) {
    diag_error(g->diag, n, "axis %lld is out of range for rank %d",
               (long long)axis, rank);
    *ok = false;
    return 0;
  }
  return (int)(axis < 0 ? axis + rank : axis);
}

void *opk_params(Graph *g, size_t size) { return arena_alloc(g->arena, size); }

/* ScatterElements' and ScatterND's 'reduction': 0 none, 1 add, 2 mul,
 * 3 max, 4 min (the runtime's codes); -1 after a diagnostic. */
int opk_scatter_reduction(Graph *g, Node *n) {
  static const char *const names[] = {"none", "add", "mul", "max", "min"};
  const char *r = ir_attr_string(n, "reduction", "none");
  for (int i = 0; i < 5; i++)
    if (strcmp(r, names[i]) == 0) return i;
  diag_error(g->diag, n, "attribute 'reduction' is '%s', expected none, add, "
             "mul, max or min", r);
  return -1;
}
