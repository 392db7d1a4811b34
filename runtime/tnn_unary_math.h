/* tnn runtime: elementwise math beyond tnn_elementwise.h (logarithm,
 * rounding, trigonometric and hyperbolic functions, Erf and the smooth
 * activations, NaN/Inf tests), float32, tnn_unary_params.
 *
 * alpha/beta carry the op's attributes: Elu/Celu/ThresholdedRelu alpha,
 * Selu alpha and gamma (beta), HardSwish none, Shrink lambd and bias
 * (beta), Gelu approximate (alpha 1: tanh), IsInf detect_negative (alpha)
 * and detect_positive (beta). */
#ifndef TNN_UNARY_MATH_H
#define TNN_UNARY_MATH_H

#include "tnn_elementwise.h"


/* softplus(v) = log(1 + e^v) without overflow for large v. */
TNN_INLINE float tnn_softplusf(float v) {
  return v > 0 ? v + log1pf(expf(-v)) : log1pf(expf(v));
}

/* Gelu: 0.5 v (1 + erf(v / sqrt 2)), or with approximate = "tanh"
 * 0.5 v (1 + tanh(sqrt(2 / pi) (v + 0.044715 v^3))). */
TNN_INLINE float tnn_geluf(float v, float approx) {
  if (approx != 0)
    return 0.5f * v *
           (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
  return 0.5f * v * (1.0f + erff(v * 0.7071067811865476f));
}

TNN_UNARY(f32, float, log, logf(v))
TNN_UNARY(f32, float, ceil, ceilf(v))
TNN_UNARY(f32, float, reciprocal, 1.0f / v)
TNN_UNARY(f32, float, sin, sinf(v))
TNN_UNARY(f32, float, cos, cosf(v))
TNN_UNARY(f32, float, tan, tanf(v))
TNN_UNARY(f32, float, asin, asinf(v))
TNN_UNARY(f32, float, acos, acosf(v))
TNN_UNARY(f32, float, atan, atanf(v))
TNN_UNARY(f32, float, sinh, sinhf(v))
TNN_UNARY(f32, float, cosh, coshf(v))
TNN_UNARY(f32, float, asinh, asinhf(v))
TNN_UNARY(f32, float, acosh, acoshf(v))
TNN_UNARY(f32, float, atanh, atanhf(v))
TNN_UNARY(f32, float, erf, erff(v))
TNN_UNARY(f32, float, softplus, tnn_softplusf(v))
TNN_UNARY(f32, float, softsign, v / (1.0f + fabsf(v)))
TNN_UNARY(f32, float, elu, v < 0 ? alpha * (expf(v) - 1.0f) : v)
TNN_UNARY(f32, float, selu, v > 0 ? beta * v : beta * (alpha * expf(v) - alpha))
TNN_UNARY(f32, float, celu,
          fmaxf(0.0f, v) + fminf(0.0f, alpha * (expf(v / alpha) - 1.0f)))
TNN_UNARY(f32, float, thresholded_relu, v > alpha ? v : 0.0f)
TNN_UNARY(f32, float, hard_swish,
          v * fmaxf(0.0f, fminf(1.0f, v * (1.0f / 6.0f) + 0.5f)))
TNN_UNARY(f32, float, shrink,
          v < -alpha ? v + beta : (v > alpha ? v - beta : 0.0f))
TNN_UNARY(f32, float, gelu, tnn_geluf(v, alpha))

/* Float tests with a bool result. */
#define TNN_UNARY_TEST(op, expr)                                              \
  TNN_INLINE int tnn_f32_##op(const void *vp, const void *const *in,          \
                              void *const *out) {                             \
    const tnn_unary_params *p = (const tnn_unary_params *)vp;                 \
    const float *x = (const float *)in[0];                                    \
    uint8_t *y = (uint8_t *)out[0];                                           \
    for (int64_t i = 0; i < p->n; i++) {                                      \
      const float v = x[i];                                                   \
      y[i] = (uint8_t)(expr);                                                 \
    }                                                                         \
    return TNN_OK;                                                            \
  }
TNN_UNARY_TEST(isnan, v != v)
TNN_UNARY_TEST(isinf, (v == INFINITY && p->beta != 0) ||
                          (v == -INFINITY && p->alpha != 0))

#define TNN_KERNELS_UNARY_MATH(K)                                             \
  K(f32_log, unary) K(f32_ceil, unary) K(f32_reciprocal, unary)               \
  K(f32_sin, unary) K(f32_cos, unary) K(f32_tan, unary) K(f32_asin, unary)    \
  K(f32_acos, unary) K(f32_atan, unary) K(f32_sinh, unary)                    \
  K(f32_cosh, unary) K(f32_asinh, unary) K(f32_acosh, unary)                  \
  K(f32_atanh, unary) K(f32_erf, unary) K(f32_softplus, unary)                \
  K(f32_softsign, unary) K(f32_elu, unary) K(f32_selu, unary)                 \
  K(f32_celu, unary) K(f32_thresholded_relu, unary) K(f32_hard_swish, unary)  \
  K(f32_shrink, unary) K(f32_gelu, unary) K(f32_isnan, unary)                 \
  K(f32_isinf, unary)

#endif /* TNN_UNARY_MATH_H */
