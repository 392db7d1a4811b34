/* tnn runtime: the kernels every tnnc output is built from.
 *
 * This header (with the tnn_*.h files it includes) is copied verbatim into
 * each generated model.c, and tnnc itself includes it so that its reference
 * interpreter runs exactly the kernels the generated code runs.
 *
 * Calling convention.  Every kernel has the same signature
 *
 *     int tnn_<dtype>_<op>(const void *params, const void *const *in,
 *                          void *const *out);
 *
 * `params` points to the kernel's tnn_<kind>_params struct, `in` and `out`
 * to the node's input and output buffers in ONNX order (an omitted optional
 * input is NULL).  It returns 0, or TNN_E_* for a data-dependent error (a
 * Gather index out of range).  Kernels never allocate and never print.
 *
 * Params structs.  Each is a sequence of 8-byte slots declared by an X-macro
 * TNN_FIELDS_<kind>(I, F, A): I an int64_t, F a double, A(name, n) an
 * int64_t[n].  tnnc walks the same macro to print the initializer of a
 * node's params, so the two can never disagree.
 */
#ifndef TNN_RUNTIME_H
#define TNN_RUNTIME_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Every runtime function is static: a generated model.c holds the whole
 * runtime and uses only some of it. */
#if defined(__GNUC__) || defined(__clang__)
#define TNN_INLINE static inline __attribute__((unused))
#else
#define TNN_INLINE static inline
#endif

#define TNN_MAX_RANK 8
#define TNN_MAX_IO 64          /* most inputs of a Concat / outputs of a Split */

#define TNN_OK 0
#define TNN_E_INDEX 1          /* Gather index out of range */
#define TNN_E_ARG 2            /* a NULL buffer passed to the run function */
#define TNN_E_ALIGN 3          /* a workspace not aligned to TNN_WS_ALIGN, or a
                                  misaligned weights pointer (--weights=extern) */
#define TNN_E_WEIGHTS 4        /* weights that are not this model's (--weights=extern) */

/* Alignment of the workspace (every planned tensor starts at a multiple of
 * it); the run function checks it. */
#define TNN_WS_ALIGN 64

/* Runtime dtype codes (the ONNX TensorProto numbers). */
#define TNN_DT_F32 1
#define TNN_DT_U8 2
#define TNN_DT_I8 3
#define TNN_DT_I32 6
#define TNN_DT_I64 7
#define TNN_DT_BOOL 9
#define TNN_DT_F64 11
#define TNN_DT_F16 10          /* float16, stored as its uint16_t bits */
#define TNN_DT_BF16 16         /* bfloat16, likewise */

/* ------------------------------------------------------------ parameters */

#define TNN_FIELDS_conv(I, F, A)                                              \
  I(n) I(c) I(h) I(w) I(m) I(oh) I(ow) I(kh) I(kw) I(sh) I(sw) I(pt) I(pl)    \
  I(dh) I(dw) I(group) I(has_bias)
/* y[m,n] = alpha * op(A)[m,k] op(B)[k,n] + beta * C[i*c_rs + j*c_cs] */
#define TNN_FIELDS_gemm(I, F, A)                                              \
  I(m) I(n) I(k) I(ta) I(tb) F(alpha) F(beta) I(has_c) I(c_rs) I(c_cs)
/* batched [.., m, k] x [.., k, n]; batch strides in elements, 0 broadcasts */
#define TNN_FIELDS_matmul(I, F, A)                                            \
  I(m) I(n) I(k) I(brank) A(bdims, TNN_MAX_RANK) A(a_bs, TNN_MAX_RANK)        \
  A(b_bs, TNN_MAX_RANK)
/* out[i] = a[. sa] op b[. sb], strides in elements (0 broadcasts) */
#define TNN_FIELDS_bcast(I, F, A)                                             \
  I(n) I(rank) A(dims, TNN_MAX_RANK) A(sa, TNN_MAX_RANK) A(sb, TNN_MAX_RANK)
#define TNN_FIELDS_where(I, F, A)                                             \
  I(n) I(rank) A(dims, TNN_MAX_RANK) A(sc, TNN_MAX_RANK)                      \
  A(sa, TNN_MAX_RANK) A(sb, TNN_MAX_RANK) I(esize)
