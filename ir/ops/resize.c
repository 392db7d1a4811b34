/* Resize and Upsample (kernels in runtime/tnn_resize.h).
 *
 * Upsample(x; mode, scales) at opset 7 (scales an attribute), Upsample(x,
 * scales; mode) at 9; Resize(x, scales; mode) at 10; Resize(x, roi,
 * scales, sizes; ...) from 11 on, with `axes` and keep_aspect_ratio_policy
 * from 18.  Every shape-deciding input (scales, sizes, and roi under
 * tf_crop_and_resize) must be a constant: the output shape folds.
 *
 * Output shape, as onnxruntime computes it (upsamplebase.h, in float):
 *   scales given:  out[d] = (int64)(scale[d] * in[d]), truncating;
 *   sizes given:   out[d] = sizes[d] and scale[d] = (float)out / (float)in;
 *                  under not_larger / not_smaller every listed axis takes
 *                  the min / max of those scales and
 *                  out[d] = (int64)roundf(scale * in[d]).
 * Axes not in `axes` keep scale 1, roi [0, 1].
 *
 * Before opset 11 (Upsample, Resize-10) there is no coordinate_transformation_mode
 * or nearest_mode: onnxruntime runs them asymmetric with its SIMPLE
 * nearest rounding (ceil when downsampling, truncation otherwise).
 *
 * Types: nearest moves whole elements (float, double, int8, uint8, int32,
 * int64); linear and cubic take float.  antialias = 1 widens the linear
 * and cubic filters when downsampling (the ONNX reference's filters; see
 * tnn_resize_aa_taps), nearest ignores it. */
#include <math.h>
#include <string.h>

#include "../ir.h"

typedef struct {
  int rank;
  int64_t out[IR_MAX_RANK];
  float scale[IR_MAX_RANK], roi_start[IR_MAX_RANK], roi_end[IR_MAX_RANK];
  int mode, coord, nearest, exclude, antialias;
  float cubic_a, extrap;
} ResizeCfg;

static int resize_nearest_kernel(DType t) {
  switch (t) {
  case DT_FLOAT: return TNN_K_f32_resize_nearest;
  case DT_DOUBLE: return TNN_K_f64_resize_nearest;
  case DT_INT8: return TNN_K_i8_resize_nearest;
  case DT_UINT8: return TNN_K_u8_resize_nearest;
  case DT_INT32: return TNN_K_i32_resize_nearest;
  case DT_INT64: return TNN_K_i64_resize_nearest;
  default: return -1;
  }
}

/* Index of s in the NULL-terminated names, or -1. */
static int pick(const char *s, const char *const *names) {
  for (int i = 0; names[i]; i++)
    if (!strcmp(s, names[i])) return i;
  return -1;
}

/* The string attribute `what` as an index into names (in TNN_RESIZE_*
 * order); -1 after a diag. */
static int resize_enum(Graph *g, Node *n, const char *what, const char *def,
                       const char *const *names) {
  const char *s = ir_attr_string(n, what, def);
  int i = pick(s, names);
  if (i < 0) diag_error(g->diag, n, "%s '%s' is not supported", what, s);
  return i;
}

/* Input i if present and non-empty (an empty scales beside sizes), else
 * NULL. */
static const Tensor *resize_opt(const Node *n, int i) {
  if (i >= n->nin || !n->in[i]) return NULL;
  const Tensor *t = n->in[i];
  if (t->rank == 1 && t->dims[0] == 0) return NULL;
  return t;
}

static bool resize_need_const(Graph *g, Node *n, int i, const char *what) {
  if (n->in[i]->data) return true;
  diag_error(g->diag, n, "input %d '%s' (%s) must be a constant: tnnc "
             "compiles for a static output shape", i, n->in[i]->name, what);
  return false;
}

