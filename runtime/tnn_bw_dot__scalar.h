/* tnn runtime, binary/ternary weights: the scalar reference dot, twin of
 * every SIMD body of tnn_bw_dot__*.h (tests/unit/test_bitw.c). */
#ifndef TNN_TNN_BW_DOT__SCALAR_H
#define TNN_TNN_BW_DOT__SCALAR_H

#include "tnn_isa.h"

/* A row as two bit planes at bit offset `off`: nz (nonzero) and sg (set =
 * -1), each of `nbytes` bytes; binary rows have nz = NULL (all nonzero) and
 * sg = the inverted sense (set = +1), flagged by `binary`. */
typedef struct {
  const uint8_t *nz, *sg;
  int64_t nbytes, off;
  int binary;
} tnn_bw_row;

/* sum_k t[k] * x[k] by adds and subtracts (scalar reference). */
TNN_INLINE float tnn_bw_dot__scalar(const tnn_bw_row *r, const float *x,
                                int64_t k) {
  float acc = 0.0f;
  for (int64_t j = 0; j < k; j++) {
    int64_t i = r->off + j;
    int s = (r->sg[i >> 3] >> (i & 7)) & 1;
    if (r->binary) {
      acc = s ? acc + x[j] : acc - x[j];
    } else if ((r->nz[i >> 3] >> (i & 7)) & 1) {
      acc = s ? acc - x[j] : acc + x[j];
    }
  }
  return acc;
}

#endif