/* elementwise: alpha/beta are op-specific (LeakyRelu, HardSigmoid, Clip) */
#define TNN_FIELDS_unary(I, F, A) I(n) F(alpha) F(beta)
#define TNN_FIELDS_cast(I, F, A) I(n) I(from) I(to)
#define TNN_FIELDS_pool(I, F, A)                                              \
  I(n) I(c) I(h) I(w) I(oh) I(ow) I(kh) I(kw) I(sh) I(sw) I(pt) I(pl) I(pb)   \
  I(pr) I(dh) I(dw) I(count_include_pad)
#define TNN_FIELDS_bn(I, F, A) I(n) I(c) I(spatial) F(eps)
/* Quant / BipolarQuant: integer range [lo, hi], rounding mode, broadcast
 * strides of scale (ss) and zero point (sz) */
#define TNN_FIELDS_quant(I, F, A)                                             \
  I(n) I(rank) A(dims, TNN_MAX_RANK) A(ss, TNN_MAX_RANK) A(sz, TNN_MAX_RANK)  \
  F(lo) F(hi) I(mode) I(bipolar)
/* DequantizeLinear: x as [outer, c, inner], TNN_DT_* of x */
#define TNN_FIELDS_dequant(I, F, A) I(outer) I(c) I(inner) I(dtype) I(has_zp)
/* binary/ternary weights x float activations (tnn_bw*.h): format is
 * TNN_BW_*, [lo, hi] the output clamp */
#define TNN_FIELDS_bwfc(I, F, A) I(n) I(m) I(k) I(format) F(lo) F(hi)
#define TNN_FIELDS_bwconv(I, F, A)                                            \
  I(n) I(c) I(h) I(w) I(m) I(oh) I(ow) I(kh) I(kw) I(sh) I(sw) I(pt) I(pl)    \
  I(dh) I(dw) I(group) I(format) F(lo) F(hi)
/* binary/ternary activations (tnn_ba*.h): the first quantizer packs
 * float x [outer][c][inner] into rows of `bits` planes; the packed fully
 * connected layer takes abits/wbits 1 or 2 and writes float (obits 0) or
 * packed (obits 1, 2) output */
#define TNN_FIELDS_bapack(I, F, A)                                            \
  I(outer) I(c) I(inner) I(global) I(bits) I(pixels)
#define TNN_FIELDS_bafc(I, F, A)                                              \
  I(n) I(m) I(k) I(abits) I(wbits) I(obits) F(lo) F(hi)
/* packed 2-D convolution (group 1): packed NCHW images as [bits][h*w][cb];
 * res 1: the float output plus in[4] (an Add fused by pass fuse-residual);
 * scratch: bytes of workspace at out[1], its tables and padded image copy
 * (tnn_ba_conv_scratch) */
#define TNN_FIELDS_baconv(I, F, A)                                            \
  I(n) I(c) I(h) I(w) I(m) I(oh) I(ow) I(kh) I(kw) I(sh) I(sw) I(pt) I(pl)    \
  I(dh) I(dw) I(abits) I(wbits) I(obits) F(lo) F(hi) I(res) I(scratch)
/* max pooling of packed images (bits planes, pads never win) */
#define TNN_FIELDS_bapool(I, F, A)                                            \
  I(n) I(c) I(h) I(w) I(oh) I(ow) I(kh) I(kw) I(sh) I(sw) I(pt) I(pl) I(dh)   \
  I(dw) I(bits)
/* 8-bit and few-bit activations (tnn_i8.h): the quantizer writes codes
 * u = clamp(R(x / scale + pre) + post, 0, levels - 1) (x * scale: div 0,
 * R: mode, TNN_ROUND_*), rows of ostride bytes, NHWC when nhwc; the layers
 * take codes and int8 weights of kp bytes per row, wmax = max|w| */
#define TNN_FIELDS_i8quant(I, F, A)                                           \
  I(outer) I(c) I(inner) I(ostride) I(nhwc) I(div) I(mode) I(levels)          \
  F(scale) F(pre) F(post)
