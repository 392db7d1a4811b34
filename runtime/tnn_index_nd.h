/* tnn runtime: more index-driven kernels: GatherND and ScatterND
 * (tnn_nd_params), OneHot (tnn_onehot_params), Compress
 * (tnn_compress_params), EyeLike (tnn_eyelike_params) and Range
 * (tnn_range_params).
 *
 * GatherND / ScatterND see the data as [batch][dims[0]]...[dims[q-1]][slice]
 * (slice elements of esize bytes) and the indices as [batch][nidx][q] int64;
 * an index counts from the end when negative, and one out of
 * [-dims[k], dims[k]) makes the kernel return TNN_E_INDEX (GatherND before
 * writing that slice; ScatterND leaves the output partly written).
 * ScatterND's duplicate indices apply in order. */
#ifndef TNN_INDEX_ND_H
#define TNN_INDEX_ND_H


/* The offset, in slices within one batch, of index tuple t[0..q). */
TNN_INLINE int tnn_nd_offset(const tnn_nd_params *p, const int64_t *t,
                             int64_t *off) {
  int64_t o = 0;
  for (int64_t k = 0; k < p->q; k++) {
    int64_t v = t[k];
    if (v < -p->dims[k] || v >= p->dims[k]) return TNN_E_INDEX;
    if (v < 0) v += p->dims[k];
    o = o * p->dims[k] + v;
  }
  *off = o;
  return TNN_OK;
}

/* out[b, j, :] = data[b, idx[b, j, 0], ..., idx[b, j, q-1], :];
 * in: data, indices */
TNN_INLINE int tnn_x_gather_nd(const void *vp, const void *const *in,
                               void *const *out) {
  const tnn_nd_params *p = (const tnn_nd_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  const int64_t *idx = (const int64_t *)in[1];
  unsigned char *y = (unsigned char *)out[0];
  const size_t sb = (size_t)(p->slice * p->esize);
  for (int64_t b = 0; b < p->batch; b++)
    for (int64_t j = 0; j < p->nidx; j++) {
      int64_t o;
      if (tnn_nd_offset(p, idx + (b * p->nidx + j) * p->q, &o) != TNN_OK)
        return TNN_E_INDEX;
      memcpy(y + (size_t)(b * p->nidx + j) * sb,
             x + (size_t)b * (size_t)p->dbatch * (size_t)p->esize +
                 (size_t)o * sb, sb);
    }
  return TNN_OK;
}

/* *d (op)= u for reduction 1 add, 2 mul, 3 max, 4 min, else *d = u;
 * integers wrap (through uint64_t). */
#define TNN_ND_APPLY(T, ct, wide)                                             \
  TNN_INLINE void tnn_##T##_nd_apply(void *vd, const void *vu, int64_t n,     \
                                     int64_t r) {                             \
    ct *d = (ct *)vd;                                                         \
    const ct *u = (const ct *)vu;                                             \
    for (int64_t i = 0; i < n; i++) {                                         \
      switch (r) {                                                            \
      case 1: d[i] = (ct)((wide)d[i] + (wide)u[i]); break;                    \
      case 2: d[i] = (ct)((wide)d[i] * (wide)u[i]); break;                    \
      case 3: d[i] = u[i] > d[i] ? u[i] : d[i]; break;                        \
      case 4: d[i] = u[i] < d[i] ? u[i] : d[i]; break;                        \
      default: d[i] = u[i]; break;                                            \
      }                                                                       \
    }                                                                         \
  }
TNN_ND_APPLY(f32, float, float)
TNN_ND_APPLY(f64, double, double)
TNN_ND_APPLY(i64, int64_t, uint64_t)
TNN_ND_APPLY(i32, int32_t, uint64_t)
TNN_ND_APPLY(i8, int8_t, uint64_t)
TNN_ND_APPLY(u8, uint8_t, uint64_t)

/* y = data; y[idx[j, 0], ..., idx[j, q-1], :] (op)= updates[j, :];
 * in: data, indices, updates (reduction as TNN_ND_APPLY, none for bool) */
TNN_INLINE int tnn_x_scatter_nd(const void *vp, const void *const *in,
                                void *const *out) {
  const tnn_nd_params *p = (const tnn_nd_params *)vp;
  const int64_t *idx = (const int64_t *)in[1];
  const unsigned char *u = (const unsigned char *)in[2];
  unsigned char *y = (unsigned char *)out[0];
  const size_t sb = (size_t)(p->slice * p->esize);
  if (out[0] != in[0]) memcpy(y, in[0], (size_t)p->bytes);
  for (int64_t j = 0; j < p->nidx; j++) {
    int64_t o;
    if (tnn_nd_offset(p, idx + j * p->q, &o) != TNN_OK) return TNN_E_INDEX;
    unsigned char *d = y + (size_t)o * sb;
    const unsigned char *s = u + (size_t)j * sb;
    if (p->reduction == 0) {
      memcpy(d, s, sb);
      continue;
    }
    switch (p->dtype) {
    case TNN_DT_F32: tnn_f32_nd_apply(d, s, p->slice, p->reduction); break;
    case TNN_DT_F64: tnn_f64_nd_apply(d, s, p->slice, p->reduction); break;
    case TNN_DT_I64: tnn_i64_nd_apply(d, s, p->slice, p->reduction); break;
    case TNN_DT_I32: tnn_i32_nd_apply(d, s, p->slice, p->reduction); break;
    case TNN_DT_I8: tnn_i8_nd_apply(d, s, p->slice, p->reduction); break;
    case TNN_DT_U8: tnn_u8_nd_apply(d, s, p->slice, p->reduction); break;
    default: return TNN_E_ARG;
    }
  }
  return TNN_OK;
}

