/* tnn runtime: binary and ternary weights times float activations.
 *
 * Weights W[m][k] = scale[m] * t[m][k], t in {-1, 0, +1}, are stored packed
 * over the whole tensor, rows per output channel one after the other with
 * no padding (element i = m*K + k), so a layer costs its ideal size rounded
 * up to one byte:
 *   TNN_BW_BINARY   1 bit per weight, bit set = +1, clear = -1;
 *   TNN_BW_TERNARY  2 bits: a nonzero plane then a sign plane (set = -1),
 *                   each ceil(M*K/8) bytes;
 *   TNN_BW_BASE3    5 weights per byte, byte = sum (t_j + 1) * 3^j.
 * Bits are LSB first within a byte.
 *
 * The kernels add or subtract activations and never multiply by a weight:
 * per group of lanes a weight's nonzero bit keeps or clears the activation
 * (AND with a mask) and its sign bit flips it (XOR of the float sign), then
 * the lanes are added; AVX-512 does the same with mask registers
 * (masked add and masked subtract).  The epilogue applies the channel's
 * scale and bias: y = acc * scale[m] + bias[m], clamped to [lo, hi].
 *
 * Variants: tnn_bw_dot_ref (scalar reference, always compiled), AVX2
 * (__AVX2__), AVX-512 (__AVX512F__ and __AVX512BW__), NEON (__ARM_NEON);
 * tnn_bw_dot dispatches to the best one compiled in, unless TNN_NO_SIMD is
 * defined.  base-3 rows are decoded to the two-plane form in blocks. */

#define TNN_BW_BINARY 1
#define TNN_BW_TERNARY 2
#define TNN_BW_BASE3 3

#include "tnn_isa.h"

/* ---------------------------------------------------------------- packing */

/* Packed bytes of n weights in a format. */
TNN_INLINE int64_t tnn_bw_bytes(int64_t format, int64_t n) {
  if (format == TNN_BW_BINARY) return (n + 7) / 8;
  if (format == TNN_BW_TERNARY) return 2 * ((n + 7) / 8);
  return (n + 4) / 5;
}

/* t[n] in {-1,0,1} -> out[tnn_bw_bytes(format, n)] (binary: 0 packs as -1;
 * callers pass no zeros). */
TNN_INLINE void tnn_bw_pack(int64_t format, const int8_t *t, int64_t n,
                            uint8_t *out) {
  int64_t nb = tnn_bw_bytes(format, n);
  memset(out, 0, (size_t)nb);
  if (format == TNN_BW_BASE3) {
    for (int64_t j = 0; j < nb; j++) {
      int v = 0;
      for (int d = 4; d >= 0; d--) {
        int64_t i = 5 * j + d;
        v = v * 3 + (i < n ? t[i] + 1 : 1);
      }
      out[j] = (uint8_t)v;
    }
    return;
  }
  int64_t plane = (n + 7) / 8;
  for (int64_t i = 0; i < n; i++) {
    uint8_t bit = (uint8_t)(1u << (i & 7));
    if (format == TNN_BW_BINARY) {
      if (t[i] > 0) out[i >> 3] |= bit;
    } else {
      if (t[i]) out[i >> 3] |= bit;
      if (t[i] < 0) out[plane + (i >> 3)] |= bit;
    }
  }
}

/* Weight i of a packed stream of n weights. */
TNN_INLINE int tnn_bw_get(int64_t format, const uint8_t *w, int64_t n,
                          int64_t i) {
  if (format == TNN_BW_BASE3) {
    int v = w[i / 5];
    for (int64_t d = i % 5; d > 0; d--) v /= 3;
    return v % 3 - 1;
  }
  int bit = (w[i >> 3] >> (i & 7)) & 1;
  if (format == TNN_BW_BINARY) return bit ? 1 : -1;
  if (!bit) return 0;
  return (w[(n + 7) / 8 + (i >> 3)] >> (i & 7)) & 1 ? -1 : 1;
}

