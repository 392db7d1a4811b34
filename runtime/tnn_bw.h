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
 * Files.  This header: formats, packing, the dot's dispatch.  The dot
 * bodies, one file per ISA: tnn_bw_dot__scalar.h (the reference twin),
 * __avx2.h, __avx512.h, __neon.h; tnn_isa.h picks the variant (TNN_BW_*),
 * TNN_NO_SIMD forces scalar.  The layers: tnn_bw_fc.h, tnn_bw_conv.h (+ the
 * AVX-512 lane-mask convolution tnn_bw_conv__avx512.h).  base-3 rows are
 * decoded to the two-plane form in blocks. */
#ifndef TNN_TNN_BW_H
#define TNN_TNN_BW_H

#include "tnn_isa.h"

#define TNN_BW_BINARY 1
#define TNN_BW_TERNARY 2
#define TNN_BW_BASE3 3


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

#include "tnn_bw_dot__scalar.h"
#include "tnn_bw_dot__avx2.h"
#include "tnn_bw_dot__avx512.h"
#include "tnn_bw_dot__neon.h"

TNN_INLINE float tnn_bw_dot(const tnn_bw_row *r, const float *x, int64_t k) {
#if defined(TNN_BW_AVX512)
  return tnn_bw_dot__avx512(r, x, k);
#elif defined(TNN_BW_AVX2)
  return tnn_bw_dot__avx2(r, x, k);
#elif defined(TNN_BW_NEON)
  return tnn_bw_dot__neon(r, x, k);
#else
  return tnn_bw_dot__scalar(r, x, k);
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

#endif