/* Element i of an integer tensor of TNN_DT_* type dt, as int64. */
TNN_INLINE int64_t tnn_read_i64(const void *x, int64_t dt, int64_t i) {
  switch (dt) {
  case TNN_DT_I64: return ((const int64_t *)x)[i];
  case TNN_DT_I32: return ((const int32_t *)x)[i];
  case TNN_DT_I8: return ((const int8_t *)x)[i];
  case TNN_DT_U8: return ((const uint8_t *)x)[i];
  default: return 0;
  }
}

/* OneHot: indices as [outer, inner] (idtype), out [outer, depth, inner] of
 * esize-byte elements: values[1] where j equals the index (a negative one
 * plus depth), values[0] elsewhere.  An index out of [-depth, depth), or a
 * float one that is not a whole number, gives a row of values[0]
 * (onnxruntime compares the float index with j).
 * in: indices, depth (unread), values */
TNN_INLINE int tnn_x_onehot(const void *vp, const void *const *in,
                            void *const *out) {
  const tnn_onehot_params *p = (const tnn_onehot_params *)vp;
  const unsigned char *vals = (const unsigned char *)in[2];
  unsigned char *y = (unsigned char *)out[0];
  const size_t es = (size_t)p->esize;
  const int fl = p->idtype == TNN_DT_F32 || p->idtype == TNN_DT_F64;
  for (int64_t o = 0; o < p->outer; o++)
    for (int64_t i = 0; i < p->inner; i++) {
      const int64_t e = o * p->inner + i;
      int64_t v = -1;
      if (fl) {
        double d = p->idtype == TNN_DT_F32 ? (double)((const float *)in[0])[e]
                                           : ((const double *)in[0])[e];
        if (d < 0) d += (double)p->depth;
        if (d >= 0 && d < (double)p->depth && d == (double)(int64_t)d)
          v = (int64_t)d;
      } else {
        v = tnn_read_i64(in[0], p->idtype, e);
        if (v < 0) v += p->depth;
      }
      for (int64_t j = 0; j < p->depth; j++)
        memcpy(y + (size_t)((o * p->depth + j) * p->inner + i) * es,
               vals + (j == v ? es : 0), es);
    }
  return TNN_OK;
}

/* Compress: x as [outer, len, inner bytes]; keeps the j < clen with
 * cond[j] != 0, in order.  in: x, cond (bool) */
TNN_INLINE int tnn_x_compress(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_compress_params *p = (const tnn_compress_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  const uint8_t *c = (const uint8_t *)in[1];
  unsigned char *y = (unsigned char *)out[0];
  const int64_t n = p->clen < p->len ? p->clen : p->len;
  const size_t ib = (size_t)p->inner;
  for (int64_t o = 0; o < p->outer; o++)
    for (int64_t j = 0; j < n; j++)
      if (c[j]) {
        memcpy(y, x + (size_t)(o * p->len + j) * ib, ib);
        y += ib;
      }
  return TNN_OK;
}

/* EyeLike: [rows, cols] of TNN_DT_* dtype, 1 where j - i == k, else 0. */
TNN_INLINE int tnn_x_eyelike(const void *vp, const void *const *in,
                             void *const *out) {
  const tnn_eyelike_params *p = (const tnn_eyelike_params *)vp;
  (void)in;
  for (int64_t i = 0; i < p->rows; i++)
    for (int64_t j = 0; j < p->cols; j++) {
      const int one = j - i == p->k;
      const int64_t o = i * p->cols + j;
      switch (p->dtype) {
      case TNN_DT_F32: ((float *)out[0])[o] = (float)one; break;
      case TNN_DT_F64: ((double *)out[0])[o] = (double)one; break;
      case TNN_DT_I64: ((int64_t *)out[0])[o] = one; break;
      case TNN_DT_I32: ((int32_t *)out[0])[o] = one; break;
      case TNN_DT_I8: ((int8_t *)out[0])[o] = (int8_t)one; break;
      case TNN_DT_U8: case TNN_DT_BOOL: ((uint8_t *)out[0])[o] = (uint8_t)one; break;
      default: return TNN_E_ARG;
      }
    }
  return TNN_OK;
}

/* Range: n values start, start + delta, ... of TNN_DT_* dtype, each the
 * previous plus delta in the element's type, as onnxruntime computes them
 * (integers wrap).  in: start, limit (unread), delta; tnnc gives n. */
#define TNN_RANGE(ct, wide)                                                   \
  {                                                                           \
    ct v = *(const ct *)in[0];                                                \
    const ct d = *(const ct *)in[2];                                          \
    for (int64_t i = 0; i < p->n; i++) {                                      \
      ((ct *)out[0])[i] = v;                                                  \
      v = (ct)((wide)v + (wide)d);                                            \
    }                                                                         \
  }
TNN_INLINE int tnn_x_range(const void *vp, const void *const *in,
                           void *const *out) {
  const tnn_range_params *p = (const tnn_range_params *)vp;
  switch (p->dtype) {
  case TNN_DT_F32: TNN_RANGE(float, float) break;
  case TNN_DT_F64: TNN_RANGE(double, double) break;
  case TNN_DT_I64: TNN_RANGE(int64_t, uint64_t) break;
  case TNN_DT_I32: TNN_RANGE(int32_t, uint64_t) break;
  default: return TNN_E_ARG;
  }
  return TNN_OK;
}
#undef TNN_RANGE

#define TNN_KERNELS_INDEX_ND(K)                                               \
  K(x_gather_nd, nd) K(x_scatter_nd, nd) K(x_onehot, onehot)                  \
  K(x_compress, compress) K(x_eyelike, eyelike) K(x_range, range)

#endif /* TNN_INDEX_ND_H */
