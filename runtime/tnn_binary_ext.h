/* tnn runtime: more broadcasting binary kernels (tnn_bcast_params, the
 * TNN_BINARY walker of tnn_elementwise.h): Mod, Xor and the double
 * arithmetic (Add, Sub, Mul, Div, Pow, Min and Max propagating NaN, the
 * comparisons, fmod; Mean is an Add chain and a Mul by 1 / count), and
 * int8 / uint8 arithmetic.
 *
 * Mod with fmod = 0 (integers only) is Python's: the result takes the
 * divisor's sign; fmod = 1 is C's fmod / %, the dividend's sign.  x mod 0
 * gives 0 for integers (no trap) and NaN for floats (fmodf). */
#ifndef TNN_BINARY_EXT_H
#define TNN_BINARY_EXT_H

#include "tnn_elementwise.h"


TNN_INLINE int64_t tnn_i64_mods(int64_t a, int64_t b) {
  if (b == 0 || b == -1) return 0;
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

TNN_INLINE int64_t tnn_i64_fmods(int64_t a, int64_t b) {
  if (b == 0 || b == -1) return 0;
  return a % b;
}

TNN_BINARY(f32, float, float, fmod, fmodf(a, b))
TNN_BINARY(i64, int64_t, int64_t, mod, tnn_i64_mods(a, b))
TNN_BINARY(i64, int64_t, int64_t, fmod, tnn_i64_fmods(a, b))
TNN_BINARY(i32, int32_t, int32_t, mod, (int32_t)tnn_i64_mods(a, b))
TNN_BINARY(i32, int32_t, int32_t, fmod, (int32_t)tnn_i64_fmods(a, b))
TNN_BINARY(b8, uint8_t, uint8_t, xor, (a != 0) != (b != 0))

/* int8 and uint8: the TNN_BINARY_ARITH set wrapping through uint64_t, Div
 * (x / 0 gives 0, INT8_MIN / -1 wraps), Mod (Python's sign rule for int8;
 * uint8's two modes agree). */
TNN_BINARY_ARITH(i8, int8_t)
TNN_BINARY(i8, int8_t, int8_t, div, (int8_t)tnn_i64_divs(a, b))
TNN_BINARY(i8, int8_t, int8_t, mod, (int8_t)tnn_i64_mods(a, b))
TNN_BINARY(i8, int8_t, int8_t, fmod, (int8_t)tnn_i64_fmods(a, b))
TNN_BINARY_ARITH(u8, uint8_t)
TNN_BINARY(u8, uint8_t, uint8_t, div, b == 0 ? 0 : a / b)
TNN_BINARY(u8, uint8_t, uint8_t, mod, b == 0 ? 0 : a % b)

TNN_BINARY(f64, double, double, add, a + b)
TNN_BINARY(f64, double, double, sub, a - b)
TNN_BINARY(f64, double, double, mul, a * b)
TNN_BINARY(f64, double, double, div, a / b)
TNN_BINARY(f64, double, double, pow, pow(a, b))
TNN_BINARY(f64, double, double, fmin,
           (a != a || b != b) ? a + b : (a < b ? a : b))
TNN_BINARY(f64, double, double, fmax,
           (a != a || b != b) ? a + b : (a > b ? a : b))
TNN_BINARY(f64, double, double, fmod, fmod(a, b))
TNN_BINARY(f64, double, uint8_t, greater, a > b)
TNN_BINARY(f64, double, uint8_t, greater_equal, a >= b)
TNN_BINARY(f64, double, uint8_t, less, a < b)
TNN_BINARY(f64, double, uint8_t, less_equal, a <= b)
TNN_BINARY(f64, double, uint8_t, equal, a == b)

/* float16 and bfloat16 (their bits in uint16_t): Min, Max and fmod computed
 * in float and rounded back (exact: the result is an operand, NaN, or an
 * fmod remainder, representable in the operands' type), as onnxruntime
 * computes MLFloat16 / BFloat16. */
#define TNN_BINARY_HALF(T)                                                    \
  TNN_BINARY(T, uint16_t, uint16_t, fmin,                                     \
             tnn_f32_to_##T(tnn_half_fmin(tnn_##T##_to_f32(a),                 \
                                          tnn_##T##_to_f32(b))))               \
  TNN_BINARY(T, uint16_t, uint16_t, fmax,                                     \
             tnn_f32_to_##T(tnn_half_fmax(tnn_##T##_to_f32(a),                 \
                                          tnn_##T##_to_f32(b))))               \
  TNN_BINARY(T, uint16_t, uint16_t, fmod,                                     \
             tnn_f32_to_##T(fmodf(tnn_##T##_to_f32(a), tnn_##T##_to_f32(b))))
TNN_INLINE float tnn_half_fmin(float a, float b) {
  return (a != a || b != b) ? a + b : (a < b ? a : b);
}
TNN_INLINE float tnn_half_fmax(float a, float b) {
  return (a != a || b != b) ? a + b : (a > b ? a : b);
}
TNN_BINARY_HALF(f16)
TNN_BINARY_HALF(bf16)
#define TNN_KERNELS_BINARY_HALF(K)                                            \
  K(f16_fmin, bcast) K(f16_fmax, bcast) K(f16_fmod, bcast) K(bf16_fmin, bcast) \
  K(bf16_fmax, bcast) K(bf16_fmod, bcast)

#define TNN_KERNELS_BINARY_EXT(K)                                             \
  K(f32_fmod, bcast) K(i64_mod, bcast) K(i64_fmod, bcast) K(i32_mod, bcast)   \
  K(i32_fmod, bcast) K(b8_xor, bcast) K(f64_add, bcast) K(f64_sub, bcast)    \
  K(f64_mul, bcast) K(f64_div, bcast) K(f64_pow, bcast) K(f64_fmin, bcast)    \
  K(f64_fmax, bcast) K(f64_fmod, bcast) K(f64_greater, bcast)                 \
  K(f64_greater_equal, bcast) K(f64_less, bcast) K(f64_less_equal, bcast)     \
  K(f64_equal, bcast) TNN_KERNELS_BINARY_ARITH(K, i8) K(i8_div, bcast)        \
  K(i8_mod, bcast) K(i8_fmod, bcast) TNN_KERNELS_BINARY_ARITH(K, u8)          \
  K(u8_div, bcast) K(u8_mod, bcast) TNN_KERNELS_BINARY_HALF(K)

#endif /* TNN_BINARY_EXT_H */