/* ocode 1: the next quantizer fused (pass quant-int8): the layer writes
 * its codes, those of an i8quant of div qdiv, mode qmode, levels qlevels,
 * scale qscale, pre qpre, post qpost, instead of float: fc rows of ostride
 * bytes (zeros after m), conv NHWC images of ostride bytes.  ocode 2: a
 * fake quantizer fused (its reader takes float): the layer writes, in its
 * float layout, the level (float)(code + qoff) * qstep */
#define TNN_I8_OUT_FIELDS(I, F)                                               \
  I(ocode) I(ostride) I(qdiv) I(qmode) I(qlevels) F(qscale) F(qpre) F(qpost)  \
  I(qoff) F(qstep)
#define TNN_FIELDS_i8fc(I, F, A)                                              \
  I(n) I(m) I(k) I(kp) I(wmax) F(lo) F(hi) TNN_I8_OUT_FIELDS(I, F)
#define TNN_FIELDS_i8conv(I, F, A)                                            \
  I(n) I(c) I(h) I(w) I(m) I(oh) I(ow) I(kh) I(kw) I(sh) I(sw) I(pt) I(pl)    \
  I(dh) I(dw) I(kp) I(upad) I(wmax) I(pb) F(lo) F(hi) I(scratch) I(wb16)     \
  TNN_I8_OUT_FIELDS(I, F)
/* MultiThreshold: x as [outer, c, inner], thresholds [c or 1, t] */
#define TNN_FIELDS_mthr(I, F, A)                                              \
  I(outer) I(c) I(inner) I(t) I(global) F(scale) F(bias)
/* a tensor seen as [outer, len, inner]; flag is op-specific */
#define TNN_FIELDS_axis(I, F, A) I(outer) I(len) I(inner) I(flag)
/* reduce over the dims with red[d] = 1; output keeps the other dims */
#define TNN_FIELDS_reduce(I, F, A)                                            \
  I(rank) A(dims, TNN_MAX_RANK) A(red, TNN_MAX_RANK)
#define TNN_FIELDS_topk(I, F, A)                                              \
  I(outer) I(len) I(inner) I(k) I(largest) I(sorted)
#define TNN_FIELDS_copy(I, F, A) I(bytes)
#define TNN_FIELDS_transpose(I, F, A)                                         \
  I(rank) I(esize) A(dims, TNN_MAX_RANK) A(perm, TNN_MAX_RANK)
/* concat / split along one axis: [outer, len[i], inner bytes] */
#define TNN_FIELDS_concat(I, F, A)                                            \
  I(count) I(outer) I(inner) A(len, TNN_MAX_IO)
#define TNN_FIELDS_slice(I, F, A)                                             \
  I(rank) I(esize) A(in_dims, TNN_MAX_RANK) A(out_dims, TNN_MAX_RANK)         \
  A(start, TNN_MAX_RANK) A(step, TNN_MAX_RANK)
/* mode 0 constant (value / ivalue by dtype), 1 reflect, 2 edge */
#define TNN_FIELDS_pad(I, F, A)                                               \
  I(rank) I(esize) I(dtype) A(in_dims, TNN_MAX_RANK) A(out_dims, TNN_MAX_RANK)\
  A(before, TNN_MAX_RANK) I(mode) F(value) I(ivalue)
/* out[o, j, i] = data[o, idx[j], i]; inner in bytes */
#define TNN_FIELDS_gather(I, F, A) I(outer) I(len) I(inner) I(nidx) I(idx64)

/* params kinds of the kernel families in tnn_norm.h, tnn_index.h and
 * tnn_loss.h */

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

/* GatherND / ScatterND (tnn_index_nd.h): data [batch][dims[0..q)][slice]
 * (dbatch elements per batch, of esize bytes), indices [batch][nidx][q];
 * dtype TNN_DT_* and reduction (ScatterND) as elems; bytes of the data */
#define TNN_FIELDS_nd(I, F, A)                                                \
  I(batch) I(nidx) I(q) A(dims, TNN_MAX_RANK) I(slice) I(dbatch) I(esize)     \
  I(dtype) I(reduction) I(bytes)
/* OneHot: indices [outer, inner] of TNN_DT_* idtype, output
 * [outer, depth, inner] of esize-byte values */