/* The attributes and the shape-deciding inputs; false after a diag. */
static bool resize_config(Graph *g, Node *n, ResizeCfg *c) {
  static const char *const modes[] = {"nearest", "linear", "cubic", NULL};
  static const char *const coords[] = {
      "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
      "align_corners", "asymmetric", "tf_half_pixel_for_nn",
      "tf_crop_and_resize", NULL};
  static const char *const nearests[] = {
      "round_prefer_floor", "round_prefer_ceil", "floor", "ceil", NULL};
  static const char *const policies[] = {"stretch", "not_larger",
                                         "not_smaller", NULL};
  const Tensor *x = n->in[0];
  const bool resize = n->op == OP_RESIZE, v11 = resize && g->opset >= 11;
  const int r = x->rank;
  memset(c, 0, sizeof *c);
  c->rank = r;
  if (r < 1) {
    diag_error(g->diag, n, "input 0 '%s' is a scalar; %s needs rank >= 1",
               x->name, n->op_type);
    return false;
  }
  c->mode = resize_enum(g, n, "mode", "nearest", modes);
  if (c->mode < 0) return false;
  if (c->mode == TNN_RESIZE_CUBIC && !resize) {
    diag_error(g->diag, n, "mode 'cubic' is not an Upsample mode");
    return false;
  }
  if (v11) {
    c->coord = resize_enum(g, n, "coordinate_transformation_mode",
                           "half_pixel", coords);
    c->nearest = resize_enum(g, n, "nearest_mode", "round_prefer_floor",
                             nearests);
    if (c->coord < 0 || c->nearest < 0) return false;
  } else {
    c->coord = TNN_RESIZE_ASYMMETRIC;
    c->nearest = TNN_RESIZE_SIMPLE;
  }
  c->cubic_a = ir_attr_float(n, "cubic_coeff_a", -0.75f);
  c->exclude = ir_attr_int(n, "exclude_outside", 0) != 0;
  c->extrap = ir_attr_float(n, "extrapolation_value", 0.0f);
  c->antialias = resize && ir_attr_int(n, "antialias", 0) != 0 &&
                 c->mode != TNN_RESIZE_NEAREST;
  int policy = resize_enum(g, n, "keep_aspect_ratio_policy", "stretch",
                           policies);
  if (policy < 0) return false;

  /* axes: the axes scales / sizes / roi list (default all, in order) */
  int axes[IR_MAX_RANK], naxes = r;
  int64_t av[IR_MAX_RANK + 1];
  int na = ir_attr_ints(n, "axes", av, IR_MAX_RANK + 1);
  bool seen[IR_MAX_RANK] = {false};
  if (na > r) {
    diag_error(g->diag, n, "axes lists %d axes for rank %d", na, r);
    return false;
  }
  if (na >= 0) naxes = na;
  for (int i = 0; i < naxes; i++) {
    bool ok = true;
    axes[i] = na >= 0 ? opk_norm_axis(g, n, av[i], r, &ok) : i;
    if (!ok) return false;
    if (seen[axes[i]]) {
      diag_error(g->diag, n, "axis %d appears twice in axes", axes[i]);
      return false;
    }
    seen[axes[i]] = true;
  }
  for (int d = 0; d < r; d++) {
    c->scale[d] = 1.0f;
    c->roi_start[d] = 0.0f;
    c->roi_end[d] = 1.0f;
    c->out[d] = x->dims[d];
  }

  /* scales: an attribute (Upsample-7) or the input at is */
  const int is = !resize ? 1 : v11 ? 2 : 1;
  const Tensor *st = NULL, *sz = v11 ? resize_opt(n, 3) : NULL;
  float sv[IR_MAX_RANK];
  int nsv = -1;
  if (!resize && g->opset < 9) {
    const Attr *a = ir_attr(n, "scales");
    if (!a || a->type != ATTR_FLOATS) {
      diag_error(g->diag, n, "attribute scales (floats) is missing");
      return false;
    }
    if (a->n != r) {
      diag_error(g->diag, n, "attribute scales has %d values for rank %d",
                 a->n, r);
      return false;
    }
    nsv = a->n;
    for (int i = 0; i < nsv; i++) sv[i] = a->floats[i];
  } else {
    st = resize_opt(n, is);
  }
  if (st && sz) {
    diag_error(g->diag, n, "both scales and sizes are given; Resize takes "
               "one of them");
    return false;
  }
  if (nsv < 0 && !st && !sz) {
    diag_error(g->diag, n, "neither scales nor sizes is given");
    return false;
  }
  if (st) {
    if (!resize_need_const(g, n, is, "scales")) return false;
    if (st->dtype != DT_FLOAT || st->rank != 1 || st->dims[0] != naxes) {
      diag_error(g->diag, n, "input %d '%s' (scales) must be a 1-D float "
                 "tensor of %d values", is, st->name, naxes);
      return false;
    }
    nsv = naxes;
    for (int i = 0; i < nsv; i++) sv[i] = (float)ir_const_double(st, i);
  }
  if (nsv >= 0) {
    for (int i = 0; i < nsv; i++) {
      const int d = axes[i];
      if (!(sv[i] > 0) || !isfinite(sv[i])) {
        diag_error(g->diag, n, "scales[%d] = %g is not a positive number", i,
                   (double)sv[i]);
        return false;
      }
      const float o = sv[i] * (float)x->dims[d];
      if (!(o < (float)g->limits->max_tensor_elements)) {
        diag_error(g->diag, n, "scales[%d] = %g makes axis %d longer than "
                   "the element limit of %lld", i, (double)sv[i], d,
                   (long long)g->limits->max_tensor_elements);
        return false;
      }
      c->scale[d] = sv[i];
      c->out[d] = (int64_t)o;
      /* align_corners divides by length_resized - 1: onnxruntime takes the
       * output length, the ONNX reference (and the backend tests made with
       * it) scale * input length; they agree only when that is whole */
      if (c->coord == TNN_RESIZE_ALIGN_CORNERS && o != floorf(o)) {
        diag_error(g->diag, n, "align_corners with scales[%d] = %g: axis %d "
                   "of length %lld resizes to %g, not a whole length, where "
                   "onnxruntime and the ONNX reference implementation "
                   "compute different coordinates; give sizes instead", i,
                   (double)sv[i], d, (long long)x->dims[d], (double)o);
        return false;
      }
    }
  } else {
    if (!resize_need_const(g, n, 3, "sizes")) return false;
    if (sz->dtype != DT_INT64 || sz->rank != 1 || sz->dims[0] != naxes) {
      diag_error(g->diag, n, "input 3 '%s' (sizes) must be a 1-D int64 "
                 "tensor of %d values", sz->name, naxes);
      return false;
    }
    float pol = policy == 1 ? INFINITY : -INFINITY;
    for (int i = 0; i < naxes; i++) {
      const int d = axes[i];
      const int64_t v = ir_const_int(sz, i);
      if (v <= 0 || v > g->limits->max_tensor_elements) {
        diag_error(g->diag, n, "sizes[%d] = %lld is out of range", i,
                   (long long)v);
        return false;
      }
      c->out[d] = v;
      c->scale[d] = (float)v / (float)x->dims[d];
      if (policy == 1 && c->scale[d] < pol) pol = c->scale[d];
      if (policy == 2 && c->scale[d] > pol) pol = c->scale[d];
    }
    if (policy != 0)
      for (int i = 0; i < naxes; i++) {
        const int d = axes[i];
        c->scale[d] = pol;
        c->out[d] = (int64_t)roundf(pol * (float)x->dims[d]);
      }
  }
  int64_t numel;
  for (int d = 0; d < r; d++) {
    if (c->out[d] < 1) {
      diag_error(g->diag, n, "output axis %d would be empty (scale %g of "
                 "length %lld)", d, (double)c->scale[d],
                 (long long)x->dims[d]);
      return false;
    }
    /* pytorch_half_pixel to one pixel: onnxruntime samples coordinate 0,
     * the ONNX reference -0.5; linear and nearest clamp both to pixel 0,
     * cubic weighs them differently */
    if (c->coord == TNN_RESIZE_PYTORCH_HALF_PIXEL &&
        c->mode == TNN_RESIZE_CUBIC && c->out[d] == 1 && x->dims[d] > 1) {
      diag_error(g->diag, n, "cubic pytorch_half_pixel resize of axis %d "
                 "to length 1: onnxruntime and the ONNX reference "
                 "implementation sample different coordinates", d);
      return false;
    }
  }
  if (!ir_shape_numel(c->out, r, g->limits->max_tensor_elements, &numel)) {
    diag_error(g->diag, n, "the output has more elements than the limit of "
               "%lld", (long long)g->limits->max_tensor_elements);
    return false;
  }

  /* roi: [starts of the axes..., ends...], read only by tf_crop_and_resize */
  const Tensor *roi = v11 ? resize_opt(n, 1) : NULL;
  if (c->coord == TNN_RESIZE_TF_CROP_AND_RESIZE && roi) {
    if (!resize_need_const(g, n, 1, "roi")) return false;
    if ((roi->dtype != DT_FLOAT && roi->dtype != DT_DOUBLE) ||
        roi->rank != 1 || roi->dims[0] != 2 * naxes) {
      diag_error(g->diag, n, "input 1 '%s' (roi) must be a 1-D float tensor "
                 "of %d values", roi->name, 2 * naxes);
      return false;
    }
    for (int i = 0; i < naxes; i++) {
      c->roi_start[axes[i]] = (float)ir_const_double(roi, i);
      c->roi_end[axes[i]] = (float)ir_const_double(roi, naxes + i);
      if (!isfinite(c->roi_start[axes[i]]) || !isfinite(c->roi_end[axes[i]])) {
        diag_error(g->diag, n, "input 1 '%s' (roi) holds a value that is "
                   "not a finite float", roi->name);
        return false;
      }
    }
  }
  if (c->mode != TNN_RESIZE_NEAREST && x->dtype != DT_FLOAT) {
    diag_error(g->diag, n, "input 0 '%s' has type %s; mode '%s' takes "
               "float (nearest also double and int8/uint8/int32/int64)",
               x->name, dtype_name(x->dtype), modes[c->mode]);
    return false;
  }
  if (c->mode == TNN_RESIZE_NEAREST && resize_nearest_kernel(x->dtype) < 0) {
    diag_error(g->diag, n, "input 0 '%s' has type %s; nearest takes float, "
               "double, int8, uint8, int32 or int64", x->name,
               dtype_name(x->dtype));
    return false;
  }
  return true;
}

