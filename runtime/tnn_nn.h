/* tnn runtime: NN kernels (conv, gemm, matmul, pooling, bn, softmax).
 *
 * Scalar float32 reference kernels on NCHW tensors.  They are written to be
 * fast enough to serve as the portable fallback: loop invariants hoisted,
 * the innermost loop runs over contiguous output elements, and the
 * boundaries of padded windows are computed once per row instead of being
 * tested per element.  None of them allocates; the weights are ordinary
 * inputs (they need not be constants).
 *
 * Window geometry (conv and pooling).  Along one spatial axis an output
 * position o reads the input positions o*s - pad + k*d for k in [0, kn); a
 * position outside [0, n) is padding.  tnn_nn_range() gives the interval of
 * o (or of k) whose position lies inside, so inner loops never test bounds.
 */
#ifndef TNN_NN_H
#define TNN_NN_H
#include <float.h>


/* [*lo, *hi): the i in [0, count) with 0 <= off + i*step < n (step > 0). */
TNN_INLINE void tnn_nn_range(int64_t off, int64_t step, int64_t n,
                                int64_t count, int64_t *lo, int64_t *hi) {
  int64_t a = off >= 0 ? 0 : (-off + step - 1) / step;
  int64_t b = n - 1 - off < 0 ? 0 : (n - 1 - off) / step + 1;
  if (b > count) b = count;
  if (a > b) a = b;
  *lo = a;
  *hi = b;
}

/* ------------------------------------------------------------- vectors */

/* y[j] += a * x[j] (and x[j*sx]).  restrict tells compilers y never
 * aliases x.  The main loop runs blocks of four whose fixed inner loop is
 * unrolled and vectorized as a basic block: gcc -O2 (very-cheap cost
 * model) vectorizes no loop that needs a scalar epilogue, so the tail is
 * an explicit loop.  clang would instead vectorize across blocks with
 * shuffles (3x slower); TNN_NN_BLOCKS turns that off for the block loop. */
#if defined(__clang__)
#define TNN_NN_BLOCKS _Pragma("clang loop vectorize(disable)")
#else
#define TNN_NN_BLOCKS
#endif

TNN_INLINE void tnn_nn_axpy(float *restrict y, const float *restrict x,
                               float a, int64_t n) {
  const int64_t n4 = n - n % 4;
  TNN_NN_BLOCKS
  for (int64_t j = 0; j < n4; j += 4)
    for (int u = 0; u < 4; u++) y[j + u] += a * x[j + u];
  for (int64_t j = n4; j < n; j++) y[j] += a * x[j];
}

TNN_INLINE void tnn_nn_axpy_strided(float *restrict y,
                                       const float *restrict x, int64_t sx,
                                       float a, int64_t n) {
  for (int64_t j = 0; j < n; j++) y[j] += a * x[j * sx];
}

/* ---------------------------------------------------------- gemm/matmul */

/* y[j] += a0 x0[j] + a1 x1[j] + a2 x2[j] + a3 x3[j] */
TNN_INLINE void tnn_nn_axpy4(float *restrict y, const float *restrict x0,
                                const float *restrict x1,
                                const float *restrict x2,
                                const float *restrict x3, float a0, float a1,
                                float a2, float a3, int64_t n) {
  const int64_t n4 = n - n % 4;
  TNN_NN_BLOCKS
  for (int64_t j = 0; j < n4; j += 4)
    for (int u = 0; u < 4; u++)
      y[j + u] += a0 * x0[j + u] + a1 * x1[j + u] + a2 * x2[j + u] +
                  a3 * x3[j + u];
  for (int64_t j = n4; j < n; j++)
    y[j] += a0 * x0[j] + a1 * x1[j] + a2 * x2[j] + a3 * x3[j];
}

/* Columns [j0, j1) of Y[m, n] = A B with B [k, n] row-major and A(i, kk)
 * at A[i*ai + kk*ak] (a transposed A is just other strides).  i-k-j order:
 * each row of Y accumulates rows of B scaled by A's elements, four at a
 * time (main loop) then one at a time (tail).  Each element's sum is the
 * same whatever the column range, so shares of columns add up to the whole
 * product exactly. */