#define TNN_FIELDS_onehot(I, F, A) I(outer) I(depth) I(inner) I(idtype) I(esize)
/* Compress: x [outer, len, inner bytes], a condition of clen entries */
#define TNN_FIELDS_compress(I, F, A) I(outer) I(len) I(clen) I(inner)
/* EyeLike: [rows, cols] of TNN_DT_* dtype, ones on diagonal k */
#define TNN_FIELDS_eyelike(I, F, A) I(rows) I(cols) I(k) I(dtype)
/* Range: n values of TNN_DT_* dtype */
#define TNN_FIELDS_range(I, F, A) I(n) I(dtype)
/* Resize / Upsample (tnn_resize.h): per axis taps (1, 2, 4, more under
 * antialias) and ident (the identity map), coef the float bit patterns of
 * scale, roi start and roi end; mode, coord and nearest are TNN_RESIZE_*;
 * scratch the bytes of the tables at out[1] (tnn_resize_scratch) */
#define TNN_FIELDS_resize(I, F, A)                                            \
  I(rank) A(in_dims, TNN_MAX_RANK) A(out_dims, TNN_MAX_RANK)                  \
  A(taps, TNN_MAX_RANK) A(ident, TNN_MAX_RANK) A(coef, 3 * TNN_MAX_RANK)      \
  I(mode) I(coord) I(nearest) F(cubic_a) I(exclude) F(extrap) I(antialias)   \
  I(scratch)

#define TNN_PARAM_KINDS_EXT(P) P(norm) P(lrn) P(elems) P(trilu) P(loss)       \
  P(nd) P(onehot) P(compress) P(eyelike) P(range) P(resize)

#define TNN_STACK_norm 1024
#define TNN_STACK_lrn 1024
#define TNN_STACK_elems 512
#define TNN_STACK_trilu 512
#define TNN_STACK_loss 1024
#define TNN_STACK_nd 512
#define TNN_STACK_onehot 512
#define TNN_STACK_compress 512
#define TNN_STACK_eyelike 512
#define TNN_STACK_range 512
#define TNN_STACK_resize 1536     /* tables in the workspace (out[1]) */

#define TNN_PARAM_KINDS(P)                                                    \
  P(conv) P(gemm) P(matmul) P(bcast) P(where) P(unary) P(cast) P(pool) P(bn)  \
  P(axis) P(reduce) P(topk) P(copy) P(transpose) P(concat) P(slice) P(pad)    \
  P(gather) P(quant) P(dequant) P(mthr) P(bwfc) P(bwconv) P(bapack) P(bafc)     \
  P(baconv) P(bapool) P(i8quant) P(i8fc) P(i8conv) TNN_PARAM_KINDS_EXT(P)

/* Stack bounds: TNN_STACK_<kind> is the most stack, in bytes, one call of
 * any kernel taking tnn_<kind>_params uses, its callees included: the
 * deepest call path of its largest SIMD variant (gcc and clang -O2,
 * -fstack-usage), 256 bytes per libc/libm call, and a margin.  No kernel
 * recurses or allocates stack by size, so the bounds hold for any shape.
 * tnnc adds the run function's own frame, TNN_STACK_RUN plus 8 bytes per
 * buffer pointer of its largest node, for <P>_STACK_BYTES; tests/stack
 * measures both on the real builds. */
#define TNN_STACK_RUN 512
#define TNN_STACK_conv 2048       /* float conv: a 1 KB row segment (AVX2) */
#define TNN_STACK_gemm 1024
#define TNN_STACK_matmul 1024
#define TNN_STACK_bcast 1024
#define TNN_STACK_where 1024
#define TNN_STACK_unary 1024
#define TNN_STACK_cast 512
#define TNN_STACK_pool 1024
#define TNN_STACK_bn 1024
#define TNN_STACK_axis 2048       /* softmax: three 64-element chunks */
#define TNN_STACK_reduce 1024
#define TNN_STACK_topk 512
#define TNN_STACK_copy 512
#define TNN_STACK_transpose 1024
#define TNN_STACK_concat 1024
#define TNN_STACK_slice 1024
#define TNN_STACK_pad 1024
#define TNN_STACK_gather 512
#define TNN_STACK_quant 1024
#define TNN_STACK_dequant 512
#define TNN_STACK_mthr 512
#define TNN_STACK_bwfc 5120       /* 4 KB of decoded base-3 rows */
#define TNN_STACK_bwconv 40960    /* the generic path's 32 KB patch */
#define TNN_STACK_bapack 1024
#define TNN_STACK_bafc 1024
#define TNN_STACK_baconv 4608     /* tables in the workspace (out[1]) */
#define TNN_STACK_bapool 512
#define TNN_STACK_i8quant 1024     /* a 256-byte run of codes */
#define TNN_STACK_i8fc 1024
#define TNN_STACK_i8conv 2048      /* patches in the workspace (out[1]); the VNNI tiles spill */

