/* tnn runtime: Tile and Expand (tnn_slice_params; start and step unused):
 * out[i...] = in[i... mod in_dims], in_dims the input's dims padded with
 * leading 1s to the output's rank (a 1 broadcasts, a smaller dim
 * repeats). */
#ifndef TNN_LAYOUT_H
#define TNN_LAYOUT_H

TNN_INLINE int tnn_x_tile(const void *vp, const void *const *in,
                          void *const *out) {
  const tnn_slice_params *p = (const tnn_slice_params *)vp;
  const unsigned char *x = (const unsigned char *)in[0];
  unsigned char *y = (unsigned char *)out[0];
  int64_t istr[TNN_MAX_RANK] = {0}, idx[TNN_MAX_RANK] = {0};
  const int64_t r = p->rank;
  int64_t s = 1, n = 1;
  for (int64_t d = r - 1; d >= 0; d--) {
    istr[d] = s;
    s *= p->in_dims[d];
    n *= p->out_dims[d];
  }
  for (int64_t i = 0; i < n; i++) {
    int64_t o = 0;
    for (int64_t d = 0; d < r; d++) o += (idx[d] % p->in_dims[d]) * istr[d];
    memcpy(y + i * p->esize, x + o * p->esize, (size_t)p->esize);
    tnn_index_next(r, p->out_dims, idx);
  }
  return TNN_OK;
}

#define TNN_KERNELS_LAYOUT(K) K(x_tile, slice)

#endif /* TNN_LAYOUT_H */
