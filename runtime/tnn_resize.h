/* tnn runtime: Resize and Upsample (any rank, any resized axes).
 *
 * Each output axis d of length out_dims[d] maps to taps[d] input positions
 * along the same axis: 1 for nearest and for an identity axis (ident[d]:
 * scale 1 and the same length, which onnxruntime maps x -> x without
 * computing a coordinate), 2 for linear, 4 for cubic, 2 - 2 * start under
 * antialias (tnn_resize_aa_taps).  The kernel first builds, per axis, a
 * table of taps[d] element offsets (index * stride) and weights for every
 * output index in the workspace at out[1] (tnn_resize_scratch bytes), then
 * walks the output once: an output element is
 *
 *     y = sum over the tap combinations (t_0 .. t_{r-1}) of
 *         (w_{r-1}[t] * ... * w_0[t]) * x[off_0[t] + ... + off_{r-1}[t]]
 *
 * the combinations ordered with the innermost axis fastest and the weight
 * product taken from the innermost axis out: onnxruntime's bilinear kernel
 * sums dx2*dy2*X11 + dx1*dy2*X21 + dx2*dy1*X12 + dx1*dy1*X22 in that
 * order, which this reproduces bit for bit on 2-D resizes (axes with one
 * tap contribute no factor).  Its bicubic and antialias kernels sum rows
 * first; there the two agree to float rounding.  A first offset of -1
 * marks an output index whose coordinate lies outside the input
 * (tf_crop_and_resize): the element is extrapolation_value.  The work is
 * the output's size times the product of the taps: under antialias
 * out_dims[d] * taps[d] stays near 2 * support * in_dims[d].
 *
 * Coordinates are computed in float as onnxruntime's
 * get_original_coordinate does (upsamplebase.h), operation for operation
 * (tnn_resize_coord): the ONNX reference implementation computes them in
 * double, onnxruntime in float, and where the two round differently
 * (nearest at a .5, the floor of a coordinate one ulp below an integer)
 * the float order decides.  Per-axis scale and roi come as the bit
 * patterns of floats in coef[] (params slots are int64 or double), so the
 * kernel computes with exactly the floats onnxruntime does.
 */
#ifndef TNN_RESIZE_H
#define TNN_RESIZE_H

/* mode */
#define TNN_RESIZE_NEAREST 0
#define TNN_RESIZE_LINEAR 1
#define TNN_RESIZE_CUBIC 2
/* coord: coordinate_transformation_mode */
#define TNN_RESIZE_HALF_PIXEL 0
#define TNN_RESIZE_HALF_PIXEL_SYMMETRIC 1
#define TNN_RESIZE_PYTORCH_HALF_PIXEL 2
#define TNN_RESIZE_ALIGN_CORNERS 3
#define TNN_RESIZE_ASYMMETRIC 4
#define TNN_RESIZE_TF_HALF_PIXEL_FOR_NN 5
#define TNN_RESIZE_TF_CROP_AND_RESIZE 6
/* nearest: nearest_mode; SIMPLE is Upsample's and Resize-10's (no
 * nearest_mode attribute): ceil when downsampling, else truncation */
#define TNN_RESIZE_ROUND_PREFER_FLOOR 0
#define TNN_RESIZE_ROUND_PREFER_CEIL 1
#define TNN_RESIZE_FLOOR 2
#define TNN_RESIZE_CEIL 3
#define TNN_RESIZE_SIMPLE 4

