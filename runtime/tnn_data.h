/* tnn runtime: data movement and reductions.
 *
 * Data movement kernels (x_*) work on any element type: they see elements as
 * `esize` opaque bytes (or, for copy/concat/split/gather, contiguous byte
 * runs), so one kernel serves float, int64, bool, ...  Reductions, ArgMax and
 * TopK are typed.
 *
 * Index walks keep flat offsets incrementally (tnn_data_step) instead of
 * recomputing them from the multi-index, so the cost per element is O(1)
 * amortised.  Kernels never allocate: TopK keeps its running top-k list in
 * its own output buffers. */
#ifndef TNN_DATA_H
#define TNN_DATA_H

#include "tnn_half.h"

/* Advances the row-major multi-index idx over dims (rank dims) and updates
 * *off by the strides of the dims that changed.  Returns 0 past the end. */
TNN_INLINE int tnn_data_step(int64_t rank, const int64_t *dims,
                                int64_t *idx, const int64_t *strides,
                                int64_t *off) {
  for (int64_t d = rank - 1; d >= 0; d--) {
    if (++idx[d] < dims[d]) {
      *off += strides[d];
      return 1;
    }
    idx[d] = 0;
    *off -= (dims[d] - 1) * strides[d];
  }
  return 0;
}

/* Row-major strides (in elements) of dims. */
TNN_INLINE void tnn_data_strides(int64_t rank, const int64_t *dims,
                                    int64_t *strides) {
  int64_t s = 1;
  for (int64_t d = rank - 1; d >= 0; d--) {
    strides[d] = s;
    s *= dims[d];
  }
}

TNN_INLINE int64_t tnn_data_numel(int64_t rank, const int64_t *dims) {
  int64_t n = 1;
  for (int64_t d = 0; d < rank; d++) n *= dims[d];
  return n;
}

/* Copies one element of esize bytes; the common sizes as typed moves. */
TNN_INLINE void tnn_data_move(unsigned char *dst, const unsigned char *src,
                                 int64_t esize) {
  switch (esize) {
  case 1: *dst = *src; break;
  case 2: memcpy(dst, src, 2); break;
  case 4: memcpy(dst, src, 4); break;
  case 8: memcpy(dst, src, 8); break;
  default: memcpy(dst, src, (size_t)esize); break;
  }
}

/* ----------------------------------------------------------------- copy */

TNN_INLINE int tnn_x_copy(const void *vp, const void *const *in,
                             void *const *out) {
  const tnn_copy_params *p = (const tnn_copy_params *)vp;
  if (p->bytes > 0 && out[0] != in[0])
    memcpy(out[0], in[0], (size_t)p->bytes);
  return TNN_OK;
}

/* ------------------------------------------------------------ transpose */