#define TNN_FIELD_I(x) int64_t x;
#define TNN_FIELD_F(x) double x;
#define TNN_FIELD_A(x, n) int64_t x[n];
#define TNN_DEFINE_PARAMS(kind)                                               \
  typedef struct tnn_##kind##_params {                                        \
    TNN_FIELDS_##kind(TNN_FIELD_I, TNN_FIELD_F, TNN_FIELD_A)                  \
  } tnn_##kind##_params;
TNN_PARAM_KINDS(TNN_DEFINE_PARAMS)

/* Walks the multi-index of a tensor with `rank` dims in row-major order,
 * keeping one flat offset per operand: off[k] += s[k][d] on each step. */
TNN_INLINE void tnn_index_next(int64_t rank, const int64_t *dims,
                                  int64_t *idx) {
  for (int64_t d = rank - 1; d >= 0; d--) {
    if (++idx[d] < dims[d]) return;
    idx[d] = 0;
  }
}

TNN_INLINE int64_t tnn_offset(int64_t rank, const int64_t *idx,
                                 const int64_t *strides) {
  int64_t o = 0;
  for (int64_t d = 0; d < rank; d++) o += idx[d] * strides[d];
  return o;
}

/* Splitting a kernel over threads (tnnc --threads, tnn_thread.h).  A
 * kernel that can be split also has
 *
 *     int tnn_<name>_part(const void *params, const void *const *in,
 *                         void *const *out, int64_t part, int64_t nparts);
 *
 * which computes the share `part` of `nparts` of the outputs; the shares
 * are disjoint, and running every share (in any order, at the same time)
 * writes the same bytes as the kernel itself, which is its share 0 of 1.
 * A kernel with a workspace (out[1], `scratch` bytes) gives share i the
 * bytes at i * tnn_part_scratch(scratch), so its workspace is planned
 * nparts times as large.  TNN_PART_KERNELS lists them. */
TNN_INLINE int64_t tnn_part_scratch(int64_t scratch) { return (scratch + 63) / 64 * 64; }

/* Share `part` of `nparts` of n units taken in steps of `align` (the last
 * step may be short): [*lo, *hi), empty when there are fewer steps than
 * shares. */
TNN_INLINE void tnn_part_range(int64_t n, int64_t align, int64_t part, int64_t nparts,
                               int64_t *lo, int64_t *hi) {
  const int64_t steps = (n + align - 1) / align;
  *lo = steps * part / nparts * align;
  *hi = steps * (part + 1) / nparts * align;
  if (*lo > n) *lo = n;
  if (*hi > n) *hi = n;
}

#include "tnn_elementwise.h"
#include "tnn_nn.h"
#include "tnn_conv.h"
#include "tnn_pool.h"
#include "tnn_data.h"
#include "tnn_quant.h"
#include "tnn_bw_fc.h"
#include "tnn_bw_conv.h"
#include "tnn_ba_pack.h"
#include "tnn_ba_fc.h"
#include "tnn_ba_conv.h"
#include "tnn_ba_pool.h"
#include "tnn_i8_quant.h"
#include "tnn_i8_fc.h"
#include "tnn_i8_conv.h"
#include "tnn_i8_pool.h"
#include "tnn_unary_math.h"
#include "tnn_reduce.h"
#include "tnn_binary_ext.h"
#include "tnn_norm.h"
#include "tnn_index.h"
#include "tnn_loss.h"
#include "tnn_layout.h"
#include "tnn_index_nd.h"
#include "tnn_resize.h"

