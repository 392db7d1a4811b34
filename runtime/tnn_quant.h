/* tnn runtime: quantizers (QONNX Quant and BipolarQuant, ONNX
 * DequantizeLinear).  Scalar reference kernels; on weights they only run at
 * compile time (constant folding), on activations they run in the model.
 *
 * Quant (QONNX): v = x / scale + zeropt, clamped to [lo, hi] (the integer
 * range of the bit width, signed or not, narrow or not), rounded by `mode`,
 * then y = (v - zeropt) * scale.  Clamping comes before rounding, as in the
 * QONNX reference.  scale and zeropt broadcast against x (strides ss, sz).
 * BipolarQuant: y = (x >= 0 ? +1 : -1) * scale.
 * DequantizeLinear: y = (x - zero_point) * scale, per tensor or per axis
 * (x seen as [outer, c, inner], scale and zero point of length c). */
#ifndef TNN_QUANT_H
#define TNN_QUANT_H

/* rounding modes of Quant */
#define TNN_ROUND_HALF_EVEN 0
#define TNN_ROUND_CEIL 1
#define TNN_ROUND_FLOOR 2
#define TNN_ROUND_UP 3        /* away from zero */
#define TNN_ROUND_DOWN 4      /* toward zero */
#define TNN_ROUND_HALF_UP 5   /* ties away from zero */
#define TNN_ROUND_HALF_DOWN 6 /* ties toward zero */

/* Round half to even: one vroundss (and vectorizable) where the compiler
 * has the builtin and SSE4.1, else by floor and the parity of the floor
 * (no libm fmodf). */
TNN_INLINE float tnn_round_half_even(float v) {
#if !defined(TNN_NO_SIMD) && defined(__SSE4_1__) && \
    (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 10))
  return __builtin_roundevenf(v);
#else
  const float f = floorf(v), d = v - f;
  if (d > 0.5f) return f + 1.0f;
  if (d < 0.5f) return f;
  return f - 2.0f * floorf(f * 0.5f) != 0.0f ? f + 1.0f : f;
#endif
}

TNN_INLINE float tnn_quant_round(float v, int64_t mode) {
  float f = floorf(v), r = v - f;
  switch (mode) {
  case TNN_ROUND_CEIL: return ceilf(v);
  case TNN_ROUND_FLOOR: return f;
  case TNN_ROUND_UP: return v < 0 ? floorf(v) : ceilf(v);
  case TNN_ROUND_DOWN: return v < 0 ? ceilf(v) : f;
  case TNN_ROUND_HALF_UP:
    if (r == 0.5f) return v < 0 ? f : f + 1.0f;
    return r < 0.5f ? f : f + 1.0f;
  case TNN_ROUND_HALF_DOWN:
    if (r == 0.5f) return v < 0 ? f + 1.0f : f;
    return r < 0.5f ? f : f + 1.0f;
  default:
    (void)r;
    return tnn_round_half_even(v);
  }
}

TNN_INLINE int tnn_f32_quant(const void *vp, const void *const *in,
                             void *const *out) {
  const tnn_quant_params *p = (const tnn_quant_params *)vp;
  const float *x = (const float *)in[0], *s = (const float *)in[1];
  float *y = (float *)out[0];
  const float lo = (float)p->lo, hi = (float)p->hi;
  int64_t idx[TNN_MAX_RANK] = {0};
  if (p->bipolar) {                    /* BipolarQuant has no in[2] */
    for (int64_t i = 0; i < p->n; i++) {
      const float sc = s[tnn_offset(p->rank, idx, p->ss)];
      y[i] = x[i] >= 0.0f ? sc : -sc;
      tnn_index_next(p->rank, p->dims, idx);
    }
    return TNN_OK;
  }
  const float *z = (const float *)in[2];
  for (int64_t i = 0; i < p->n; i++) {
    const float sc = s[tnn_offset(p->rank, idx, p->ss)];
    {
      const float zp = z[tnn_offset(p->rank, idx, p->sz)];
      float v = x[i] / sc + zp;
      v = v > hi ? hi : v < lo ? lo : v;
      y[i] = (tnn_quant_round(v, p->mode) - zp) * sc;
    }
    tnn_index_next(p->rank, p->dims, idx);
  }
  return TNN_OK;
}