TNN_INLINE void tnn_nn_mm_cols(const float *A, int64_t ai, int64_t ak,
                               const float *B, float *Y, int64_t m, int64_t n,
                               int64_t k, int64_t j0, int64_t j1) {
  const int64_t k4 = k - k % 4, nw = j1 - j0;
  if (nw <= 0) return;
  for (int64_t i = 0; i < m; i++) {
    const float *ar = A + i * ai;
    float *yr = Y + i * n + j0;
    for (int64_t j = 0; j < nw; j++) yr[j] = 0.0f;
    for (int64_t kk = 0; kk < k4; kk += 4) {
      const float *b0 = B + kk * n + j0;
      tnn_nn_axpy4(yr, b0, b0 + n, b0 + 2 * n, b0 + 3 * n, ar[kk * ak],
                   ar[(kk + 1) * ak], ar[(kk + 2) * ak], ar[(kk + 3) * ak],
                   nw);
    }
    for (int64_t kk = k4; kk < k; kk++)
      tnn_nn_axpy(yr, B + kk * n + j0, ar[kk * ak], nw);
  }
}

TNN_INLINE void tnn_nn_mm(const float *A, int64_t ai, int64_t ak,
                             const float *B, float *Y, int64_t m, int64_t n,
                             int64_t k) {
  tnn_nn_mm_cols(A, ai, ak, B, Y, m, n, k, 0, n);
}

/* Columns [j0, j1) of Y[m, n] = A B^T with B [n, k] row-major: dot
 * products of A's rows with B's rows, four columns of Y at a time so each
 * A element is loaded once for four independent sums (main loop), then one
 * (tail); each column's sum is the same in either. */
TNN_INLINE void tnn_nn_mm_bt(const float *A, int64_t ai, int64_t ak,
                                const float *B, float *Y, int64_t m,
                                int64_t n, int64_t k, int64_t j0, int64_t j1) {
  const int64_t n4 = j0 + (j1 - j0) - (j1 - j0) % 4;
  for (int64_t i = 0; i < m; i++) {
    const float *ar = A + i * ai;
    float *yr = Y + i * n;
    for (int64_t j = j0; j < n4; j += 4) {
      const float *b0 = B + j * k, *b1 = b0 + k, *b2 = b1 + k, *b3 = b2 + k;
      float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
      for (int64_t kk = 0; kk < k; kk++) {
        const float a = ar[kk * ak];
        s0 += a * b0[kk];
        s1 += a * b1[kk];
        s2 += a * b2[kk];
        s3 += a * b3[kk];
      }
      yr[j] = s0;
      yr[j + 1] = s1;
      yr[j + 2] = s2;
      yr[j + 3] = s3;
    }
    for (int64_t j = n4; j < j1; j++) {
      const float *b0 = B + j * k;
      float s0 = 0.0f;
      for (int64_t kk = 0; kk < k; kk++) s0 += ar[kk * ak] * b0[kk];
      yr[j] = s0;
    }
  }
}

/* Share `part` of `nparts`: the columns [j0, j1) of y, in steps of 4. */
TNN_INLINE int tnn_f32_gemm_part(const void *vp, const void *const *in,
                                 void *const *out, int64_t part, int64_t nparts) {
  const tnn_gemm_params *p = (const tnn_gemm_params *)vp;
  const float *A = (const float *)in[0];
  const float *B = (const float *)in[1];
  const float *C = p->has_c ? (const float *)in[2] : NULL;
  float *y = (float *)out[0];
  const int64_t m = p->m, n = p->n, k = p->k;
  const float alpha = (float)p->alpha, beta = (float)p->beta;
  /* A(i, kk) at i*ai + kk*ak */
  const int64_t ai = p->ta ? 1 : k, ak = p->ta ? m : 1;
  int64_t j0, j1;
  tnn_part_range(n, 4, part, nparts, &j0, &j1);
  if (p->tb)
    tnn_nn_mm_bt(A, ai, ak, B, y, m, n, k, j0, j1);
  else
    tnn_nn_mm_cols(A, ai, ak, B, y, m, n, k, j0, j1);
  for (int64_t i = 0; i < m; i++) {
    float *yr = y + i * n;
    if (C) {
      const float *cr = C + i * p->c_rs;
      for (int64_t j = j0; j < j1; j++)
        yr[j] = alpha * yr[j] + beta * cr[j * p->c_cs];
    } else if (alpha != 1.0f) {
      for (int64_t j = j0; j < j1; j++) yr[j] *= alpha;
    }
  }
  return TNN_OK;
}

