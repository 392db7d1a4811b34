/* Pass pack-weights: each binary/ternary layer's weights, packed once, in
 * the layout of the kernel it runs.
 *
 * Pass lower gives a packed layer a weight tensor of the right size for the
 * packed float-activation kernels (tnn_f32_bwfc / _bwconv, or the 16-lane
 * _bwconv_mb the registry picks for the target); pass quant-acts may move it
 * to the packed-activation kernels (x_bafc / x_baconv) with a new tensor.
 * Neither writes the bytes: the kernel a layer runs is final only here, so
 * its weights (QuantInfo.t, one trit per weight) are laid out once, by the
 * packer of that kernel's family.  Tensors left behind by a change of kernel
 * are never filled. */
#include "../ir/ir.h"

static void pack_layer(Graph *g, Node *n) {
  const QuantInfo *q = n->quant;
  uint8_t *out = q->wpacked->data;
  switch (n->call.kernel) {
  case TNN_K_f32_bwfc:
    tnn_bw_pack(((const tnn_bwfc_params *)n->call.params)->format, q->t, q->m * q->k, out);
    return;
  case TNN_K_f32_bwconv:
    tnn_bw_pack(((const tnn_bwconv_params *)n->call.params)->format, q->t, q->m * q->k, out);
    return;
  case TNN_K_f32_bwconv_mb:
    tnn_bw_mb_layout(((const tnn_bwconv_params *)n->call.params)->format, q->t, q->m, q->k,
                     out);
    return;
  case TNN_K_x_bafc: {
    const int8_t *t = q->t;
    if (q->hw > 1) {
      /* input rows are packed images (pixels, channels fastest): the weight
       * of channel ch at pixel i moves from column ch * hw + i to i * c + ch */
      const int64_t hw = q->hw, c = q->k / hw;
      int8_t *pt = arena_alloc(g->arena, (size_t)(q->m * q->k));
      for (int64_t r = 0; r < q->m; r++)
        for (int64_t ch = 0; ch < c; ch++)
          for (int64_t i = 0; i < hw; i++)
            pt[r * q->k + i * c + ch] = q->t[r * q->k + ch * hw + i];
      t = pt;
    }
    tnn_ba_pack_rows(t, q->m, q->k, q->bits, out);
    return;
  }
  case TNN_K_x_baconv: {
    const tnn_baconv_params *p = n->call.params;
    tnn_ba_pack_conv(q->t, q->m, p->c, p->kh, p->kw, q->bits, out);
    return;
  }
  default:
    tnnc_unreachable();
  }
}

bool pass_pack_weights(Graph *g) {
  for (int i = 0; i < g->nnodes; i++) {
    Node *n = g->nodes[i];
    if (n->dead || !n->quant || !n->quant->wpacked) continue;
    TNNC_ASSERT(n->nin > 1 && n->in[1] == n->quant->wpacked);
    pack_layer(g, n);
  }
  return true;
}