TNN_INLINE int tnn_x_dequantize(const void *vp, const void *const *in,
                                void *const *out) {
  const tnn_dequant_params *p = (const tnn_dequant_params *)vp;
  const float *s = (const float *)in[1];
  float *y = (float *)out[0];
  int64_t i = 0;
  for (int64_t o = 0; o < p->outer; o++)
    for (int64_t c = 0; c < p->c; c++) {
      const float sc = s[c];
      int64_t zp = 0;
      if (p->has_zp) {
        switch (p->dtype) {
        case TNN_DT_I8: zp = ((const int8_t *)in[2])[c]; break;
        case TNN_DT_U8: zp = ((const uint8_t *)in[2])[c]; break;
        default: zp = ((const int32_t *)in[2])[c]; break;
        }
      }
      for (int64_t k = 0; k < p->inner; k++, i++) {
        int64_t v;
        switch (p->dtype) {
        case TNN_DT_I8: v = ((const int8_t *)in[0])[i]; break;
        case TNN_DT_U8: v = ((const uint8_t *)in[0])[i]; break;
        default: v = ((const int32_t *)in[0])[i]; break;
        }
        y[i] = (float)(v - zp) * sc;
      }
    }
  return TNN_OK;
}

/* QuantizeLinear: y = saturate(round_half_even(x / scale) + zero_point) to
 * the output's int8 or uint8 range (NaN gives zero_point), per tensor or per
 * axis as DequantizeLinear; dtype is the output's TNN_DT_*. */
TNN_INLINE int tnn_f32_quantize_linear(const void *vp, const void *const *in,
                                       void *const *out) {
  const tnn_dequant_params *p = (const tnn_dequant_params *)vp;
  const float *x = (const float *)in[0], *s = (const float *)in[1];
  const float lo = p->dtype == TNN_DT_I8 ? -128.0f : 0.0f;
  const float hi = p->dtype == TNN_DT_I8 ? 127.0f : 255.0f;
  int64_t i = 0;
  for (int64_t o = 0; o < p->outer; o++)
    for (int64_t c = 0; c < p->c; c++) {
      const float sc = s[c];
      float zp = 0.0f;
      if (p->has_zp)
        zp = p->dtype == TNN_DT_I8 ? (float)((const int8_t *)in[2])[c]
                                   : (float)((const uint8_t *)in[2])[c];
      /* one branch-free loop per output type (vectorizable) */
      if (p->dtype == TNN_DT_I8) {
        int8_t *y = (int8_t *)out[0] + i;
        for (int64_t k = 0; k < p->inner; k++) {
          float v = tnn_round_half_even(x[i + k] / sc) + zp;
          v = v != v ? zp : v;
          v = v < lo ? lo : v > hi ? hi : v;
          y[k] = (int8_t)(int)v;
        }
      } else {
        uint8_t *y = (uint8_t *)out[0] + i;
        for (int64_t k = 0; k < p->inner; k++) {
          float v = tnn_round_half_even(x[i + k] / sc) + zp;
          v = v != v ? zp : v;
          v = v < lo ? lo : v > hi ? hi : v;
          y[k] = (uint8_t)(int)v;
        }
      }
      i += p->inner;
    }
  return TNN_OK;
}

/* MultiThreshold (FINN/QONNX): y = bias + scale * #{j : x >= thr[c][j]}. */
TNN_INLINE int tnn_f32_multithreshold(const void *vp, const void *const *in,
                                      void *const *out) {
  const tnn_mthr_params *p = (const tnn_mthr_params *)vp;
  const float *x = (const float *)in[0], *thr = (const float *)in[1];
  float *y = (float *)out[0];
  const float scale = (float)p->scale, bias = (float)p->bias;
  int64_t i = 0;
  for (int64_t o = 0; o < p->outer; o++)
    for (int64_t c = 0; c < p->c; c++) {
      const float *tc = thr + (p->global ? 0 : c * p->t);
      for (int64_t k = 0; k < p->inner; k++, i++) {
        int64_t cnt = 0;
        for (int64_t j = 0; j < p->t; j++) cnt += x[i] >= tc[j];
        y[i] = bias + scale * (float)cnt;
      }
    }
  return TNN_OK;
}

#define TNN_KERNELS_QUANT(K)                                                  \
  K(f32_quant, quant) K(x_dequantize, dequant)                                \
  K(f32_quantize_linear, dequant)                                             \
  K(f32_multithreshold, mthr)

#endif