static bool resize_infer(Graph *g, Node *n) {
  ResizeCfg c;
  if (!resize_config(g, n, &c)) return false;
  ir_tensor_set_shape(n->out[0], n->in[0]->dtype, c.rank, c.out);
  return true;
}

static int64_t float_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return (int64_t)u;
}

static bool resize_lower(Graph *g, Node *n) {
  const Tensor *x = n->in[0];
  ResizeCfg c;
  if (n->nout == 2) return true;       /* lowered already (folding) */
  if (!resize_config(g, n, &c)) return false;
  tnn_resize_params *p = opk_params(g, sizeof *p);
  p->rank = c.rank;
  for (int d = 0; d < c.rank; d++) {
    p->in_dims[d] = x->dims[d];
    p->out_dims[d] = c.out[d];
    /* onnxruntime skips the coordinate of an axis of scale 1 (it takes
     * x -> x); with the same length every transform but the two tf_ ones
     * maps x to x anyway */
    p->ident[d] = c.scale[d] == 1.0f && c.out[d] == x->dims[d] &&
                  c.coord != TNN_RESIZE_TF_CROP_AND_RESIZE &&
                  c.coord != TNN_RESIZE_TF_HALF_PIXEL_FOR_NN;
    p->taps[d] = p->ident[d] || c.mode == TNN_RESIZE_NEAREST ? 1
                 : c.mode == TNN_RESIZE_LINEAR               ? 2
                                                              : 4;
    if (c.antialias && !p->ident[d]) {
      /* the filter's support (1 linear, 2 cubic) over min(scale, 1):
       * taps start .. 1 - start, start = floor(-support / s) + 1 */
      const float s = c.scale[d] > 1.0f ? 1.0f : c.scale[d];
      const float support = c.mode == TNN_RESIZE_LINEAR ? 1.0f : 2.0f;
      p->taps[d] = 2 - 2 * ((int64_t)floorf(-support / s) + 1);
    }
    p->coef[3 * d] = float_bits(c.scale[d]);
    p->coef[3 * d + 1] = float_bits(c.roi_start[d]);
    p->coef[3 * d + 2] = float_bits(c.roi_end[d]);
  }
  p->mode = c.mode;
  p->coord = c.coord;
  p->nearest = c.nearest;
  p->cubic_a = c.cubic_a;
  p->exclude = c.exclude;
  p->extrap = c.extrap;
  p->antialias = c.antialias;
  p->scratch = tnn_resize_scratch(p);
  n->call.kernel = c.mode == TNN_RESIZE_NEAREST
                       ? resize_nearest_kernel(x->dtype)
                       : TNN_K_f32_resize;
  n->call.params = p;
  /* roi, scales and sizes are in the params now: the kernel reads x alone,
   * and the constants need not be in the output */
  for (int i = 1; i < n->nin; i++) n->in[i] = NULL;
  /* the per-axis tables: a second output in the workspace, live for this
   * node only */
  Tensor **outs = arena_calloc(g->arena, 2, sizeof *outs);
  Tensor *s = ir_tensor_new(g, arena_printf(g->arena, "%s/tables",
                                            n->out[0]->name));
  ir_tensor_set_shape(s, DT_UINT8, 1, &p->scratch);
  s->producer = n;
  outs[0] = n->out[0];
  outs[1] = s;
  n->out = outs;
  n->nout = 2;
  return true;
}

const OpKind opkind_resize = {resize_infer, resize_lower};