TNN_INLINE void tnn_bw_unpack(int64_t format, const uint8_t *w, int64_t n,
                              int8_t *t) {
  for (int64_t i = 0; i < n; i++) t[i] = (int8_t)tnn_bw_get(format, w, n, i);
}

/* 32 bits of a bit plane starting at bit `pos` (bytes beyond `nbytes` read
 * as zero). */
TNN_INLINE uint32_t tnn_bw_bits32(const uint8_t *p, int64_t nbytes,
                                  int64_t pos) {
  int64_t b = pos >> 3;
  uint64_t v = 0;
  for (int j = 0; j < 5; j++)
    if (b + j < nbytes) v |= (uint64_t)p[b + j] << (8 * j);
  return (uint32_t)(v >> (pos & 7));
}

/* ------------------------------------------------------------- the dot */

/* A row as two bit planes at bit offset `off`: nz (nonzero) and sg (set =
 * -1), each of `nbytes` bytes; binary rows have nz = NULL (all nonzero) and
 * sg = the inverted sense (set = +1), flagged by `binary`. */
typedef struct {
  const uint8_t *nz, *sg;
  int64_t nbytes, off;
  int binary;
} tnn_bw_row;

/* sum_k t[k] * x[k] by adds and subtracts (scalar reference). */
TNN_INLINE float tnn_bw_dot_ref(const tnn_bw_row *r, const float *x,
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

#if defined(TNN_BW_AVX512)
TNN_INLINE float tnn_bw_dot_simd(const tnn_bw_row *r, const float *x,
                                 int64_t k) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  int64_t j = 0;
  for (; j + 32 <= k; j += 32) {
    uint32_t s = tnn_bw_bits32(r->sg, r->nbytes, r->off + j);
    uint32_t z = r->binary ? 0xffffffffu : tnn_bw_bits32(r->nz, r->nbytes, r->off + j);
    uint32_t add = r->binary ? s : z & ~s, sub = r->binary ? ~s : z & s;
    __m512 x0 = _mm512_loadu_ps(x + j), x1 = _mm512_loadu_ps(x + j + 16);
    acc0 = _mm512_mask_add_ps(acc0, (__mmask16)add, acc0, x0);
    acc0 = _mm512_mask_sub_ps(acc0, (__mmask16)sub, acc0, x0);
    acc1 = _mm512_mask_add_ps(acc1, (__mmask16)(add >> 16), acc1, x1);
    acc1 = _mm512_mask_sub_ps(acc1, (__mmask16)(sub >> 16), acc1, x1);
  }
  if (j < k) {                                  /* tail: masked loads */
    uint32_t s = tnn_bw_bits32(r->sg, r->nbytes, r->off + j);
    uint32_t z = r->binary ? 0xffffffffu : tnn_bw_bits32(r->nz, r->nbytes, r->off + j);
    uint32_t live = k - j >= 32 ? 0xffffffffu : ((uint32_t)1 << (k - j)) - 1;
    uint32_t add = (r->binary ? s : z & ~s) & live;
    uint32_t sub = (r->binary ? ~s : z & s) & live;
    __m512 x0 = _mm512_maskz_loadu_ps((__mmask16)live, x + j);
    __m512 x1 = _mm512_maskz_loadu_ps((__mmask16)(live >> 16), x + j + 16);
    acc0 = _mm512_mask_add_ps(acc0, (__mmask16)add, acc0, x0);
    acc0 = _mm512_mask_sub_ps(acc0, (__mmask16)sub, acc0, x0);
    acc1 = _mm512_mask_add_ps(acc1, (__mmask16)(add >> 16), acc1, x1);
    acc1 = _mm512_mask_sub_ps(acc1, (__mmask16)(sub >> 16), acc1, x1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}
#elif defined(TNN_BW_AVX2)
/* 8 bits -> 8 lanes of all-ones / zero */
TNN_INLINE __m256 tnn_bw_mask8(uint32_t bits) {
  const __m256i sel = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  __m256i b = _mm256_and_si256(_mm256_set1_epi32((int)bits), sel);
  return _mm256_castsi256_ps(_mm256_cmpeq_epi32(b, sel));
}

TNN_INLINE float tnn_bw_dot_simd(const tnn_bw_row *r, const float *x,
                                 int64_t k) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t j = 0;
  for (; j + 16 <= k; j += 16) {
    uint32_t s = tnn_bw_bits32(r->sg, r->nbytes, r->off + j);
    __m256 x0 = _mm256_loadu_ps(x + j), x1 = _mm256_loadu_ps(x + j + 8);
    /* binary: flip where the bit is clear; ternary: keep where nonzero,
     * flip where the sign bit is set */
    uint32_t flip = r->binary ? ~s : s;
    x0 = _mm256_xor_ps(x0, _mm256_and_ps(tnn_bw_mask8(flip & 255), sign));
    x1 = _mm256_xor_ps(x1, _mm256_and_ps(tnn_bw_mask8((flip >> 8) & 255), sign));
    if (!r->binary) {
      uint32_t z = tnn_bw_bits32(r->nz, r->nbytes, r->off + j);
      x0 = _mm256_and_ps(x0, tnn_bw_mask8(z & 255));
      x1 = _mm256_and_ps(x1, tnn_bw_mask8((z >> 8) & 255));
    }
    acc0 = _mm256_add_ps(acc0, x0);
    acc1 = _mm256_add_ps(acc1, x1);
  }
  __m256 acc = _mm256_add_ps(acc0, acc1);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
  float total = _mm_cvtss_f32(h);
  if (j < k) {
    tnn_bw_row t = *r;
    t.off = r->off + j;
    total += tnn_bw_dot_ref(&t, x + j, k - j);
  }
  return total;
}
#elif defined(TNN_BW_NEON)
TNN_INLINE uint32x4_t tnn_bw_mask4(uint32_t bits) {
  const uint32_t selv[4] = {1, 2, 4, 8};
  uint32x4_t sel = vld1q_u32(selv);
  return vceqq_u32(vandq_u32(vdupq_n_u32(bits), sel), sel);
}

TNN_INLINE float tnn_bw_dot_simd(const tnn_bw_row *r, const float *x,
                                 int64_t k) {
  const uint32x4_t sign = vdupq_n_u32(0x80000000u);
  float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);
  int64_t j = 0;
  for (; j + 8 <= k; j += 8) {
    uint32_t s = tnn_bw_bits32(r->sg, r->nbytes, r->off + j);
    uint32_t flip = r->binary ? ~s : s;
    uint32x4_t x0 = vreinterpretq_u32_f32(vld1q_f32(x + j));
    uint32x4_t x1 = vreinterpretq_u32_f32(vld1q_f32(x + j + 4));
    x0 = veorq_u32(x0, vandq_u32(tnn_bw_mask4(flip & 15), sign));
    x1 = veorq_u32(x1, vandq_u32(tnn_bw_mask4((flip >> 4) & 15), sign));
    if (!r->binary) {
      uint32_t z = tnn_bw_bits32(r->nz, r->nbytes, r->off + j);
      x0 = vandq_u32(x0, tnn_bw_mask4(z & 15));
      x1 = vandq_u32(x1, tnn_bw_mask4((z >> 4) & 15));
    }
    acc0 = vaddq_f32(acc0, vreinterpretq_f32_u32(x0));
    acc1 = vaddq_f32(acc1, vreinterpretq_f32_u32(x1));
  }
  float32x4_t acc = vaddq_f32(acc0, acc1);
  float lanes[4];
  vst1q_f32(lanes, acc);
  float total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  if (j < k) {
    tnn_bw_row t = *r;
    t.off = r->off + j;
    total += tnn_bw_dot_ref(&t, x + j, k - j);
  }
  return total;
}
#endif

