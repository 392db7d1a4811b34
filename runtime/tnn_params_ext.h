/* tnn runtime: params kinds of the kernel families in tnn_norm.h,
 * tnn_index.h and tnn_loss.h (included by tnn_runtime.h before the
 * structs are declared; the same X-macro conventions). */

/* LayerNormalization: rows of `inner` elements normalized over the last
 * nrank dims (ndims), scale/bias broadcast to them with strides ss/sb;
 * InstanceNormalization: rows (n, c) of `inner`, scale/bias per channel;
 * flags: bit 0 bias present, bit 1 Mean output, bit 2 InvStdDev output */
#define TNN_FIELDS_norm(I, F, A)                                              \
  I(outer) I(c) I(inner) I(nrank) A(ndims, TNN_MAX_RANK)                      \
  A(ss, TNN_MAX_RANK) A(sb, TNN_MAX_RANK) F(eps) I(flags)
/* LRN over channels of x [n, c, inner] */
#define TNN_FIELDS_lrn(I, F, A)                                               \
  I(n) I(c) I(inner) I(size) F(alpha) F(beta) F(bias)
/* GatherElements / ScatterElements: the index tensor's dims idims (rank,
 * the axis `axis` of length len in the data), the data's strides dstr in
 * elements of esize bytes; dtype TNN_DT_* of the data; reduction (scatter)
 * 0 none, 1 add, 2 mul, 3 max, 4 min */
#define TNN_FIELDS_elems(I, F, A)                                             \
  I(rank) I(axis) A(idims, TNN_MAX_RANK) A(dstr, TNN_MAX_RANK) I(len)         \
  I(esize) I(idx64) I(dtype) I(reduction) I(bytes)
/* Trilu on [batch, rows, cols]: keeps j - i >= k (upper) or <= k */
#define TNN_FIELDS_trilu(I, F, A)                                             \
  I(batch) I(rows) I(cols) I(k) I(upper) I(esize)
/* NegativeLogLikelihoodLoss / SoftmaxCrossEntropyLoss: input [n, c, d]
 * (d the product of the extra dims), target [n, d]; reduction 0 none,
 * 1 sum, 2 mean; has_w a weight [c]; softmax: input is logits (SCE),
 * with log_prob output 1 when has_lp */
#define TNN_FIELDS_loss(I, F, A)                                              \
  I(n) I(c) I(d) I(reduction) I(ignore) I(has_ignore) I(has_w) I(softmax)     \
  I(has_lp) I(idx64)

#define TNN_PARAM_KINDS_EXT(P) P(norm) P(lrn) P(elems) P(trilu) P(loss)

#define TNN_STACK_norm 1024
#define TNN_STACK_lrn 1024
#define TNN_STACK_elems 512
#define TNN_STACK_trilu 512
#define TNN_STACK_loss 1024