TNN_INLINE int tnn_f32_gemm(const void *vp, const void *const *in,
                               void *const *out) {
  return tnn_f32_gemm_part(vp, in, out, 0, 1);
}

/* Batched y[b.., m, n] = A[b.., m, k] B[b.., k, n].  The output's batch
 * dims are bdims (brank of them); a_bs/b_bs are the operands' batch strides
 * in elements, 0 on broadcast dims.  brank 0 is a single product. */
TNN_INLINE int tnn_f32_matmul(const void *vp, const void *const *in,
                                 void *const *out) {
  const tnn_matmul_params *p = (const tnn_matmul_params *)vp;
  const float *A = (const float *)in[0];
  const float *B = (const float *)in[1];
  float *y = (float *)out[0];
  int64_t idx[TNN_MAX_RANK] = {0};
  int64_t nbatch = 1;
  for (int64_t d = 0; d < p->brank; d++) nbatch *= p->bdims[d];
  for (int64_t b = 0; b < nbatch; b++) {
    const float *ab = A + tnn_offset(p->brank, idx, p->a_bs);
    const float *bb = B + tnn_offset(p->brank, idx, p->b_bs);
    tnn_nn_mm(ab, p->k, 1, bb, y + b * p->m * p->n, p->m, p->n, p->k);
    tnn_index_next(p->brank, p->bdims, idx);
  }
  return TNN_OK;
}

/* ----------------------------------------------------------- batch norm */

/* Inference BatchNormalization on x[n, c, spatial] (spatial: the product of
 * the dims after C):
 *     y = x * s + (bias - mean * s),   s = scale / sqrt(var + eps)
 * as onnxruntime computes it. */
TNN_INLINE int tnn_f32_batchnorm(const void *vp, const void *const *in,
                                    void *const *out) {
  const tnn_bn_params *p = (const tnn_bn_params *)vp;
  const float *x = (const float *)in[0];
  const float *scale = (const float *)in[1];
  const float *bias = (const float *)in[2];
  const float *mean = (const float *)in[3];
  const float *var = (const float *)in[4];
  float *y = (float *)out[0];
  const float eps = (float)p->eps;
  const int64_t sp = p->spatial;
  for (int64_t c = 0; c < p->c; c++) {
    const float s = scale[c] / sqrtf(var[c] + eps);
    const float b = bias[c] - mean[c] * s;
    for (int64_t nb = 0; nb < p->n; nb++) {
      const float *xp = x + (nb * p->c + c) * sp;
      float *yp = y + (nb * p->c + c) * sp;
      for (int64_t i = 0; i < sp; i++) yp[i] = xp[i] * s + b;
    }
  }
  return TNN_OK;
}

/* -------------------------------------------------------------- softmax */

/* Softmax / LogSoftmax over the middle axis of x seen as [outer, len,
 * inner], stable: exp(x - max).  With inner > 1 the axis is strided; the
 * inner columns are processed in chunks of TNN_NN_CHUNK whose running max
 * and sum live on the stack, so every pass reads contiguous rows.  Each
 * element of y depends only on the same element of x and the column's
 * max/sum, so y may alias x. */
#define TNN_NN_CHUNK 64

