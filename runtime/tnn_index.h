/* tnn runtime: index-driven kernels: GatherElements, ScatterElements
 * (tnn_elems_params) and Trilu (tnn_trilu_params).
 *
 * Indices are int64 or int32 (idx64), negative ones count from the end of
 * the axis; one out of [-len, len) makes the kernel return TNN_E_INDEX. */
#ifndef TNN_INDEX_H
#define TNN_INDEX_H


TNN_INLINE int tnn_elems_index(const tnn_elems_params *p, const void *idx,
                               int64_t i, int64_t *out) {
  int64_t v = p->idx64 ? ((const int64_t *)idx)[i] : ((const int32_t *)idx)[i];
  if (v < -p->len || v >= p->len) return TNN_E_INDEX;
  *out = v < 0 ? v + p->len : v;
  return TNN_OK;
}

/* out[i...] = data[i... with i[axis] = idx[i...]]; in: data, indices */
TNN_INLINE int tnn_x_gather_elements(const void *vp, const void *const *in,
                                     void *const *out) {
  const tnn_elems_params *p = (const tnn_elems_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  unsigned char *y = (unsigned char *)out[0];
  int64_t n = 1, idx[TNN_MAX_RANK] = {0};
  for (int64_t d = 0; d < p->rank; d++) n *= p->idims[d];
  for (int64_t i = 0; i < n; i++) {
    int64_t j;
    if (tnn_elems_index(p, in[1], i, &j) != TNN_OK) return TNN_E_INDEX;
    int64_t o = 0;
    for (int64_t d = 0; d < p->rank; d++)
      o += (d == p->axis ? j : idx[d]) * p->dstr[d];
    memcpy(y + i * p->esize, x + o * p->esize, (size_t)p->esize);
    tnn_index_next(p->rank, p->idims, idx);
  }
  return TNN_OK;
}

/* y = data; y[i... with i[axis] = idx[i...]] (op)= updates[i...];
 * in: data, indices, updates.  Duplicate indices apply in order. */
#define TNN_SCATTER_ELEMENTS(T, ct)                                           \
  TNN_INLINE void tnn_##T##_scatter_apply(ct *d, ct u, int64_t r) {           \
    switch (r) {                                                              \
    case 1: *d = (ct)(*d + u); break;                                         \
    case 2: *d = (ct)(*d * u); break;                                         \
    case 3: *d = u > *d ? u : *d; break;                                      \
    case 4: *d = u < *d ? u : *d; break;                                      \
    default: *d = u; break;                                                   \
    }                                                                         \
  }                                                                           \
  TNN_INLINE int tnn_##T##_scatter_elements(                                  \
      const void *vp, const void *const *in, void *const *out) {              \
    const tnn_elems_params *p = (const tnn_elems_params *)vp;                 \
    const ct *u = (const ct *)in[2];                                          \
    ct *y = (ct *)out[0];                                                     \
    int64_t n = 1, idx[TNN_MAX_RANK] = {0};                                   \
    if (out[0] != in[0]) memcpy(y, in[0], (size_t)p->bytes);                  \
    for (int64_t d = 0; d < p->rank; d++) n *= p->idims[d];                   \
    for (int64_t i = 0; i < n; i++) {                                         \
      int64_t j;                                                              \
      if (tnn_elems_index(p, in[1], i, &j) != TNN_OK) return TNN_E_INDEX;     \
      int64_t o = 0;                                                          \
      for (int64_t d = 0; d < p->rank; d++)                                   \
        o += (d == p->axis ? j : idx[d]) * p->dstr[d];                        \
      tnn_##T##_scatter_apply(y + o, u[i], p->reduction);                     \
      tnn_index_next(p->rank, p->idims, idx);                                 \
    }                                                                         \
    return TNN_OK;                                                            \
  }
TNN_SCATTER_ELEMENTS(f32, float)
TNN_SCATTER_ELEMENTS(i64, int64_t)
TNN_SCATTER_ELEMENTS(i32, int32_t)

/* Trilu: x as [batch, rows, cols]; keeps element (i, j) when j - i >= k
 * (upper) or j - i <= k (lower), else 0. */
TNN_INLINE int tnn_x_trilu(const void *vp, const void *const *in,
                           void *const *out) {
  const tnn_trilu_params *p = (const tnn_trilu_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  unsigned char *y = (unsigned char *)out[0];
  const size_t es = (size_t)p->esize;
  for (int64_t b = 0; b < p->batch; b++)
    for (int64_t i = 0; i < p->rows; i++)
      for (int64_t j = 0; j < p->cols; j++) {
        const int64_t o = (b * p->rows + i) * p->cols + j;
        const int keep = p->upper ? j - i >= p->k : j - i <= p->k;
        if (keep) memcpy(y + (size_t)o * es, x + (size_t)o * es, es);
        else memset(y + (size_t)o * es, 0, es);
      }
  return TNN_OK;
}

#define TNN_KERNELS_INDEX(K)                                                  \
  K(x_gather_elements, elems) K(f32_scatter_elements, elems)                  \
  K(i64_scatter_elements, elems) K(i32_scatter_elements, elems)               \
  K(x_trilu, trilu)

#endif /* TNN_INDEX_H */
