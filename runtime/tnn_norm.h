/* tnn runtime: normalizations beyond BatchNormalization: Layer-,
 * InstanceNormalization and LRN, float32.
 *
 * Layer/Instance: per row, mean = sum(x) / m, var = sum((x - mean)^2) / m
 * (two passes, double accumulators), y = (x - mean) / sqrt(var + eps) *
 * scale + bias. */
#ifndef TNN_NORM_H
#define TNN_NORM_H


/* mean and 1 / sqrt(var + eps) of x[0 .. m). */
TNN_INLINE void tnn_norm_stats(const float *x, int64_t m, double eps,
                               float *mean, float *inv) {
  double s = 0, q = 0;
  for (int64_t i = 0; i < m; i++) s += x[i];
  const double mu = m > 0 ? s / (double)m : 0.0;
  for (int64_t i = 0; i < m; i++) q += ((double)x[i] - mu) * ((double)x[i] - mu);
  const double var = m > 0 ? q / (double)m : 0.0;
  *mean = (float)mu;
  *inv = (float)(1.0 / sqrt(var + eps));
}

/* in: x, scale, bias (or NULL); out: y, mean (or NULL), inv_std (or NULL) */
TNN_INLINE int tnn_f32_layernorm(const void *vp, const void *const *in,
                                 void *const *out) {
  const tnn_norm_params *p = (const tnn_norm_params *)vp;
  const float *x = (const float *)in[0];
  const float *sc = (const float *)in[1];
  /* the node's buffer arrays end at its last present input / output */
  const float *bi = (p->flags & 1) ? (const float *)in[2] : NULL;
  float *y = (float *)out[0];
  float *om = (p->flags & 2) ? (float *)out[1] : NULL;
  float *oi = (p->flags & 4) ? (float *)out[2] : NULL;
  for (int64_t r = 0; r < p->outer; r++) {
    const float *xr = x + r * p->inner;
    float *yr = y + r * p->inner;
    float mean, inv;
    tnn_norm_stats(xr, p->inner, p->eps, &mean, &inv);
    int64_t idx[TNN_MAX_RANK] = {0};
    for (int64_t i = 0; i < p->inner; i++) {
      const float s = sc[tnn_offset(p->nrank, idx, p->ss)];
      const float b = (p->flags & 1) ? bi[tnn_offset(p->nrank, idx, p->sb)] : 0.0f;
      yr[i] = (xr[i] - mean) * inv * s + b;
      tnn_index_next(p->nrank, p->ndims, idx);
    }
    if (om) om[r] = mean;
    if (oi) oi[r] = inv;
  }
  return TNN_OK;
}

/* x [outer = n, c, inner]; scale, bias [c] */
TNN_INLINE int tnn_f32_instancenorm(const void *vp, const void *const *in,
                                    void *const *out) {
  const tnn_norm_params *p = (const tnn_norm_params *)vp;
  const float *x = (const float *)in[0];
  const float *sc = (const float *)in[1];
  const float *bi = (const float *)in[2];
  float *y = (float *)out[0];
  for (int64_t r = 0; r < p->outer * p->c; r++) {
    const float *xr = x + r * p->inner;
    float *yr = y + r * p->inner;
    const int64_t ch = r % p->c;
    float mean, inv;
    tnn_norm_stats(xr, p->inner, p->eps, &mean, &inv);
    for (int64_t i = 0; i < p->inner; i++)
      yr[i] = (xr[i] - mean) * inv * sc[ch] + bi[ch];
  }
  return TNN_OK;
}

/* LRN: y = x / (bias + alpha / size * sum of x^2 over the channels
 * [c - floor((size - 1) / 2), c + ceil((size - 1) / 2)])^beta */
TNN_INLINE int tnn_f32_lrn(const void *vp, const void *const *in,
                           void *const *out) {
  const tnn_lrn_params *p = (const tnn_lrn_params *)vp;
  const float *x = (const float *)in[0];
  float *y = (float *)out[0];
  const int64_t lo = (p->size - 1) / 2, hi = p->size / 2;
  for (int64_t b = 0; b < p->n; b++)
    for (int64_t ch = 0; ch < p->c; ch++)
      for (int64_t i = 0; i < p->inner; i++) {
        double s = 0;
        for (int64_t j = ch - lo; j <= ch + hi; j++) {
          if (j < 0 || j >= p->c) continue;
          const double v = x[(b * p->c + j) * p->inner + i];
          s += v * v;
        }
        const int64_t o = (b * p->c + ch) * p->inner + i;
        y[o] = (float)(x[o] / pow(p->bias + p->alpha / (double)p->size * s, p->beta));
      }
  return TNN_OK;
}

#define TNN_KERNELS_NORM(K)                                                   \
  K(f32_layernorm, norm) K(f32_instancenorm, norm) K(f32_lrn, lrn)

#endif /* TNN_NORM_H */
