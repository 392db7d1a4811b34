/* tnn runtime: NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss,
 * float32 (tnn_loss_params).
 *
 * x is [n, c, d] (d the product of the dims after the class axis), target
 * [n, d] int64 or int32, weight [c] (w = 1 without one).  Per element
 * l[i, k] = -w[t] * lp[i, t, k] with t = target[i, k], where lp is x itself
 * (NLL) or log_softmax(x) over c (SCE); a target equal to ignore_index
 * gives l = 0 and weight 0.  reduction none: y = l [n, d]; sum: y = sum l;
 * mean: y = sum l / sum of the weights of the elements not ignored.  A
 * target out of [0, c) that is not ignored returns TNN_E_INDEX.
 * in: x, target, weight (or NULL); out: y, log_prob (SCE, or NULL). */
#ifndef TNN_LOSS_H
#define TNN_LOSS_H

TNN_INLINE int tnn_loss_run(const tnn_loss_params *p, const float *x,
                            const void *tg, const float *w, float *y,
                            float *lp) {
  double sum = 0, wsum = 0;
  for (int64_t i = 0; i < p->n; i++)
    for (int64_t k = 0; k < p->d; k++) {
      const float *xi = x + i * p->c * p->d + k;
      const int64_t e = i * p->d + k;
      const int64_t t = p->idx64 ? ((const int64_t *)tg)[e]
                                 : ((const int32_t *)tg)[e];
      double mx = 0, lse = 0;
      if (p->softmax) {
        mx = -INFINITY;
        for (int64_t j = 0; j < p->c; j++)
          if (xi[j * p->d] > mx) mx = xi[j * p->d];
        for (int64_t j = 0; j < p->c; j++) lse += exp(xi[j * p->d] - mx);
        lse = log(lse);
        if (lp)
          for (int64_t j = 0; j < p->c; j++)
            lp[i * p->c * p->d + j * p->d + k] =
                (float)(xi[j * p->d] - mx - lse);
      }
      double l = 0, wt = 0;
      if (!(p->has_ignore && t == p->ignore)) {
        if (t < 0 || t >= p->c) return TNN_E_INDEX;
        wt = p->has_w ? w[t] : 1.0;
        double v = p->softmax ? (float)(xi[t * p->d] - mx - lse) : xi[t * p->d];
        l = -v * wt;
      }
      if (p->reduction == 0) y[e] = (float)l;
      sum += l;
      wsum += wt;
    }
  if (p->reduction == 1) y[0] = (float)sum;
  if (p->reduction == 2) y[0] = (float)(sum / wsum);
  return TNN_OK;
}

TNN_INLINE int tnn_f32_nll_loss(const void *vp, const void *const *in,
                                void *const *out) {
  const tnn_loss_params *p = (const tnn_loss_params *)vp;
  return tnn_loss_run(p, (const float *)in[0], in[1],
                      p->has_w ? (const float *)in[2] : NULL, (float *)out[0],
                      NULL);
}

TNN_INLINE int tnn_f32_sce_loss(const void *vp, const void *const *in,
                                void *const *out) {
  const tnn_loss_params *p = (const tnn_loss_params *)vp;
  return tnn_loss_run(p, (const float *)in[0], in[1],
                      p->has_w ? (const float *)in[2] : NULL, (float *)out[0],
                      p->has_lp ? (float *)out[1] : NULL);
}

#define TNN_KERNELS_LOSS(K) K(f32_nll_loss, loss) K(f32_sce_loss, loss)

#endif /* TNN_LOSS_H */