TNN_INLINE int tnn_nn_softmax(const tnn_axis_params *p, const float *x,
                                 float *y, int log_out) {
  const int64_t len = p->len, inner = p->inner;
  for (int64_t o = 0; o < p->outer; o++) {
    const float *xo = x + o * len * inner;
    float *yo = y + o * len * inner;
    if (inner == 1) {
      float mx = -INFINITY;
      for (int64_t l = 0; l < len; l++)
        if (xo[l] > mx) mx = xo[l];
      double s = 0.0;
      if (log_out) {
        for (int64_t l = 0; l < len; l++) s += expf(xo[l] - mx);
        const float ls = (float)log(s);
        for (int64_t l = 0; l < len; l++) yo[l] = xo[l] - mx - ls;
      } else {
        for (int64_t l = 0; l < len; l++) {
          const float e = expf(xo[l] - mx);
          yo[l] = e;
          s += e;
        }
        const float r = (float)(1.0 / s);
        for (int64_t l = 0; l < len; l++) yo[l] *= r;
      }
      continue;
    }
    for (int64_t i0 = 0; i0 < inner; i0 += TNN_NN_CHUNK) {
      const int64_t cw = inner - i0 < TNN_NN_CHUNK ? inner - i0 : TNN_NN_CHUNK;
      float mx[TNN_NN_CHUNK];
      double s[TNN_NN_CHUNK];
      for (int64_t i = 0; i < cw; i++) {
        mx[i] = -INFINITY;
        s[i] = 0.0;
      }
      for (int64_t l = 0; l < len; l++) {
        const float *xr = xo + l * inner + i0;
        for (int64_t i = 0; i < cw; i++)
          if (xr[i] > mx[i]) mx[i] = xr[i];
      }
      for (int64_t l = 0; l < len; l++) {
        const float *xr = xo + l * inner + i0;
        float *yr = yo + l * inner + i0;
        for (int64_t i = 0; i < cw; i++) {
          const float e = expf(xr[i] - mx[i]);
          if (!log_out) yr[i] = e;
          s[i] += e;
        }
      }
      /* f: log(sum) subtracted from x - max, or 1/sum multiplying e */
      float f[TNN_NN_CHUNK];
      for (int64_t i = 0; i < cw; i++)
        f[i] = log_out ? (float)log(s[i]) : (float)(1.0 / s[i]);
      for (int64_t l = 0; l < len; l++) {
        const float *xr = xo + l * inner + i0;
        float *yr = yo + l * inner + i0;
        if (log_out)
          for (int64_t i = 0; i < cw; i++) yr[i] = xr[i] - mx[i] - f[i];
        else
          for (int64_t i = 0; i < cw; i++) yr[i] *= f[i];
      }
    }
  }
  return TNN_OK;
}

TNN_INLINE int tnn_f32_softmax(const void *vp, const void *const *in,
                                  void *const *out) {
  return tnn_nn_softmax((const tnn_axis_params *)vp, (const float *)in[0],
                        (float *)out[0], 0);
}

TNN_INLINE int tnn_f32_log_softmax(const void *vp, const void *const *in,
                                      void *const *out) {
  return tnn_nn_softmax((const tnn_axis_params *)vp, (const float *)in[0],
                        (float *)out[0], 1);
}

/* Hardmax of x seen as [outer, len, inner]: 1 at the first maximum along
 * len, 0 elsewhere (a NaN is never a maximum unless all are NaN, then the
 * first wins). */
#define TNN_HARDMAX(T, ct)                                                    \
  TNN_INLINE int tnn_##T##_hardmax(const void *vp, const void *const *in,     \
                                   void *const *out) {                        \
    const tnn_axis_params *p = (const tnn_axis_params *)vp;                   \
    const ct *x = (const ct *)in[0];                                          \
    ct *y = (ct *)out[0];                                                     \
    for (int64_t o = 0; o < p->outer; o++)                                    \
      for (int64_t i = 0; i < p->inner; i++) {                                \
        const int64_t base = o * p->len * p->inner + i;                       \
        int64_t best = 0;                                                     \
        for (int64_t j = 1; j < p->len; j++) {                                \
          const ct v = x[base + j * p->inner], b = x[base + best * p->inner]; \
          if (v > b || (b != b && v == v)) best = j;                          \
        }                                                                     \
        for (int64_t j = 0; j < p->len; j++)                                  \
          y[base + j * p->inner] = (ct)(j == best);                           \
      }                                                                       \
    return TNN_OK;                                                            \
  }
TNN_HARDMAX(f32, float)
TNN_HARDMAX(f64, double)

#define TNN_KERNELS_NN(K)                                                     \
  K(f32_gemm, gemm) K(f32_matmul, matmul) K(f32_batchnorm, bn)                \
  K(f32_softmax, axis) K(f32_log_softmax, axis) K(f32_hardmax, axis)         \
  K(f64_hardmax, axis)

#endif