/* The kernel files: each defines TNN_KERNELS_<LIST>(K), its kernels with
 * the params kind each takes.  tnnc's kernel table is TNN_KERNELS; a
 * generated model.c carries only the files of the kernels it calls (with
 * the tnn_*.h files those include).  A new kernel file: its #include
 * above, one X(...) here, its list in TNN_KERNELS, meson.build's
 * runtime_headers. */
#define TNN_KERNEL_FILES(X)                                                   \
  X("tnn_elementwise.h", ELEMENTWISE) X("tnn_conv.h", CONV) X("tnn_nn.h", NN)  \
  X("tnn_pool.h", POOL) X("tnn_data.h", DATA) X("tnn_quant.h", QUANT)         \
  X("tnn_bw_fc.h", BW_FC) X("tnn_bw_conv.h", BW_CONV)                         \
  X("tnn_ba_pack.h", BA_PACK) X("tnn_ba_fc.h", BA_FC)                         \
  X("tnn_ba_conv.h", BA_CONV) X("tnn_ba_pool.h", BA_POOL)                     \
  X("tnn_i8_quant.h", I8_QUANT) X("tnn_i8_fc.h", I8_FC)                       \
  X("tnn_i8_conv.h", I8_CONV) X("tnn_i8_pool.h", I8_POOL)                     \
  X("tnn_unary_math.h", UNARY_MATH) X("tnn_reduce.h", REDUCE)                 \
  X("tnn_binary_ext.h", BINARY_EXT) X("tnn_norm.h", NORM)                     \
  X("tnn_index.h", INDEX) X("tnn_loss.h", LOSS) X("tnn_layout.h", LAYOUT)    \
  X("tnn_index_nd.h", INDEX_ND) X("tnn_resize.h", RESIZE)

/* Every kernel, with the params kind it takes: tnnc's kernel table. */
#define TNN_KERNELS(K)                                                        \
  TNN_KERNELS_ELEMENTWISE(K)                                                  \
  TNN_KERNELS_CONV(K)                                                         \
  TNN_KERNELS_NN(K)                                                           \
  TNN_KERNELS_POOL(K)                                                         \
  TNN_KERNELS_DATA(K)                                                         \
  TNN_KERNELS_QUANT(K)                                                        \
  TNN_KERNELS_BW_FC(K)                                                        \
  TNN_KERNELS_BW_CONV(K)                                                      \
  TNN_KERNELS_BA_PACK(K)                                                      \
  TNN_KERNELS_BA_FC(K)                                                        \
  TNN_KERNELS_BA_CONV(K)                                                      \
  TNN_KERNELS_BA_POOL(K)                                                      \
  TNN_KERNELS_I8_QUANT(K)                                                     \
  TNN_KERNELS_I8_FC(K)                                                        \
  TNN_KERNELS_I8_CONV(K)                                                      \
  TNN_KERNELS_I8_POOL(K)                                                      \
  TNN_KERNELS_UNARY_MATH(K)                                                   \
  TNN_KERNELS_REDUCE(K)                                                       \
  TNN_KERNELS_BINARY_EXT(K)                                                   \
  TNN_KERNELS_NORM(K)                                                         \
  TNN_KERNELS_INDEX(K)                                                        \
  TNN_KERNELS_LOSS(K)                                                         \
  TNN_KERNELS_LAYOUT(K)                                                       \
  TNN_KERNELS_INDEX_ND(K)                                                     \
  TNN_KERNELS_RESIZE(K)

/* The kernels with a tnn_<name>_part (above), for tnnc --threads. */
#define TNN_PART_KERNELS(P)                                                   \
  P(f32_conv2d_mb) P(f32_gemm) P(f32_relu) P(f32_clip) P(f32_max_pool)        \
  P(f32_avg_pool) P(f32_bapack) P(f32_bwconv_mb) P(x_baconv) P(x_bafc)        \
  P(x_pad) P(x_i8conv)

/* --threads=N: the thread pool (tnnc defines TNN_THREADS before the
 * runtime of an output that uses it). */
#if defined(TNN_THREADS)
#include "tnn_thread.h"
#endif

#endif