TNN_INLINE float tnn_resize_f32(int64_t bits) {
  uint32_t u = (uint32_t)bits;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Bytes of the tables at out[1]: int64 offsets, then float weights. */
TNN_INLINE int64_t tnn_resize_scratch(const tnn_resize_params *p) {
  int64_t n = 0;
  for (int64_t d = 0; d < p->rank; d++) n += p->out_dims[d] * p->taps[d];
  return (n * 12 + 7) / 8 * 8;
}

/* The input coordinate of output index x on an axis (onnxruntime's
 * get_original_coordinate, in float; lr the output length, lo the input
 * length).  The order matters where it is not exact: align_corners
 * multiplies by lo - 1 before dividing by lr - 1, half_pixel_symmetric
 * adds the offset before subtracting 0.5. */
TNN_INLINE float tnn_resize_coord(int64_t mode, float x, float scale,
                                  float lr, float lo, float rs, float re) {
  switch (mode) {
  case TNN_RESIZE_HALF_PIXEL_SYMMETRIC: {
    float ow = scale * lo;
    float adjustment = lr / ow;
    float center = lo / 2;
    float offset = center * (1 - adjustment);
    return offset + ((x + 0.5f) / scale) - 0.5f;
  }
  case TNN_RESIZE_PYTORCH_HALF_PIXEL:
    return lr > 1 ? (x + 0.5f) / scale - 0.5f : 0.0f;
  case TNN_RESIZE_ALIGN_CORNERS:
    return lr == 1 ? 0.0f : x * (lo - 1) / (lr - 1);
  case TNN_RESIZE_ASYMMETRIC: return x / scale;
  case TNN_RESIZE_TF_HALF_PIXEL_FOR_NN: return (x + 0.5f) / scale;
  case TNN_RESIZE_TF_CROP_AND_RESIZE:
    /* the one-pixel case in double, as onnxruntime writes 0.5 */
    return lr > 1 ? rs * (lo - 1) + (x * (re - rs) * (lo - 1)) / (lr - 1)
                  : (float)(0.5 * (rs + re) * (lo - 1));
  default: return ((x + 0.5f) / scale) - 0.5f;
  }
}

TNN_INLINE int64_t tnn_resize_nearest_index(int64_t mode, float v,
                                            int down) {
  switch (mode) {
  case TNN_RESIZE_ROUND_PREFER_CEIL: return (int64_t)roundf(v);
  case TNN_RESIZE_FLOOR: return (int64_t)floorf(v);
  case TNN_RESIZE_CEIL: return (int64_t)ceilf(v);
  case TNN_RESIZE_SIMPLE: return down ? (int64_t)ceilf(v) : (int64_t)v;
  default:
    if (v == (float)(int64_t)v + 0.5f) return (int64_t)floorf(v);
    return (int64_t)roundf(v);
  }
}

TNN_INLINE int64_t tnn_resize_clamp(int64_t i, int64_t n) {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* onnxruntime's cubic coefficients for the fraction s (GetCubicCoeffs):
 * taps floor - 1 .. floor + 2. */
TNN_INLINE void tnn_resize_cubic_coeffs(float s, float a, float *c) {
  s = fabsf(s);
  c[0] = ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a;
  c[1] = ((a + 2) * s - (a + 3)) * s * s + 1;
  c[2] = ((a + 2) * (1 - s) - (a + 3)) * (1 - s) * (1 - s) + 1;
  c[3] = ((a * (2 - s) - 5 * a) * (2 - s) + 8 * a) * (2 - s) - 4 * a;
}

/* antialias = 1 (opset 18), the ONNX reference's filter
 * (_linear_coeffs_antialias, _cubic_coeffs_antialias): when downsampling,
 * the linear or cubic kernel stretched by 1 / scale, sampled at the taps
 * start .. start + nt - 1 around the coordinate, normalized to sum 1;
 * taps beyond the input read its edge unless exclude_outside, which drops
 * them and normalizes again.  With x0 the coordinate's integer part (x - 1
 * for a whole x, so that the fraction r lies in (0, 1]) tap j reads
 * x0 + start + j at distance start + j - r.  nt = 2 - 2 * start, so
 * start = 1 - nt / 2 (tnnc chose nt from the scale). */
TNN_INLINE float tnn_resize_aa_cubic(float x, float a) {
  x = fabsf(x);
  const float x2 = x * x, x3 = x * x2;
  if (x <= 1) return (a + 2) * x3 - (a + 3) * x2 + 1;
  if (x < 2) return a * x3 - 5 * a * x2 + 8 * a * x - 4 * a;
  return 0.0f;
}

TNN_INLINE void tnn_resize_aa_taps(const tnn_resize_params *p, int64_t nt,
                                   float v, float scale, int64_t len,
                                   int64_t stride, int64_t *off, float *w) {
  const int64_t start = 1 - nt / 2;
  const float s = scale > 1.0f ? 1.0f : scale, a = (float)p->cubic_a;
  float fl = floorf(v);
  if (fl == v) fl -= 1;
  const float r = v - fl;
  const int64_t x0 = (int64_t)fl;
  float sum = 0;
  for (int64_t j = 0; j < nt; j++) {
    const float t = ((float)(start + j) - r) * s;
    float c;
    if (p->mode == TNN_RESIZE_LINEAR) {
      c = 1 - fabsf(t);
      c = c < 0 ? 0.0f : c;
    } else {
      c = tnn_resize_aa_cubic(t, a);
    }
    w[j] = c;
    sum += c;
  }
  for (int64_t j = 0; j < nt; j++) w[j] = sum != 0 ? w[j] / sum : 0;
  if (p->exclude) {
    sum = 0;
    for (int64_t j = 0; j < nt; j++) {
      const int64_t i = x0 + start + j;
      if (i < 0 || i >= len) w[j] = 0;
      sum += w[j];
    }
    for (int64_t j = 0; j < nt; j++) w[j] = sum != 0 ? w[j] / sum : 0;
  }
  for (int64_t j = 0; j < nt; j++)
    off[j] = tnn_resize_clamp(x0 + start + j, len) * stride;
}

/* The table of axis d: taps offsets and weights per output index. */
TNN_INLINE void tnn_resize_axis(const tnn_resize_params *p, int64_t d,
                                int64_t stride, int64_t *off, float *w) {
  const int64_t nt = p->taps[d], len = p->in_dims[d];
  const float scale = tnn_resize_f32(p->coef[3 * d]);
  const float rs = tnn_resize_f32(p->coef[3 * d + 1]);
  const float re = tnn_resize_f32(p->coef[3 * d + 2]);
  const float lo = (float)len, lr = (float)p->out_dims[d];
  const int extrap = p->coord == TNN_RESIZE_TF_CROP_AND_RESIZE;
  for (int64_t o = 0; o < p->out_dims[d]; o++, off += nt, w += nt) {
    if (p->ident[d]) {
      off[0] = o * stride;
      w[0] = 1.0f;
      continue;
    }
    float v = tnn_resize_coord(p->coord, (float)o, scale, lr, lo, rs, re);
    if (extrap && (v < 0 || v > lo - 1)) {
      for (int64_t t = 0; t < nt; t++) off[t] = -1, w[t] = 0;
      continue;
    }
    if (p->mode == TNN_RESIZE_NEAREST) {
      int64_t i = tnn_resize_nearest_index(p->nearest, v, scale < 1.0f);
      off[0] = tnn_resize_clamp(i, len) * stride;
      w[0] = 1.0f;
    } else if (p->antialias) {
      tnn_resize_aa_taps(p, nt, v, scale, len, stride, off, w);
    } else if (p->mode == TNN_RESIZE_LINEAR) {
      /* onnxruntime's UpsampleBilinear setup: the coordinate clamped into
       * the input, the two weights as distances to the other tap */
      v = v < 0 ? 0.0f : v > lo - 1 ? lo - 1 : v;
      int64_t i1 = (int64_t)v < len - 1 ? (int64_t)v : len - 1;
      int64_t i2 = i1 + 1 < len - 1 ? i1 + 1 : len - 1;
      float d1 = fabsf(v - (float)i1), d2 = fabsf(v - (float)i2);
      if (i1 == i2) d1 = d2 = 0.5f;
      off[0] = i1 * stride, w[0] = d2;
      off[1] = i2 * stride, w[1] = d1;
    } else {
      float fl = floorf(v);
      int64_t i0 = (int64_t)fl;
      tnn_resize_cubic_coeffs(v - fl, (float)p->cubic_a, w);
      if (p->exclude) {
        float sum = 0;
        for (int64_t t = 0; t < 4; t++) {
          int64_t i = i0 - 1 + t;
          if (i < 0 || i >= len) w[t] = 0;
          sum += w[t];
        }
        for (int64_t t = 0; t < 4; t++) w[t] = sum != 0 ? w[t] / sum : 0;
      }
      for (int64_t t = 0; t < 4; t++)
        off[t] = tnn_resize_clamp(i0 - 1 + t, len) * stride;
    }
  }
}

/* Builds every axis's table; tab_off[d] / tab_w[d] point at axis d's. */
TNN_INLINE void tnn_resize_tables(const tnn_resize_params *p, void *scratch,
                                  int64_t **tab_off, float **tab_w) {
  int64_t total = 0, stride = 1, strides[TNN_MAX_RANK];
  for (int64_t d = p->rank - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= p->in_dims[d];
  }
  for (int64_t d = 0; d < p->rank; d++) total += p->out_dims[d] * p->taps[d];
  int64_t *off = (int64_t *)scratch;
  float *w = (float *)(off + total);
  for (int64_t d = 0; d < p->rank; d++) {
    tab_off[d] = off;
    tab_w[d] = w;
    tnn_resize_axis(p, d, strides[d], off, w);
    off += p->out_dims[d] * p->taps[d];
    w += p->out_dims[d] * p->taps[d];
  }
}

/* Nearest: one tap per axis, a gather of whole elements of any type. */
#define TNN_RESIZE_NEAREST_KERNEL(T, ct)                                      \
  TNN_INLINE int tnn_##T##_resize_nearest(const void *vp,                     \
                                          const void *const *in,              \
                                          void *const *out) {                 \
    const tnn_resize_params *p = (const tnn_resize_params *)vp;               \
    const ct *x = (const ct *)in[0];                                          \
    ct *y = (ct *)out[0];                                                     \
    int64_t *off[TNN_MAX_RANK];                                               \
    float *w[TNN_MAX_RANK];                                                   \
    int64_t idx[TNN_MAX_RANK] = {0};                                          \
    const int64_t r = p->rank, last = p->out_dims[r - 1];                     \
    const ct ext = (ct)p->extrap;                                             \
    tnn_resize_tables(p, out[1], off, w);                                     \
    int64_t rows = 1;                                                         \
    for (int64_t d = 0; d < r - 1; d++) rows *= p->out_dims[d];               \
    for (int64_t row = 0; row < rows; row++, y += last) {                     \
      int64_t base = 0;                                                       \
      int outside = 0;                                                        \
      for (int64_t d = 0; d < r - 1; d++) {                                   \
        const int64_t o = off[d][idx[d]];                                     \
        outside |= o < 0;                                                     \
        base += o;                                                            \
      }                                                                       \
      const int64_t *lo = off[r - 1];                                         \
      for (int64_t j = 0; j < last; j++)                                      \
        y[j] = outside || lo[j] < 0 ? ext : x[base + lo[j]];                  \
      tnn_index_next(r - 1, p->out_dims, idx);                                \
    }                                                                         \
    return TNN_OK;                                                            \
  }
TNN_RESIZE_NEAREST_KERNEL(f32, float)
TNN_RESIZE_NEAREST_KERNEL(f64, double)
TNN_RESIZE_NEAREST_KERNEL(i8, int8_t)
TNN_RESIZE_NEAREST_KERNEL(u8, uint8_t)
TNN_RESIZE_NEAREST_KERNEL(i32, int32_t)
TNN_RESIZE_NEAREST_KERNEL(i64, int64_t)

/* Linear and cubic on float: the sum over the tap combinations of the
 * axes with more than one tap (act[], outermost first). */
TNN_INLINE int tnn_f32_resize(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_resize_params *p = (const tnn_resize_params *)vp;
  const float *x = (const float *)in[0];
  float *y = (float *)out[0];
  int64_t *off[TNN_MAX_RANK];
  float *w[TNN_MAX_RANK];
  int64_t idx[TNN_MAX_RANK] = {0}, act[TNN_MAX_RANK], t[TNN_MAX_RANK];
  int64_t nact = 0, combos = 1, n = 1;
  const int64_t r = p->rank;
  const float ext = (float)p->extrap;
  tnn_resize_tables(p, out[1], off, w);
  for (int64_t d = 0; d < r; d++) {
    n *= p->out_dims[d];
    if (p->taps[d] > 1) {
      act[nact++] = d;
      combos *= p->taps[d];
    }
  }
  for (int64_t e = 0; e < n; e++) {
    int64_t base = 0;
    int outside = 0;
    for (int64_t d = 0; d < r; d++) {
      const int64_t o = off[d][idx[d] * p->taps[d]];
      outside |= o < 0;
      if (p->taps[d] == 1) base += o;
    }
    if (outside) {
      y[e] = ext;
    } else {
      float acc = 0;
      for (int64_t a = 0; a < nact; a++) t[a] = 0;
      for (int64_t c = 0; c < combos; c++) {
        int64_t o = base;
        float wt = 1.0f;
        for (int64_t a = nact - 1; a >= 0; a--) {
          const int64_t d = act[a], k = idx[d] * p->taps[d] + t[a];
          o += off[d][k];
          wt = a == nact - 1 ? w[d][k] : wt * w[d][k];
        }
        acc += wt * x[o];
        for (int64_t a = nact - 1; a >= 0; a--) {
          if (++t[a] < p->taps[act[a]]) break;
          t[a] = 0;
        }
      }
      y[e] = nact ? acc : x[base];
    }
    tnn_index_next(r, p->out_dims, idx);
  }
  return TNN_OK;
}

#define TNN_KERNELS_RESIZE(K)                                                 \
  K(f32_resize, resize) K(f32_resize_nearest, resize)                         \
  K(f64_resize_nearest, resize) K(i8_resize_nearest, resize)                  \
  K(u8_resize_nearest, resize) K(i32_resize_nearest, resize)                  \
  K(i64_resize_nearest, resize)

#endif /* TNN_RESIZE_H */
