/* tnn runtime: float16 and bfloat16 conversions (a helper, no kernels),
 * for Cast, Pad's fill and the float16 / bfloat16 binary kernels.
 *
 * float16 (1-5-10, bias 15) and bfloat16 (1-8-7, bias 127) are stored as
 * their bit patterns in uint16_t.  Widening is exact.  Narrowing rounds a
 * double (a float widens to it exactly) once, to nearest with ties to even,
 * as numpy's astype and onnxruntime's MLFloat16 / BFloat16 do from float:
 * with m mantissa bits and e_min = 1 - bias, a value of binary exponent e
 * keeps its top m + 1 significant bits (fewer below e_min: the subnormals),
 * the dropped bits decide the rounding, and a carry may move it to the
 * next binade or to infinity.  Overflow gives infinity; NaN stays NaN (its
 * top payload bits kept, quiet bit set when they are all zero), infinities
 * and signed zeros are kept. */
#ifndef TNN_HALF_H
#define TNN_HALF_H

TNN_INLINE uint16_t tnn_f64_to_half_bits(double d, int mbits, int bias) {
  uint64_t b;
  memcpy(&b, &d, 8);
  const uint16_t sign = (uint16_t)((b >> 48) & 0x8000u);
  const uint64_t ab = b & 0x7fffffffffffffffu;
  const uint32_t inf = (uint32_t)(2 * bias + 1) << mbits;
  if (ab >= 0x7ff0000000000000u) {
    uint32_t pl = 0;
    if (ab > 0x7ff0000000000000u) {
      pl = (uint32_t)((ab >> (52 - mbits)) & ((1u << mbits) - 1));
      if (!pl) pl = 1u << (mbits - 1);
    }
    return (uint16_t)(sign | inf | pl);
  }
  const int e = (int)(ab >> 52) - 1023, emin = 1 - bias;
  if (e > bias) return (uint16_t)(sign | inf);
  if (e < emin - mbits - 1) return sign;        /* below half the least */
  const uint64_t m = (ab & 0xfffffffffffffu) | (UINT64_C(1) << 52);
  const int shift = 52 - mbits + (e < emin ? emin - e : 0);  /* <= 53 */
  uint64_t q = m >> shift;
  const uint64_t rem = m & ((UINT64_C(1) << shift) - 1);
  const uint64_t half = UINT64_C(1) << (shift - 1);
  if (rem > half || (rem == half && (q & 1))) q++;
  if (e < emin) return (uint16_t)(sign | q);   /* q = 2^mbits: least normal */
  uint32_t h = ((uint32_t)(e + bias) << mbits) + (uint32_t)(q - (UINT64_C(1) << mbits));
  return (uint16_t)(sign | (h > inf ? inf : h));
}
TNN_INLINE uint16_t tnn_f64_to_f16(double d) { return tnn_f64_to_half_bits(d, 10, 15); }
TNN_INLINE uint16_t tnn_f64_to_bf16(double d) { return tnn_f64_to_half_bits(d, 7, 127); }
TNN_INLINE uint16_t tnn_f32_to_f16(float f) { return tnn_f64_to_f16(f); }
TNN_INLINE uint16_t tnn_f32_to_bf16(float f) { return tnn_f64_to_bf16(f); }

TNN_INLINE float tnn_f16_to_f32(uint16_t h) {
  const uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t e = (h >> 10) & 0x1f, m = h & 0x3ffu, b;
  if (e == 31) b = sign | 0x7f800000u | (m << 13);
  else if (e) b = sign | ((e + 112) << 23) | (m << 13);
  else if (!m) b = sign;
  else {                       /* subnormal: normalize */
    e = 113;
    while (!(m & 0x400u)) m <<= 1, e--;
    b = sign | (e << 23) | ((m & 0x3ffu) << 13);
  }
  float f;
  memcpy(&f, &b, 4);
  return f;
}
TNN_INLINE float tnn_bf16_to_f32(uint16_t h) {
  const uint32_t b = (uint32_t)h << 16;
  float f;
  memcpy(&f, &b, 4);
  return f;
}

#endif