/* out[i0..ir] = in[i_perm^-1]: output dim d is input dim perm[d]. */
TNN_INLINE int tnn_x_transpose(const void *vp, const void *const *in,
                                  void *const *out) {
  const tnn_transpose_params *p = (const tnn_transpose_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  unsigned char *y = (unsigned char *)out[0];
  int64_t istr[TNN_MAX_RANK] = {0}, ostr[TNN_MAX_RANK] = {0};
  int64_t odims[TNN_MAX_RANK] = {0};
  int64_t idx[TNN_MAX_RANK] = {0};
  const int64_t r = p->rank, es = p->esize;
  tnn_data_strides(r, p->dims, istr);
  for (int64_t d = 0; d < r; d++) {
    odims[d] = p->dims[p->perm[d]];
    ostr[d] = istr[p->perm[d]];
  }
  const int64_t n = tnn_data_numel(r, odims);
  if (n == 0) return TNN_OK;
  if (r == 0) {
    tnn_data_move(y, x, es);
    return TNN_OK;
  }
  /* the innermost output dim as a strided run, the rest walked */
  const int64_t inner = odims[r - 1], s = ostr[r - 1];
  int64_t off = 0;
  for (int64_t o = 0; o < n; o += inner) {
    const unsigned char *src = x + off * es;
    unsigned char *dst = y + o * es;
    if (es == 4) {
      for (int64_t i = 0; i < inner; i++) memcpy(dst + 4 * i, src + 4 * i * s, 4);
    } else if (es == 8) {
      for (int64_t i = 0; i < inner; i++) memcpy(dst + 8 * i, src + 8 * i * s, 8);
    } else {
      for (int64_t i = 0; i < inner; i++)
        tnn_data_move(dst + i * es, src + i * s * es, es);
    }
    idx[r - 1] = inner - 1;
    off += (inner - 1) * s;
    tnn_data_step(r, odims, idx, ostr, &off);
  }
  return TNN_OK;
}

/* -------------------------------------------------------- concat, split */

/* Inputs seen as [outer, len[i], inner bytes], the output as
 * [outer, sum len, inner bytes]. */
TNN_INLINE int tnn_x_concat(const void *vp, const void *const *in,
                               void *const *out) {
  const tnn_concat_params *p = (const tnn_concat_params *)vp;
  unsigned char *y = (unsigned char *)out[0];
  int64_t total = 0;
  for (int64_t i = 0; i < p->count; i++) total += p->len[i];
  const int64_t row = total * p->inner;
  int64_t at = 0;
  for (int64_t i = 0; i < p->count; i++) {
    const unsigned char *x = (const unsigned char *)in[i];
    const int64_t chunk = p->len[i] * p->inner;
    if (chunk > 0)
      for (int64_t o = 0; o < p->outer; o++)
        memcpy(y + o * row + at, x + o * chunk, (size_t)chunk);
    at += chunk;
  }
  return TNN_OK;
}

/* The inverse of concat; a NULL output (omitted in the model) is skipped. */
TNN_INLINE int tnn_x_split(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_concat_params *p = (const tnn_concat_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  int64_t total = 0;
  for (int64_t i = 0; i < p->count; i++) total += p->len[i];
  const int64_t row = total * p->inner;
  int64_t at = 0;
  for (int64_t i = 0; i < p->count; i++) {
    unsigned char *y = (unsigned char *)out[i];
    const int64_t chunk = p->len[i] * p->inner;
    if (y && chunk > 0)
      for (int64_t o = 0; o < p->outer; o++)
        memcpy(y + o * chunk, x + o * row + at, (size_t)chunk);
    at += chunk;
  }
  return TNN_OK;
}

/* ---------------------------------------------------------------- slice */

/* out[i] = in[start + i * step] per dim; steps may be negative. */
TNN_INLINE int tnn_x_slice(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_slice_params *p = (const tnn_slice_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  unsigned char *y = (unsigned char *)out[0];
  const int64_t r = p->rank, es = p->esize;
  int64_t istr[TNN_MAX_RANK] = {0}, sstr[TNN_MAX_RANK] = {0};
  int64_t idx[TNN_MAX_RANK] = {0};
  tnn_data_strides(r, p->in_dims, istr);
  int64_t off = 0;
  for (int64_t d = 0; d < r; d++) {
    sstr[d] = istr[d] * p->step[d];
    off += p->start[d] * istr[d];
  }
  const int64_t n = tnn_data_numel(r, p->out_dims);
  if (n == 0) return TNN_OK;
  if (r == 0) {
    tnn_data_move(y, x, es);
    return TNN_OK;
  }
  const int64_t inner = p->out_dims[r - 1], s = sstr[r - 1];
  for (int64_t o = 0; o < n; o += inner) {
    const unsigned char *src = x + off * es;
    unsigned char *dst = y + o * es;
    if (s == 1) {
      memcpy(dst, src, (size_t)(inner * es));
    } else {
      for (int64_t i = 0; i < inner; i++)
        tnn_data_move(dst + i * es, src + i * s * es, es);
    }
    idx[r - 1] = inner - 1;
    off += (inner - 1) * s;
    tnn_data_step(r, p->out_dims, idx, sstr, &off);
  }
  return TNN_OK;
}

/* ------------------------------------------------------------------ pad */

/* Maps coordinate c (possibly outside [0, n)) into the input for reflect
 * (mode 1, period 2n - 2, the edge not repeated) or edge (mode 2). */
TNN_INLINE int64_t tnn_pad_coord(int64_t c, int64_t n, int64_t mode) {
  if (c >= 0 && c < n) return c;
  if (mode == 2 || n == 1) return c < 0 ? 0 : n - 1;
  const int64_t period = 2 * n - 2;
  c %= period;
  if (c < 0) c += period;
  return c < n ? c : period - c;
}

/* out[i] = in[i - before] per dim; a coordinate outside the input takes the
 * constant (mode 0) or is mapped back by tnn_pad_coord.  Negative `before`
 * (and out_dims below in_dims) crop.  Works a row (the last dim) at a time:
 * in constant mode a row is fill, one memcpy, fill. */
/* Share `part` of `nparts` (tnn_runtime.h): the output rows (of the last
 * dim) [r0, r1). */
TNN_INLINE int tnn_x_pad_part(const void *vp, const void *const *in,
                              void *const *out, int64_t part, int64_t nparts) {
  const tnn_pad_params *p = (const tnn_pad_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  unsigned char *y = (unsigned char *)out[0];
  const int64_t r = p->rank, es = p->esize;
  int64_t istr[TNN_MAX_RANK];
  int64_t idx[TNN_MAX_RANK] = {0};
  unsigned char fill[16] = {0};
  switch (p->dtype) {
  case TNN_DT_F32: { float v = (float)p->value; memcpy(fill, &v, 4); break; }
  case TNN_DT_F64: { double v = p->value; memcpy(fill, &v, 8); break; }
  case TNN_DT_I64: { int64_t v = p->ivalue; memcpy(fill, &v, 8); break; }
  case TNN_DT_I32: { int32_t v = (int32_t)p->ivalue; memcpy(fill, &v, 4); break; }
  case TNN_DT_I8: { int8_t v = (int8_t)p->ivalue; memcpy(fill, &v, 1); break; }
  case TNN_DT_U8: { uint8_t v = (uint8_t)p->ivalue; memcpy(fill, &v, 1); break; }
  case TNN_DT_BOOL: fill[0] = p->ivalue != 0; break;
  case TNN_DT_F16: { uint16_t v = tnn_f64_to_f16(p->value); memcpy(fill, &v, 2); break; }
  case TNN_DT_BF16: { uint16_t v = tnn_f64_to_bf16(p->value); memcpy(fill, &v, 2); break; }
  default: break;
  }
  tnn_data_strides(r, p->in_dims, istr);
  const int64_t n = tnn_data_numel(r, p->out_dims);
  if (n == 0) return TNN_OK;
  if (r == 0) {
    if (part == 0) tnn_data_move(y, x, es);
    return TNN_OK;
  }
  const int64_t ow = p->out_dims[r - 1], iw = p->in_dims[r - 1];
  const int64_t b = p->before[r - 1];
  /* the output columns [lo, hi) come from input columns [lo - b, hi - b) */
  int64_t lo = b > 0 ? b : 0, hi = b + iw < ow ? b + iw : ow;
  if (hi < lo) hi = lo;
  int64_t r0, r1;
  tnn_part_range(n / ow, 1, part, nparts, &r0, &r1);
  for (int64_t d = r - 2, q = r0; d >= 0; d--) {   /* the index of row r0 */
    idx[d] = q % p->out_dims[d];
    q /= p->out_dims[d];
  }
  for (int64_t o = r0 * ow; o < r1 * ow; o += ow) {
    unsigned char *dst = y + o * es;
    int64_t off = 0, inside = 1;
    for (int64_t d = 0; d < r - 1; d++) {
      int64_t c = idx[d] - p->before[d];
      if (c < 0 || c >= p->in_dims[d]) {
        if (p->mode == 0) {
          inside = 0;
          break;
        }
        c = tnn_pad_coord(c, p->in_dims[d], p->mode);
      }
      off += c * istr[d];
    }
    if (!inside) {
      for (int64_t j = 0; j < ow; j++) tnn_data_move(dst + j * es, fill, es);
    } else if (p->mode == 0) {
      for (int64_t j = 0; j < lo; j++) tnn_data_move(dst + j * es, fill, es);
      if (hi > lo)
        memcpy(dst + lo * es, x + (off + lo - b) * es, (size_t)((hi - lo) * es));
      for (int64_t j = hi; j < ow; j++) tnn_data_move(dst + j * es, fill, es);
    } else {
      for (int64_t j = 0; j < ow; j++)
        tnn_data_move(dst + j * es,
                      x + (off + tnn_pad_coord(j - b, iw, p->mode)) * es, es);
    }
    idx[r - 1] = ow - 1;
    tnn_index_next(r, p->out_dims, idx);
  }
  return TNN_OK;
}

TNN_INLINE int tnn_x_pad(const void *vp, const void *const *in, void *const *out) {
  return tnn_x_pad_part(vp, in, out, 0, 1);
}

/* --------------------------------------------------------------- gather */

/* out[o, j, :] = data[o, idx[j], :]; negative indices count from the end. */
TNN_INLINE int tnn_x_gather(const void *vp, const void *const *in,
                               void *const *out) {
  const tnn_gather_params *p = (const tnn_gather_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  unsigned char *y = (unsigned char *)out[0];
  for (int64_t j = 0; j < p->nidx; j++) {
    int64_t k = p->idx64 ? ((const int64_t *)in[1])[j]
                         : (int64_t)((const int32_t *)in[1])[j];
    if (k < -p->len || k >= p->len) return TNN_E_INDEX;
  }
  for (int64_t o = 0; o < p->outer; o++) {
    for (int64_t j = 0; j < p->nidx; j++) {
      int64_t k = p->idx64 ? ((const int64_t *)in[1])[j]
                           : (int64_t)((const int32_t *)in[1])[j];
      if (k < 0) k += p->len;
      memcpy(y + (o * p->nidx + j) * p->inner,
             x + (o * p->len + k) * p->inner, (size_t)p->inner);
    }
  }
  return TNN_OK;
}

/* ----------------------------------------------------------- reductions */

/* Splits the dims of a reduce into the kept ones (output order) and the
 * reduced ones, with the input's strides for each. */
typedef struct tnn_reduce_walk {
  int64_t kr, rr;                           /* kept / reduced dim counts */
  int64_t kdims[TNN_MAX_RANK], kstr[TNN_MAX_RANK];
  int64_t rdims[TNN_MAX_RANK], rstr[TNN_MAX_RANK];
  int64_t nout, nred;                       /* output / per-output counts */
} tnn_reduce_walk;

TNN_INLINE void tnn_reduce_walk_init(const tnn_reduce_params *p,
                                        tnn_reduce_walk *w) {
  int64_t istr[TNN_MAX_RANK];
  tnn_data_strides(p->rank, p->dims, istr);
  w->kr = w->rr = 0;
  w->nout = w->nred = 1;
  for (int64_t d = 0; d < p->rank; d++) {
    if (p->red[d]) {
      w->rdims[w->rr] = p->dims[d];
      w->rstr[w->rr++] = istr[d];
      w->nred *= p->dims[d];
    } else {
      w->kdims[w->kr] = p->dims[d];
      w->kstr[w->kr++] = istr[d];
      w->nout *= p->dims[d];
    }
  }
}

/* For each output element: acc = init; acc = step(acc, v) over the reduced
 * elements; y = fin(acc).  Accumulation type A. */
#define TNN_REDUCE(T, ct, A, op, init, step, fin)                             \
  TNN_INLINE int tnn_##T##_##op(const void *vp, const void *const *in,     \
                                   void *const *out) {                        \
    const tnn_reduce_params *p = (const tnn_reduce_params *)vp;               \
    const ct *x = (const ct *)in[0];                                          \
    ct *y = (ct *)out[0];                                                     \
    tnn_reduce_walk w;                                                        \
    tnn_reduce_walk_init(p, &w);                                              \
    int64_t kidx[TNN_MAX_RANK] = {0};                                         \
    int64_t base = 0;                                                         \
    const int64_t nred = w.nred;                                              \
    /* the innermost reduced dim as a strided run, the rest walked */         \
    const int64_t rin = w.rr > 0 ? w.rdims[w.rr - 1] : 1;                     \
    const int64_t rs = w.rr > 0 ? w.rstr[w.rr - 1] : 0;                       \
    (void)nred;                                                               \
    for (int64_t o = 0; o < w.nout; o++) {                                    \
      int64_t ridx[TNN_MAX_RANK] = {0};                                       \
      int64_t off = base;                                                     \
      A acc = (init);                                                         \
      for (int64_t i = 0; i < w.nred; i += rin) {                             \
        for (int64_t j = 0; j < rin; j++) {                                   \
          const ct v = x[off + j * rs];                                       \
          acc = (step);                                                       \
        }                                                                     \
        if (w.rr > 0) {                                                       \
          ridx[w.rr - 1] = rin - 1;                                           \
          off += (rin - 1) * rs;                                              \
          tnn_data_step(w.rr, w.rdims, ridx, w.rstr, &off);                   \
        }                                                                     \
      }                                                                       \
      y[o] = (fin);                                                           \
      tnn_data_step(w.kr, w.kdims, kidx, w.kstr, &base);                      \
    }                                                                         \
    return TNN_OK;                                                            \
  }

/* Sums accumulate in double (float) or wrap modulo 2^64 (int64); max
 * propagates NaN. */
TNN_REDUCE(f32, float, double, reduce_sum, 0.0, acc + v, (float)acc)
TNN_REDUCE(f32, float, double, reduce_mean, 0.0, acc + v,
           (float)(acc / (double)nred))
TNN_REDUCE(f32, float, float, reduce_max, -INFINITY,
           (acc != acc || !(v > acc || v != v)) ? acc : v, acc)
TNN_REDUCE(i64, int64_t, uint64_t, reduce_sum, 0, acc + (uint64_t)v,
           (int64_t)acc)
TNN_REDUCE(i64, int64_t, int64_t, reduce_max, INT64_MIN, v > acc ? v : acc,
           acc)

/* --------------------------------------------------------------- argmax */

/* out[o, i] = argmax_j x[o, j, i] as int64; flag (select_last_index) picks
 * the last of equal maxima instead of the first. */
TNN_INLINE int tnn_f32_argmax(const void *vp, const void *const *in,
                                 void *const *out) {
  const tnn_axis_params *p = (const tnn_axis_params *)vp;
  const float *x = (const float *)in[0];
  int64_t *y = (int64_t *)out[0];
  for (int64_t o = 0; o < p->outer; o++) {
    const float *xo = x + o * p->len * p->inner;
    for (int64_t i = 0; i < p->inner; i++) {
      float best = xo[i];
      int64_t bi = 0;
      for (int64_t j = 1; j < p->len; j++) {
        const float v = xo[j * p->inner + i];
        if (v > best || (p->flag && v == best)) {
          best = v;
          bi = j;
        }
      }
      y[o * p->inner + i] = bi;
    }
  }
  return TNN_OK;
}

/* ----------------------------------------------------------------- topk */

/* True when a ranks strictly before b (largest: greater; smallest: less).
 * NaN counts as greater than every number. */
TNN_INLINE int tnn_topk_before(float a, float b, int64_t largest) {
  if (a != a) return largest && b == b;
  if (b != b) return !largest;
  return largest ? a > b : a < b;
}

/* The k largest (smallest) of x[o, :, i] with their indices, best first;
 * equal values keep the lower index first (onnxruntime).  The running list
 * lives in the outputs: each element is inserted after all elements that do
 * not rank after it, so earlier indices stay in front among equals.  The
 * list is always sorted, whatever `sorted` says (any order is valid then). */
TNN_INLINE int tnn_f32_topk(const void *vp, const void *const *in,
                               void *const *out) {
  const tnn_topk_params *p = (const tnn_topk_params *)vp;
  const float *x = (const float *)in[0];
  float *vals = (float *)out[0];
  int64_t *idxs = (int64_t *)out[1];
  const int64_t s = p->inner, k = p->k;
  if (k <= 0) return TNN_OK;
  for (int64_t o = 0; o < p->outer; o++) {
    for (int64_t i = 0; i < s; i++) {
      const float *xs = x + o * p->len * s + i;
      float *vs = vals + o * k * s + i;
      int64_t *is = idxs + o * k * s + i;
      int64_t cnt = 0;
      for (int64_t j = 0; j < p->len; j++) {
        const float v = xs[j * s];
        if (cnt == k && !tnn_topk_before(v, vs[(k - 1) * s], p->largest))
          continue;
        int64_t at = cnt < k ? cnt : k - 1;
        while (at > 0 && tnn_topk_before(v, vs[(at - 1) * s], p->largest)) {
          vs[at * s] = vs[(at - 1) * s];
          is[at * s] = is[(at - 1) * s];
          at--;
        }
        vs[at * s] = v;
        is[at * s] = j;
        if (cnt < k) cnt++;
      }
    }
  }
  return TNN_OK;
}

#define TNN_KERNELS_DATA(K)                                                   \
  K(x_copy, copy)                                                             \
  K(x_transpose, transpose)                                                   \
  K(x_concat, concat)                                                         \
  K(x_split, concat)                                                          \
  K(x_slice, slice)                                                           \
  K(x_pad, pad)                                                               \
  K(x_gather, gather)                                                         \
  K(f32_reduce_mean, reduce)                                                  \
  K(f32_reduce_sum, reduce)                                                   \
  K(f32_reduce_max, reduce)                                                   \
  K(i64_reduce_sum, reduce)                                                   \
  K(i64_reduce_max, reduce)                                                   \
  K(f32_argmax, axis)                                                         \
  K(f32_topk, topk)

#endif