TNN_INLINE float tnn_bw_dot(const tnn_bw_row *r, const float *x, int64_t k) {
#if defined(TNN_BW_AVX512) || defined(TNN_BW_AVX2) || defined(TNN_BW_NEON)
  return tnn_bw_dot_simd(r, x, k);
#else
  return tnn_bw_dot_ref(r, x, k);
#endif
}

/* Rows m0..m0+rows-1 of a packed tensor of n weights as planes.  base-3
 * rows are decoded into buf (two planes of `cap` bytes each). */
TNN_INLINE void tnn_bw_rows(int64_t format, const uint8_t *w, int64_t n,
                            int64_t k, int64_t m0, int64_t rows, uint8_t *buf,
                            int64_t cap, tnn_bw_row *r) {
  if (format == TNN_BW_BASE3) {
    memset(buf, 0, (size_t)(2 * cap));
    for (int64_t i = 0; i < rows * k; i++) {
      int t = tnn_bw_get(format, w, n, m0 * k + i);
      if (t) buf[i >> 3] |= (uint8_t)(1u << (i & 7));
      if (t < 0) buf[cap + (i >> 3)] |= (uint8_t)(1u << (i & 7));
    }
    r->nz = buf;
    r->sg = buf + cap;
    r->nbytes = cap;
    r->off = 0;
    r->binary = 0;
    return;
  }
  int64_t plane = (n + 7) / 8;
  r->binary = format == TNN_BW_BINARY;
  r->nz = r->binary ? NULL : w;
  r->sg = r->binary ? w : w + plane;
  r->nbytes = plane;
  r->off = m0 * k;
}

/* Rows decoded per block for base-3 weights (buffer 2 * TNN_BW_B3BYTES),
 * and the largest conv receptive field (C/group * kh * kw) gathered on the
 * stack; tnnc keeps layers beyond these in float. */
#define TNN_BW_B3BYTES 2048
#define TNN_BW_MAX_PATCH 8192

/* ------------------------------------------------------------- layers */

/* Fully connected: y[i][m] = epi(sum_k t[m][k] x[i][k]), x [n][k]. */
TNN_INLINE int tnn_f32_bwfc(const void *vp, const void *const *in,
                            void *const *out) {
  const tnn_bwfc_params *p = (const tnn_bwfc_params *)vp;
  const float *x = (const float *)in[0];
  const uint8_t *w = (const uint8_t *)in[1];
  const float *scale = (const float *)in[2], *bias = (const float *)in[3];
  float *y = (float *)out[0];
  const float lo = (float)p->lo, hi = (float)p->hi;
  const int64_t n = p->m * p->k;
  uint8_t buf[2 * TNN_BW_B3BYTES];
  if (p->format == TNN_BW_BASE3 && p->k > TNN_BW_B3BYTES * 8) return TNN_E_ARG;
  int64_t block = p->format == TNN_BW_BASE3 ? (TNN_BW_B3BYTES * 8) / p->k : p->m;
  if (block < 1) block = 1;
  for (int64_t m0 = 0; m0 < p->m; m0 += block) {
    int64_t rows = p->m - m0 < block ? p->m - m0 : block;
    tnn_bw_row base;
    tnn_bw_rows(p->format, w, n, p->k, m0, rows, buf, TNN_BW_B3BYTES, &base);
    for (int64_t r = 0; r < rows; r++) {
      tnn_bw_row row = base;
      row.off = base.off + r * p->k;
      const int64_t m = m0 + r;
      for (int64_t i = 0; i < p->n; i++) {
        float v = tnn_bw_dot(&row, x + i * p->k, p->k) * scale[m] + bias[m];
        y[i * p->m + m] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  }
  return TNN_OK;
}

/* 2-D convolution, NCHW, groups, strides, pads (zero), dilations.  Each
 * output pixel's receptive field is gathered once into a patch (zeros for
 * padding), then every output channel of the group is one packed row
 * against it. */
TNN_INLINE int tnn_f32_bwconv(const void *vp, const void *const *in,
                              void *const *out) {
  const tnn_bwconv_params *p = (const tnn_bwconv_params *)vp;
  const float *x = (const float *)in[0];
  const uint8_t *w = (const uint8_t *)in[1];
  const float *scale = (const float *)in[2], *bias = (const float *)in[3];
  float *y = (float *)out[0];
  const float lo = (float)p->lo, hi = (float)p->hi;
  const int64_t cg = p->c / p->group, mg = p->m / p->group;
  const int64_t k = cg * p->kh * p->kw, n = p->m * k;
  const int64_t ohw = p->oh * p->ow;
  float patch[TNN_BW_MAX_PATCH];
  uint8_t buf[2 * TNN_BW_B3BYTES];
  if (k > TNN_BW_MAX_PATCH) return TNN_E_ARG;
  if (p->format == TNN_BW_BASE3 && k > TNN_BW_B3BYTES * 8) return TNN_E_ARG;
  for (int64_t b = 0; b < p->n; b++)
    for (int64_t g = 0; g < p->group; g++) {
      const float *xg = x + (b * p->c + g * cg) * p->h * p->w;
      int64_t block = p->format == TNN_BW_BASE3 ? (TNN_BW_B3BYTES * 8) / k : mg;
      if (block < 1) block = 1;
      for (int64_t m0 = 0; m0 < mg; m0 += block) {
        int64_t rows = mg - m0 < block ? mg - m0 : block;
        tnn_bw_row base;
        tnn_bw_rows(p->format, w, n, k, g * mg + m0, rows, buf, TNN_BW_B3BYTES,
                    &base);
        for (int64_t oy = 0; oy < p->oh; oy++)
          for (int64_t ox = 0; ox < p->ow; ox++) {
            float *pp = patch;
            for (int64_t c = 0; c < cg; c++)
              for (int64_t ky = 0; ky < p->kh; ky++) {
                const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
                for (int64_t kx = 0; kx < p->kw; kx++) {
                  const int64_t ix = ox * p->sw - p->pl + kx * p->dw;
                  *pp++ = iy >= 0 && iy < p->h && ix >= 0 && ix < p->w
                              ? xg[(c * p->h + iy) * p->w + ix] : 0.0f;
                }
              }
            for (int64_t r = 0; r < rows; r++) {
              tnn_bw_row row = base;
              row.off = base.off + r * k;
              const int64_t m = g * mg + m0 + r;
              float v = tnn_bw_dot(&row, patch, k) * scale[m] + bias[m];
              y[(b * p->m + m) * ohw + oy * p->ow + ox] =
                  v < lo ? lo : v > hi ? hi : v;
            }
          }
      }
    }
  return TNN_OK;
}

/* The same convolution (group 1) with the weights laid out for SIMD:
 * per block of 16 output channels, per tap (c, ky, kx) in order, 16-bit
 * lane masks stored as two bytes, low byte first: binary one mask (bit
 * set = +1), ternary two (nonzero, then negative), channels beyond m zero.  Sixteen output channels and eight
 * pixels of a row at a time: each input value is added to the lanes whose
 * weight is +1 and subtracted from those whose weight is -1 (AVX-512:
 * masked add and masked subtract; no multiplication by a weight). */
#define TNN_BWMB 16
#define TNN_BWPX 8

/* Bytes of the lane-mask layout. */
TNN_INLINE int64_t tnn_bw_mb_bytes(int64_t format, int64_t m, int64_t ck) {
  return (m + TNN_BWMB - 1) / TNN_BWMB * ck * (format == TNN_BW_BINARY ? 2 : 4);
}

/* t[m][c*kh*kw] -> the lane masks above. */
TNN_INLINE void tnn_bw_mb_layout(int64_t format, const int8_t *t, int64_t m,
                                 int64_t ck, uint8_t *out) {
  const int64_t planes = format == TNN_BW_BINARY ? 1 : 2;
  memset(out, 0, (size_t)tnn_bw_mb_bytes(format, m, ck));
  for (int64_t o = 0; o < m; o++)
    for (int64_t i = 0; i < ck; i++) {
      uint8_t *e = out + ((o / TNN_BWMB) * ck + i) * planes * 2;
      const int l = (int)(o % TNN_BWMB);
      const uint8_t bit = (uint8_t)(1u << (l % 8));
      const int v = t[o * ck + i];
      if (planes == 1) {
        if (v > 0) e[l / 8] |= bit;
      } else {
        if (v) e[l / 8] |= bit;
        if (v < 0) e[2 + l / 8] |= bit;
      }
    }
}

/* The lanes of tap entry e whose weight is +1 (*pos) and -1 (*neg). */
TNN_INLINE void tnn_bw_mb_masks(const uint8_t *e, int64_t planes, unsigned *pos,
                                unsigned *neg) {
  const unsigned all = (1u << TNN_BWMB) - 1;
  const unsigned m0 = (unsigned)e[0] | (unsigned)e[1] << 8;
  const unsigned m1 = planes == 1 ? 0u : ((unsigned)e[2] | (unsigned)e[3] << 8);
  *pos = planes == 1 ? m0 : (m0 & ~m1 & all);
  *neg = planes == 1 ? (~m0 & all) : m1;
}

/* acc[l] += x where lane l's weight is +1, -= x where it is -1 */
TNN_INLINE void tnn_bw_mb_step(float *acc, float xv, unsigned pos, unsigned neg) {
#if defined(TNN_BW_AVX512)
  __m512 a = _mm512_loadu_ps(acc);
  const __m512 xb = _mm512_set1_ps(xv);
  a = _mm512_mask_add_ps(a, (__mmask16)pos, a, xb);
  a = _mm512_mask_sub_ps(a, (__mmask16)neg, a, xb);
  _mm512_storeu_ps(acc, a);
#else
  for (int l = 0; l < TNN_BWMB; l++) {
    if (pos >> l & 1u) acc[l] += xv;
    if (neg >> l & 1u) acc[l] -= xv;
  }
#endif
}

TNN_INLINE int tnn_f32_bwconv_mb(const void *vp, const void *const *in,
                                 void *const *out) {
  const tnn_bwconv_params *p = (const tnn_bwconv_params *)vp;
  const float *x = (const float *)in[0];
  const uint8_t *w = (const uint8_t *)in[1];
  const float *scale = (const float *)in[2], *bias = (const float *)in[3];
  float *y = (float *)out[0];
  const float lo = (float)p->lo, hi = (float)p->hi;
  const int64_t planes = p->format == TNN_BW_BINARY ? 1 : 2;
  const int64_t ksz = p->kh * p->kw, ck = p->c * ksz, ohw = p->oh * p->ow;
  for (int64_t nb = 0; nb < p->n; nb++)
    for (int64_t m0 = 0; m0 < p->m; m0 += TNN_BWMB) {
      const uint8_t *wb = w + (m0 / TNN_BWMB) * ck * planes * 2;
      const int64_t nm = p->m - m0 < TNN_BWMB ? p->m - m0 : TNN_BWMB;
      for (int64_t oy = 0; oy < p->oh; oy++)
        for (int64_t ox0 = 0; ox0 < p->ow; ox0 += TNN_BWPX) {
          const int64_t np = p->ow - ox0 < TNN_BWPX ? p->ow - ox0 : TNN_BWPX;
          float acc[TNN_BWPX][TNN_BWMB];
          memset(acc, 0, sizeof acc);
#if defined(TNN_BW_AVX512)
          /* eight pixels whose taps are all inside the row: sums in registers */
          const int64_t ixa = ox0 * p->sw - p->pl;
          const int64_t ixz = (ox0 + TNN_BWPX - 1) * p->sw - p->pl + (p->kw - 1) * p->dw;
          if (np == TNN_BWPX && ixa >= 0 && ixz < p->w) {
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            __m512 a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            const int64_t sw = p->sw;
            for (int64_t c = 0; c < p->c; c++)
              for (int64_t ky = 0; ky < p->kh; ky++) {
                const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
                if (iy < 0 || iy >= p->h) continue;
                const float *xr = x + ((nb * p->c + c) * p->h + iy) * p->w;
                for (int64_t kx = 0; kx < p->kw; kx++) {
                  unsigned pos, neg;
                  tnn_bw_mb_masks(wb + (c * ksz + ky * p->kw + kx) * planes * 2, planes,
                                  &pos, &neg);
                  const __mmask16 kp = (__mmask16)pos, kn = (__mmask16)neg;
                  const float *xp = xr + ixa + kx * p->dw;
#define TNN_BW_LANE(A, Q)                                                     \
  do {                                                                        \
    const __m512 xb = _mm512_set1_ps(xp[(Q) * sw]);                           \
    A = _mm512_mask_sub_ps(_mm512_mask_add_ps(A, kp, A, xb), kn, A, xb);      \
  } while (0)
                  TNN_BW_LANE(a0, 0); TNN_BW_LANE(a1, 1); TNN_BW_LANE(a2, 2);
                  TNN_BW_LANE(a3, 3); TNN_BW_LANE(a4, 4); TNN_BW_LANE(a5, 5);
                  TNN_BW_LANE(a6, 6); TNN_BW_LANE(a7, 7);
#undef TNN_BW_LANE
                }
              }
            _mm512_storeu_ps(acc[0], a0); _mm512_storeu_ps(acc[1], a1);
            _mm512_storeu_ps(acc[2], a2); _mm512_storeu_ps(acc[3], a3);
            _mm512_storeu_ps(acc[4], a4); _mm512_storeu_ps(acc[5], a5);
            _mm512_storeu_ps(acc[6], a6); _mm512_storeu_ps(acc[7], a7);
          } else
#endif
          for (int64_t c = 0; c < p->c; c++)
            for (int64_t ky = 0; ky < p->kh; ky++) {
              const int64_t iy = oy * p->sh - p->pt + ky * p->dh;
              if (iy < 0 || iy >= p->h) continue;
              const float *xr = x + ((nb * p->c + c) * p->h + iy) * p->w;
              for (int64_t kx = 0; kx < p->kw; kx++) {
                unsigned pos, neg;
                tnn_bw_mb_masks(wb + (c * ksz + ky * p->kw + kx) * planes * 2, planes,
                                &pos, &neg);
                const int64_t ix0 = ox0 * p->sw - p->pl + kx * p->dw;
                for (int64_t q = 0; q < np; q++) {
                  const int64_t ix = ix0 + q * p->sw;
                  if (ix < 0 || ix >= p->w) continue;
                  tnn_bw_mb_step(acc[q], xr[ix], pos, neg);
                }
              }
            }
          for (int64_t l = 0; l < nm; l++) {
            const int64_t m = m0 + l;
            float *yp = y + (nb * p->m + m) * ohw + oy * p->ow + ox0;
            for (int64_t q = 0; q < np; q++) {
              float v = acc[q][l] * scale[m];
              v = v + bias[m];
              yp[q] = v < lo ? lo : v > hi ? hi : v;
            }
          }
        }
    }
  return TNN_OK;
}

#define TNN_KERNELS_BITW(K) K(f32_bwfc, bwfc) K(f32_bwconv, bwconv) K(f32_bwconv_mb, bwconv)
