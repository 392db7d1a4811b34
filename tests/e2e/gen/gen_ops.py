#!/usr/bin/python3
"""Generate the per-op end-to-end fixtures under tests/e2e/models/.

    /usr/bin/python3 tests/e2e/gen/gen_ops.py [--out DIR] [--only REGEX]

Builds one small ONNX model per op / variant with onnx.helper and writes
models/<name>/model.onnx plus input_K.npy (one per runtime input; most
models have exactly one float32 input, other operands are initializers).
Inputs come from a fixed per-model seed, so reruns give identical files.
Reference outputs (ref_K.npy) are written by onnxruntime: see ../README.md.
Models at opset <= 17 are validated with onnx.checker (full check, with
shape inference); newer opsets are beyond this onnx's checker and are only
checked by onnxruntime when the references are written.
"""
import argparse
import os
import re
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
I64 = TensorProto.INT64
BOOL = TensorProto.BOOL

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_CHECKER_OPSET = onnx.defs.onnx_opset_version()

MODELS = []  # (name, builder)


def model(name):
    def deco(fn):
        MODELS.append((name, fn))
        return fn
    return deco


class G:
    """A small graph under construction."""

    def __init__(self, name, opset=13):
        self.name = name
        self.opset = opset
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))
        self.nodes, self.inputs, self.outputs, self.inits = [], [], [], []
        self.data = []
        self.n = 0

    def tmp(self, base='t'):
        self.n += 1
        return f'{base}{self.n}'

    # -- values
    def randn(self, *shape, scale=1.0):
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    def input(self, arr, name=None, shape=None, f64=False):
        """A runtime input holding arr; shape may name symbolic dims.
        float64 becomes float32 unless f64."""
        if name is None:
            name = f'x{len(self.inputs)}'
        arr = np.asarray(arr)
        if arr.dtype == np.float64 and not f64:
            arr = arr.astype(np.float32)
        et = helper.np_dtype_to_tensor_dtype(arr.dtype) if hasattr(helper, 'np_dtype_to_tensor_dtype') \
            else onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[arr.dtype]
        self.inputs.append(helper.make_tensor_value_info(name, et, shape if shape is not None else arr.shape))
        self.data.append(arr)
        return name

    def init(self, arr, name=None, f64=False):
        name = name or self.tmp('c')
        arr = np.asarray(arr)
        if arr.dtype == np.float64 and not f64:
            arr = arr.astype(np.float32)
        self.inits.append(numpy_helper.from_array(arr, name))
        return name

    def i64(self, vals, name=None):
        return self.init(np.array(vals, dtype=np.int64), name)

    def f32(self, vals, name=None):
        return self.init(np.array(vals, dtype=np.float32), name)

    def rinit(self, *shape, scale=1.0, name=None):
        return self.init(self.randn(*shape, scale=scale), name)

    # -- nodes
    def op(self, op_type, ins, n_out=1, **attrs):
        outs = [self.tmp() for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, list(ins), outs, **attrs))
        return outs[0] if n_out == 1 else outs

    def out(self, *names, elem=F, shape=None):
        """Mark graph outputs; shape only where onnx's inference can't tell."""
        for nm in names:
            self.outputs.append((nm, elem, shape))

    def build(self):
        # Graph outputs get their type and shape from onnx's shape inference;
        # the intermediate value_info it adds is dropped again.
        renames = {}
        for k, (nm, _, _) in enumerate(self.outputs):
            renames[nm] = 'y' if len(self.outputs) == 1 else f'y{k}'
        nodes = []
        for nd in self.nodes:
            nd.output[:] = [renames.get(o, o) for o in nd.output]
            nd.input[:] = [renames.get(i, i) for i in nd.input]
            nodes.append(nd)
        outs = [helper.make_tensor_value_info(renames[nm], et, shp) for nm, et, shp in self.outputs]
        graph = helper.make_graph(nodes, self.name, self.inputs, outs, self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', self.opset)],
                              producer_name='tnnc-gen_ops')
        m.ir_version = 8 if self.opset <= 18 else 9 if self.opset <= 20 else 10
        if self.opset <= MAX_CHECKER_OPSET:
            inf = onnx.shape_inference.infer_shapes(m, strict_mode=True, data_prop=True)
            shapes = {vi.name: vi.type for vi in list(inf.graph.value_info) + list(inf.graph.output)}
            for o in m.graph.output:
                t = shapes.get(o.name)
                if t is not None and t.tensor_type.HasField('shape') and not o.type.tensor_type.HasField('shape'):
                    o.type.CopyFrom(t)
            onnx.checker.check_model(m, full_check=True)
        return m


def unary_model(name, op_type, opset=13, shape=(2, 3, 4, 5), data=None, **attrs):
    @model(name)
    def _b(g):
        x = g.input(g.randn(*shape) if data is None else data(g))
        g.out(g.op(op_type, [x], **attrs))
    return _b


# ======================================================================
# Conv
# ======================================================================
def conv(g, xshape, wshape, bias=True, **attrs):
    x = g.input(g.randn(*xshape))
    ins = [x, g.rinit(*wshape, scale=0.3)]
    if bias:
        ins.append(g.rinit(wshape[0]))
    g.out(g.op('Conv', ins, **attrs))


@model('conv_basic')
def _(g): conv(g, (1, 3, 8, 8), (4, 3, 3, 3), kernel_shape=[3, 3], pads=[1, 1, 1, 1])


@model('conv_nobias')
def _(g): conv(g, (1, 3, 7, 6), (5, 3, 3, 2), bias=False)


@model('conv_batch2_nokernelshape')
def _(g): conv(g, (2, 3, 6, 6), (4, 3, 3, 3), pads=[1, 1, 1, 1])


@model('conv_stride2_asympads')
def _(g): conv(g, (1, 3, 9, 8), (4, 3, 3, 3), strides=[2, 2], pads=[1, 0, 2, 1])


@model('conv_strides_hw')
def _(g): conv(g, (1, 2, 9, 10), (3, 2, 2, 3), strides=[1, 3])


@model('conv_groups2')
def _(g): conv(g, (1, 4, 7, 7), (6, 2, 3, 3), group=2, pads=[1, 1, 1, 1])


@model('conv_groups3_nobias')
def _(g): conv(g, (1, 6, 6, 6), (3, 2, 3, 3), bias=False, group=3)


@model('conv_depthwise')
def _(g): conv(g, (1, 4, 8, 8), (4, 1, 3, 3), group=4, pads=[1, 1, 1, 1])


@model('conv_depthwise_stride2')
def _(g): conv(g, (1, 5, 9, 9), (5, 1, 3, 3), group=5, strides=[2, 2], pads=[1, 1, 1, 1])


@model('conv_depthwise_mult2')
def _(g): conv(g, (1, 3, 6, 6), (6, 1, 3, 3), group=3)


@model('conv_same_upper')
def _(g): conv(g, (1, 2, 7, 7), (3, 2, 4, 3), auto_pad='SAME_UPPER')


@model('conv_same_upper_stride2')
def _(g): conv(g, (1, 2, 8, 7), (3, 2, 3, 3), auto_pad='SAME_UPPER', strides=[2, 2])


@model('conv_same_lower')
def _(g): conv(g, (1, 2, 7, 7), (3, 2, 4, 3), auto_pad='SAME_LOWER')


@model('conv_same_lower_stride2')
def _(g): conv(g, (1, 2, 8, 7), (3, 2, 2, 3), auto_pad='SAME_LOWER', strides=[2, 2])


@model('conv_valid')
def _(g): conv(g, (1, 3, 9, 8), (2, 3, 3, 3), auto_pad='VALID', strides=[2, 2])


@model('conv_dilations')
def _(g): conv(g, (1, 2, 9, 9), (3, 2, 3, 3), dilations=[2, 2], pads=[2, 2, 2, 2])


@model('conv_dilations_stride')
def _(g): conv(g, (1, 2, 10, 9), (2, 2, 2, 3), dilations=[2, 1], strides=[2, 1], pads=[0, 1, 1, 0])


@model('conv_1x1')
def _(g): conv(g, (1, 8, 5, 5), (4, 8, 1, 1))


@model('conv_1d')
def _(g): conv(g, (1, 3, 16), (5, 3, 3), strides=[2], pads=[1, 1])


@model('conv_1d_dilated_groups')
def _(g): conv(g, (2, 4, 12), (4, 2, 3), group=2, dilations=[2], pads=[2, 1])


# ConvTranspose: W is [C, M/group, kH, kW]
def convt(g, xshape, wshape, bias=True, group=1, w_input=False, **attrs):
    x = g.input(g.randn(*xshape))
    w = g.randn(*wshape, scale=0.3)
    ins = [x, g.input(w) if w_input else g.init(w)]
    if bias:
        ins.append(g.rinit(wshape[1] * group))
    g.out(g.op('ConvTranspose', ins, group=group, **attrs))


@model('convt_decoder_k4s2p1')
def _(g): convt(g, (1, 16, 8, 8), (16, 8, 4, 4), strides=[2, 2], pads=[1, 1, 1, 1])


@model('convt_decoder_k4s2p1_nobias')
def _(g): convt(g, (1, 16, 8, 8), (16, 8, 4, 4), bias=False, strides=[2, 2], pads=[1, 1, 1, 1])


@model('convt_groups2_stride2')
def _(g): convt(g, (2, 4, 5, 5), (4, 3, 3, 3), group=2, strides=[2, 2])


@model('convt_depthwise_nobias')
def _(g): convt(g, (1, 3, 6, 5), (3, 1, 3, 3), bias=False, group=3, strides=[2, 1], pads=[1, 1, 1, 1])


@model('convt_dilations_asympads')
def _(g): convt(g, (1, 2, 5, 6), (2, 3, 3, 2), dilations=[2, 3], pads=[1, 0, 2, 1])


@model('convt_output_padding')
def _(g): convt(g, (1, 3, 4, 4), (3, 2, 3, 3), strides=[2, 3], output_padding=[1, 2], pads=[1, 1, 0, 1])


@model('convt_1d_stride3')
def _(g): convt(g, (2, 3, 10), (3, 4, 5), strides=[3], pads=[2, 1])


@model('convt_1d_nobias_groups')
def _(g): convt(g, (1, 4, 7), (4, 2, 3), bias=False, group=2, strides=[2], output_padding=[1])


@model('convt_same_upper_odd')
def _(g): convt(g, (1, 2, 5, 4), (2, 3, 3, 3), strides=[2, 2], auto_pad='SAME_UPPER')


@model('convt_same_lower_odd')
def _(g): convt(g, (1, 2, 5, 4), (2, 3, 3, 3), strides=[2, 2], auto_pad='SAME_LOWER')


@model('convt_output_shape_overrides_pads')
def _(g): convt(g, (1, 2, 4, 4), (2, 2, 3, 3), strides=[2, 2], pads=[0, 0, 0, 0], output_shape=[8, 10])


@model('convt_opset1_weights_input')
def _(g):
    g.opset = 1
    convt(g, (1, 3, 4, 5), (3, 2, 2, 3), w_input=True, strides=[2, 2], pads=[0, 1, 1, 0])


@model('conv_opset7_same_upper')
def _(g):
    g.opset = 7
    conv(g, (1, 2, 6, 6), (3, 2, 2, 2), auto_pad='SAME_UPPER')


@model('conv_opset21')
def _(g):
    g.opset = 21
    conv(g, (1, 3, 6, 6), (4, 3, 3, 3), pads=[1, 1, 1, 1], strides=[2, 2])
    g.outputs[-1] = g.outputs[-1][:2] + ([1, 4, 3, 3],)


# ======================================================================
# Gemm / MatMul
# ======================================================================
def gemm(g, a_shape, b_shape, c_shape, **attrs):
    a = g.input(g.randn(*a_shape))
    ins = [a, g.rinit(*b_shape)]
    if c_shape is not None:
        ins.append(g.rinit(*c_shape))
    g.out(g.op('Gemm', ins, **attrs))


@model('gemm_bias_n')
def _(g): gemm(g, (3, 5), (5, 4), (4,))


@model('gemm_bias_1n_alpha_beta')
def _(g): gemm(g, (3, 5), (5, 4), (1, 4), alpha=0.5, beta=2.0)


@model('gemm_bias_mn_transA')
def _(g): gemm(g, (5, 3), (5, 4), (3, 4), transA=1)


@model('gemm_bias_scalar_transB')
def _(g): gemm(g, (3, 5), (4, 5), (), transB=1, beta=0.5)


@model('gemm_bias_1_transAB')
def _(g): gemm(g, (5, 3), (4, 5), (1,), transA=1, transB=1, alpha=1.5)


@model('gemm_bias_m1')
def _(g): gemm(g, (3, 5), (5, 4), (3, 1))


@model('gemm_nobias')
def _(g): gemm(g, (4, 6), (6, 3), None, alpha=2.0)


@model('gemm_opset7_transB')
def _(g):
    g.opset = 7
    gemm(g, (2, 6), (5, 6), (5,), transB=1)


@model('gemm_opset11_nobias')
def _(g):
    g.opset = 11
    gemm(g, (2, 6), (6, 3), None)


@model('gemm_two_inputs')
def _(g):
    a = g.input(g.randn(3, 4))
    b = g.input(g.randn(4, 5))
    g.out(g.op('Gemm', [a, b, g.rinit(5)], alpha=0.7))


def matmul(g, x_shape, w_shape, w_left=False):
    x = g.input(g.randn(*x_shape))
    w = g.rinit(*w_shape)
    g.out(g.op('MatMul', [w, x] if w_left else [x, w]))


@model('matmul_2d')
def _(g): matmul(g, (3, 5), (5, 4))


@model('matmul_3d_x_2d')
def _(g): matmul(g, (2, 3, 5), (5, 4))


@model('matmul_4d_bcast')
def _(g): matmul(g, (2, 1, 3, 5), (3, 5, 4))


@model('matmul_2d_x_3d_left')
def _(g): matmul(g, (2, 3, 5), (4, 3), w_left=True)


@model('matmul_1d_left')
def _(g): matmul(g, (5,), (5, 4))


@model('matmul_1d_right')
def _(g): matmul(g, (2, 3, 5), (5,))


@model('matmul_1d_x_3d')
def _(g): matmul(g, (3,), (2, 3, 4))


@model('matmul_4d_two_inputs')
def _(g):
    a = g.input(g.randn(2, 3, 4, 5))
    b = g.input(g.randn(1, 3, 5, 2))
    g.out(g.op('MatMul', [a, b]))


@model('matmul_opset9')
def _(g):
    g.opset = 9
    matmul(g, (4, 6), (6, 2))


# ======================================================================
# Binary elementwise
# ======================================================================
def binary(g, op_type, x_shape, c_shape, const_left=False, positive_c=False, positive_x=False):
    xv = g.randn(*x_shape)
    if positive_x:
        xv = np.abs(xv) + 0.5
    x = g.input(xv)
    cv = g.randn(*c_shape)
    if positive_c:
        cv = np.abs(cv) + 0.5
    c = g.init(cv)
    g.out(g.op(op_type, [c, x] if const_left else [x, c]))


@model('add_same_shape')
def _(g): binary(g, 'Add', (2, 3, 4, 5), (2, 3, 4, 5))


@model('add_scalar')
def _(g): binary(g, 'Add', (2, 3, 4, 5), ())


@model('add_c11')
def _(g): binary(g, 'Add', (1, 3, 4, 5), (3, 1, 1))


@model('add_row')
def _(g): binary(g, 'Add', (2, 3, 4, 5), (5,))


@model('add_two_inputs_bcast')
def _(g):
    a = g.input(g.randn(2, 1, 4))
    b = g.input(g.randn(3, 1))
    g.out(g.op('Add', [a, b]))


@model('add_self')
def _(g):
    x = g.input(g.randn(3, 4))
    g.out(g.op('Add', [x, x]))


@model('add_opset7_bcast')
def _(g):
    g.opset = 7
    binary(g, 'Add', (2, 3, 4), (3, 1))


@model('sub_c11')
def _(g): binary(g, 'Sub', (1, 3, 4, 5), (3, 1, 1))


@model('sub_scalar_left')
def _(g): binary(g, 'Sub', (2, 3, 4), (), const_left=True)


@model('sub_bcast_left')
def _(g): binary(g, 'Sub', (2, 3, 4), (3, 1), const_left=True)


@model('mul_scalar')
def _(g): binary(g, 'Mul', (2, 3, 4, 5), ())


@model('mul_c11')
def _(g): binary(g, 'Mul', (2, 3, 4, 5), (3, 1, 1))


@model('mul_two_inputs_bcast')
def _(g):
    a = g.input(g.randn(4, 1, 3))
    b = g.input(g.randn(2, 1))
    g.out(g.op('Mul', [a, b]))


@model('mul_self')
def _(g):
    x = g.input(g.randn(2, 5))
    g.out(g.op('Mul', [x, x]))


@model('div_c11')
def _(g): binary(g, 'Div', (1, 3, 4, 5), (3, 1, 1), positive_c=True)


@model('div_scalar')
def _(g): binary(g, 'Div', (2, 3, 4), (), positive_c=True)


@model('div_left_const')
def _(g): binary(g, 'Div', (2, 3, 4), (4,), const_left=True, positive_x=True)


@model('div_opset14_row')
def _(g):
    g.opset = 14
    binary(g, 'Div', (3, 4, 5), (5,), positive_c=True)


# ======================================================================
# Unary / activations
# ======================================================================
unary_model('relu', 'Relu')
unary_model('relu_opset6', 'Relu', opset=6)
unary_model('leakyrelu', 'LeakyRelu', alpha=0.1)
unary_model('leakyrelu_default', 'LeakyRelu', shape=(3, 7))
unary_model('sigmoid', 'Sigmoid', data=lambda g: g.randn(2, 3, 4, 5, scale=4.0))
unary_model('tanh', 'Tanh', data=lambda g: g.randn(2, 3, 4, 5, scale=3.0))
unary_model('hardsigmoid', 'HardSigmoid', data=lambda g: g.randn(2, 3, 4, 5, scale=4.0), alpha=0.3, beta=0.4)
unary_model('hardsigmoid_default', 'HardSigmoid', data=lambda g: g.randn(4, 6, scale=5.0))
unary_model('abs', 'Abs')
unary_model('neg', 'Neg')
unary_model('exp', 'Exp', data=lambda g: g.randn(2, 3, 4, 5, scale=2.0))
unary_model('sqrt', 'Sqrt', data=lambda g: np.abs(g.randn(2, 3, 4, 5, scale=3.0)))
unary_model('floor', 'Floor', data=lambda g: g.randn(2, 3, 4, 5, scale=3.0))
unary_model('identity', 'Identity')


def _with_specials(g, shape, scale):
    v = g.randn(*shape, scale=scale).ravel()
    v[:8] = [0.0, -0.0, 0.5, -0.5, 1.5, -2.5, 2.5, 3.5]
    return v.reshape(shape)


unary_model('sign', 'Sign', data=lambda g: _with_specials(g, (2, 3, 4, 5), 1.0))
unary_model('round', 'Round', data=lambda g: _with_specials(g, (2, 3, 4, 5), 3.0))


@model('prelu_c11')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('PRelu', [x, g.f32(np.array([0.1, 0.25, -0.3]).reshape(3, 1, 1))]))


@model('prelu_scalar_opset9')
def _(g):
    g.opset = 9
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('PRelu', [x, g.f32([0.2])]))


@model('clip_opset6_attrs')
def _(g):
    g.opset = 6
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Clip', [x], min=-0.5, max=0.7))


@model('clip_opset13_inputs')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Clip', [x, g.f32(-0.6), g.f32(0.4)]))


@model('clip_opset13_min_only')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Clip', [x, g.f32(-0.2)]))


@model('clip_opset11_max_only')
def _(g):
    g.opset = 11
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Clip', [x, '', g.f32(0.3)]))


@model('clip_relu6')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5, scale=5.0))
    g.out(g.op('Clip', [x, g.f32(0.0), g.f32(6.0)]))


@model('pow_square')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Pow', [x, g.f32(2.0)]))


@model('pow_sqrt_positive')
def _(g):
    x = g.input(np.abs(g.randn(2, 3, 4)) + 0.1)
    g.out(g.op('Pow', [x, g.f32(0.5)]))


@model('pow_tensor_exponent')
def _(g):
    x = g.input(np.abs(g.randn(2, 3, 4)) + 0.1)
    g.out(g.op('Pow', [x, g.f32([0.0, 1.0, 3.0, -1.5])]))


@model('pow_opset7')
def _(g):
    g.opset = 7
    x = g.input(np.abs(g.randn(3, 4)) + 0.1)
    g.out(g.op('Pow', [x, g.f32([1.7])]))


@model('min_two')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Min', [x, g.rinit(3, 1)]))


@model('max_two')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Max', [x, g.rinit(4)]))


@model('max_three')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Max', [g.rinit(3, 1), x, g.rinit(1, 1, 4)]))


@model('min_three')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Min', [x, g.rinit(4), g.f32(0.1)]))


@model('max_one_opset8')
def _(g):
    g.opset = 8
    x = g.input(g.randn(2, 3))
    g.out(g.op('Max', [x]))


# ======================================================================
# Pooling
# ======================================================================
def pool(g, op_type, xshape, **attrs):
    x = g.input(g.randn(*xshape))
    g.out(g.op(op_type, [x], **attrs))


@model('maxpool_2x2')
def _(g): pool(g, 'MaxPool', (1, 3, 8, 8), kernel_shape=[2, 2], strides=[2, 2])


@model('maxpool_3x3_pads')
def _(g): pool(g, 'MaxPool', (1, 2, 7, 7), kernel_shape=[3, 3], pads=[1, 1, 1, 1])


@model('maxpool_asym_pads_strides')
def _(g): pool(g, 'MaxPool', (2, 2, 9, 8), kernel_shape=[3, 2], strides=[2, 3], pads=[0, 1, 2, 1])


@model('maxpool_ceil')
def _(g): pool(g, 'MaxPool', (1, 2, 8, 8), kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)


@model('maxpool_ceil_pads')
def _(g): pool(g, 'MaxPool', (1, 2, 9, 8), kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 0, 0], ceil_mode=1)


@model('maxpool_dilations')
def _(g): pool(g, 'MaxPool', (1, 2, 9, 9), kernel_shape=[2, 2], dilations=[2, 2])


@model('maxpool_same_upper')
def _(g): pool(g, 'MaxPool', (1, 2, 7, 7), kernel_shape=[2, 2], strides=[2, 2], auto_pad='SAME_UPPER')


@model('maxpool_1d')
def _(g): pool(g, 'MaxPool', (1, 3, 11), kernel_shape=[3], strides=[2], pads=[1, 1])


@model('maxpool_opset8')
def _(g):
    g.opset = 8
    pool(g, 'MaxPool', (1, 2, 6, 6), kernel_shape=[2, 2], strides=[2, 2])


@model('maxpool_opset12_negative')
def _(g):
    g.opset = 12
    x = g.input(-np.abs(g.randn(1, 2, 6, 6)) - 0.1)
    g.out(g.op('MaxPool', [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]))


@model('averagepool_2x2')
def _(g): pool(g, 'AveragePool', (1, 3, 8, 8), kernel_shape=[2, 2], strides=[2, 2])


@model('averagepool_pads_cip0')
def _(g): pool(g, 'AveragePool', (1, 2, 7, 7), kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=0)


@model('averagepool_pads_cip1')
def _(g): pool(g, 'AveragePool', (1, 2, 7, 7), kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)


@model('averagepool_asym_pads_cip1')
def _(g): pool(g, 'AveragePool', (1, 2, 8, 7), kernel_shape=[3, 2], strides=[2, 2], pads=[0, 1, 1, 0],
               count_include_pad=1)


@model('averagepool_ceil')
def _(g): pool(g, 'AveragePool', (1, 2, 8, 8), kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)


@model('averagepool_ceil_pads_cip0')
def _(g): pool(g, 'AveragePool', (1, 2, 8, 8), kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1],
               ceil_mode=1)


@model('averagepool_same_lower')
def _(g): pool(g, 'AveragePool', (1, 2, 7, 7), kernel_shape=[2, 2], auto_pad='SAME_LOWER')


@model('averagepool_1d')
def _(g): pool(g, 'AveragePool', (2, 3, 10), kernel_shape=[4], strides=[3])


@model('averagepool_opset7')
def _(g):
    g.opset = 7
    pool(g, 'AveragePool', (1, 2, 6, 6), kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1)


@model('globalaveragepool')
def _(g): pool(g, 'GlobalAveragePool', (2, 3, 5, 6))


@model('globalmaxpool')
def _(g): pool(g, 'GlobalMaxPool', (2, 3, 5, 6))


@model('globalaveragepool_1d')
def _(g): pool(g, 'GlobalAveragePool', (1, 4, 9))


# ======================================================================
# BatchNormalization
# ======================================================================
def bn_params(g, c):
    return [g.f32(g.rng.uniform(0.5, 1.5, c)), g.rinit(c), g.rinit(c, scale=0.5),
            g.f32(g.rng.uniform(0.5, 2.0, c))]


@model('batchnorm')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('BatchNormalization', [x] + bn_params(g, 3), epsilon=1e-3))


@model('batchnorm_opset9_2d')
def _(g):
    g.opset = 9
    x = g.input(g.randn(4, 6))
    g.out(g.op('BatchNormalization', [x] + bn_params(g, 6)))


@model('batchnorm_opset15_3d')
def _(g):
    g.opset = 15
    x = g.input(g.randn(2, 4, 7))
    g.out(g.op('BatchNormalization', [x] + bn_params(g, 4), epsilon=1e-4))


@model('conv_batchnorm')
def _(g):
    x = g.input(g.randn(1, 3, 6, 6))
    c = g.op('Conv', [x, g.rinit(4, 3, 3, 3, scale=0.3), g.rinit(4)], pads=[1, 1, 1, 1])
    g.out(g.op('BatchNormalization', [c] + bn_params(g, 4)))


@model('conv_nobias_batchnorm_relu')
def _(g):
    x = g.input(g.randn(1, 3, 6, 6))
    c = g.op('Conv', [x, g.rinit(4, 3, 3, 3, scale=0.3)], strides=[2, 2])
    b = g.op('BatchNormalization', [c] + bn_params(g, 4), epsilon=1e-3)
    g.out(g.op('Relu', [b]))


@model('conv_depthwise_batchnorm')
def _(g):
    x = g.input(g.randn(1, 4, 6, 6))
    c = g.op('Conv', [x, g.rinit(4, 1, 3, 3, scale=0.3), g.rinit(4)], group=4, pads=[1, 1, 1, 1])
    g.out(g.op('BatchNormalization', [c] + bn_params(g, 4)))


@model('gemm_batchnorm')
def _(g):
    x = g.input(g.randn(3, 5))
    y = g.op('Gemm', [x, g.rinit(6, 5), g.rinit(6)], transB=1)
    g.out(g.op('BatchNormalization', [y] + bn_params(g, 6)))


@model('matmul_add_batchnorm')
def _(g):
    x = g.input(g.randn(3, 5))
    y = g.op('Add', [g.op('MatMul', [x, g.rinit(5, 4)]), g.rinit(4)])
    g.out(g.op('BatchNormalization', [y] + bn_params(g, 4)))


# ======================================================================
# Shape manipulation
# ======================================================================
@model('flatten_axis0')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Flatten', [x], axis=0))


@model('flatten_axis1')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Flatten', [x]))


@model('flatten_axis2')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Flatten', [x], axis=2))


@model('flatten_axis_neg1_opset11')
def _(g):
    g.opset = 11
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Flatten', [x], axis=-1))


@model('reshape_zero_neg1')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Reshape', [x, g.i64([0, -1])]))


@model('reshape_neg1_middle')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Reshape', [x, g.i64([0, 0, -1, 2])]))


@model('reshape_flat')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Reshape', [x, g.i64([-1])]))


@model('reshape_opset5')
def _(g):
    g.opset = 5
    x = g.input(g.randn(2, 12))
    g.out(g.op('Reshape', [x, g.i64([4, 3, 2])]))


@model('reshape_opset19')
def _(g):
    g.opset = 19
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Reshape', [x, g.i64([0, 2, -1, 2])]), shape=[2, 2, 3, 2])


@model('transpose_nchw_nhwc')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(g.op('Transpose', [x], perm=[0, 2, 3, 1]))


@model('transpose_default')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Transpose', [x]))


@model('transpose_3d')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Transpose', [x], perm=[1, 0, 2]))


@model('transpose_2d')
def _(g):
    x = g.input(g.randn(5, 3))
    g.out(g.op('Transpose', [x], perm=[1, 0]))


@model('squeeze_opset11_attr')
def _(g):
    g.opset = 11
    x = g.input(g.randn(2, 1, 4, 1))
    g.out(g.op('Squeeze', [x], axes=[1]))


@model('squeeze_opset11_noaxes')
def _(g):
    g.opset = 11
    x = g.input(g.randn(1, 3, 1, 4))
    g.out(g.op('Squeeze', [x]), shape=[3, 4])


@model('squeeze_opset13_input')
def _(g):
    x = g.input(g.randn(2, 1, 4, 1))
    g.out(g.op('Squeeze', [x, g.i64([1, -1])]))


@model('squeeze_opset13_noaxes')
def _(g):
    x = g.input(g.randn(1, 3, 1, 4))
    g.out(g.op('Squeeze', [x]), shape=[3, 4])


@model('unsqueeze_opset11_attr')
def _(g):
    g.opset = 11
    x = g.input(g.randn(3, 4))
    g.out(g.op('Unsqueeze', [x], axes=[0, 3]))


@model('unsqueeze_opset13_input')
def _(g):
    x = g.input(g.randn(3, 4))
    g.out(g.op('Unsqueeze', [x, g.i64([-1, 1])]))


@model('concat_axis1')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Concat', [x, g.rinit(2, 2, 4)], axis=1))


@model('concat_axis_neg1_three')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Concat', [g.rinit(2, 3, 1), x, g.rinit(2, 3, 2)], axis=-1))


@model('concat_self_axis0')
def _(g):
    x = g.input(g.randn(2, 3))
    r = g.op('Relu', [x])
    g.out(g.op('Concat', [x, r, x], axis=0))


@model('concat_two_inputs_opset11')
def _(g):
    g.opset = 11
    a = g.input(g.randn(1, 2, 3, 3))
    b = g.input(g.randn(1, 3, 3, 3))
    g.out(g.op('Concat', [a, b], axis=1))


@model('split_opset11_equal')
def _(g):
    g.opset = 11
    x = g.input(g.randn(2, 6, 4))
    g.out(*g.op('Split', [x], n_out=3, axis=1))


@model('split_opset11_sizes')
def _(g):
    g.opset = 11
    x = g.input(g.randn(2, 6, 4))
    g.out(*g.op('Split', [x], n_out=2, axis=1, split=[2, 4]))


@model('split_opset13_input')
def _(g):
    x = g.input(g.randn(3, 7))
    g.out(*g.op('Split', [x, g.i64([1, 4, 2])], n_out=3, axis=-1))


@model('split_opset13_equal_default_axis')
def _(g):
    x = g.input(g.randn(4, 3))
    g.out(*g.op('Split', [x], n_out=2))


@model('split_opset18_num_outputs')
def _(g):
    g.opset = 18
    x = g.input(g.randn(2, 7))
    a, b, c = g.op('Split', [x], n_out=3, axis=1, num_outputs=3)
    g.out(a, b, shape=[2, 3])
    g.out(c, shape=[2, 1])


@model('split_then_ops')
def _(g):
    x = g.input(g.randn(1, 4, 3, 3))
    a, b = g.op('Split', [x], n_out=2, axis=1)
    g.out(g.op('Add', [g.op('Relu', [a]), g.op('Sigmoid', [b])]))


@model('slice_opset13_neg_starts')
def _(g):
    x = g.input(g.randn(4, 6, 5))
    g.out(g.op('Slice', [x, g.i64([-3, 1]), g.i64([100, -1]), g.i64([1, 2])]))


@model('slice_opset13_steps')
def _(g):
    x = g.input(g.randn(5, 8))
    g.out(g.op('Slice', [x, g.i64([0, 1]), g.i64([5, 8]), g.i64([0, 1]), g.i64([2, 3])]))


@model('slice_opset13_neg_step')
def _(g):
    x = g.input(g.randn(4, 7))
    g.out(g.op('Slice', [x, g.i64([-1]), g.i64([-(2 ** 63)]), g.i64([1]), g.i64([-2])]))


@model('slice_opset13_noaxes')
def _(g):
    x = g.input(g.randn(4, 6))
    g.out(g.op('Slice', [x, g.i64([1, 2]), g.i64([3, 2 ** 63 - 1])]))


@model('slice_opset9_attrs')
def _(g):
    g.opset = 9
    x = g.input(g.randn(4, 6, 5))
    g.out(g.op('Slice', [x], starts=[1, -4], ends=[3, 1000], axes=[0, 2]))


@model('slice_opset9_noaxes')
def _(g):
    g.opset = 9
    x = g.input(g.randn(4, 6))
    g.out(g.op('Slice', [x], starts=[0, 1], ends=[-1, 5]))


@model('pad_opset11_constant')
def _(g):
    g.opset = 11
    x = g.input(g.randn(1, 2, 3, 4))
    g.out(g.op('Pad', [x, g.i64([0, 0, 1, 2, 0, 0, 2, 1]), g.f32(0.5)], mode='constant'))


@model('pad_opset13_default_value')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Pad', [x, g.i64([0, 1, 0, 1, 2, 3])]))


@model('pad_opset13_negative')
def _(g):
    x = g.input(g.randn(3, 6))
    g.out(g.op('Pad', [x, g.i64([1, -1, 0, -2]), g.f32(-1.0)]))


@model('pad_opset2_attrs')
def _(g):
    g.opset = 2
    x = g.input(g.randn(1, 2, 3, 3))
    g.out(g.op('Pad', [x], pads=[0, 0, 1, 1, 0, 0, 1, 1], value=1.25))


@model('pad_opset18_axes')
def _(g):
    g.opset = 18
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Pad', [x, g.i64([1, 2, 0, 1]), g.f32(0.0), g.i64([-1, 1])]), shape=[2, 6, 5])


# ======================================================================
# Softmax / LogSoftmax
# ======================================================================
def softmax(g, op_type, opset, shape, **attrs):
    g.opset = opset
    x = g.input(g.randn(*shape, scale=2.0))
    g.out(g.op(op_type, [x], **attrs))


@model('softmax_opset11_axis1_4d')
def _(g): softmax(g, 'Softmax', 11, (2, 3, 4, 5), axis=1)


@model('softmax_opset11_default_3d')
def _(g): softmax(g, 'Softmax', 11, (2, 3, 4))


@model('softmax_opset11_axis2_4d')
def _(g): softmax(g, 'Softmax', 11, (2, 3, 4, 5), axis=2)


@model('softmax_opset13_axis1_4d')
def _(g): softmax(g, 'Softmax', 13, (2, 3, 4, 5), axis=1)


@model('softmax_opset13_default')
def _(g): softmax(g, 'Softmax', 13, (2, 3, 4, 5))


@model('softmax_opset13_2d')
def _(g): softmax(g, 'Softmax', 13, (4, 10))


@model('softmax_opset8_2d')
def _(g): softmax(g, 'Softmax', 8, (3, 7))


@model('logsoftmax_opset11_axis1_4d')
def _(g): softmax(g, 'LogSoftmax', 11, (2, 3, 4, 5), axis=1)


@model('logsoftmax_opset13_axis1_4d')
def _(g): softmax(g, 'LogSoftmax', 13, (2, 3, 4, 5), axis=1)


@model('logsoftmax_opset13_default_2d')
def _(g): softmax(g, 'LogSoftmax', 13, (3, 9))


# ======================================================================
# Identity-like / constants / shape chains
# ======================================================================
@model('dropout_opset13')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('Dropout', [x, g.f32(0.3)]))


@model('dropout_opset7_ratio')
def _(g):
    g.opset = 7
    x = g.input(g.randn(2, 6))
    d = g.op('Dropout', [x], ratio=0.5)
    g.out(g.op('Relu', [d]))


@model('dropout_opset10_mask')
def _(g):
    g.opset = 10
    x = g.input(g.randn(2, 6))
    y, m = g.op('Dropout', [x], n_out=2)
    g.out(y)
    g.out(m, elem=BOOL)


@model('dropout_opset13_mask')
def _(g):
    g.opset = 13
    x = g.input(g.randn(2, 6))
    y, m = g.op('Dropout', [x], n_out=2)
    g.out(y)
    g.out(m, elem=BOOL)


@model('identity_chain')
def _(g):
    x = g.input(g.randn(2, 3))
    g.out(g.op('Identity', [g.op('Relu', [g.op('Identity', [x])])]))


@model('constant_add')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    c = g.op('Constant', [], value=numpy_helper.from_array(g.randn(3, 1), 'cval'))
    g.out(g.op('Add', [x, c]))


@model('constant_value_float_opset13')
def _(g):
    x = g.input(g.randn(2, 3))
    c = g.op('Constant', [], value_float=2.5)
    g.out(g.op('Mul', [x, c]))


@model('constant_value_ints_reshape')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    s = g.op('Constant', [], value_ints=[6, -1])
    g.out(g.op('Reshape', [x, s]), shape=[6, 4])


@model('constant_opset9_mul')
def _(g):
    g.opset = 9
    x = g.input(g.randn(2, 3))
    c = g.op('Constant', [], value=numpy_helper.from_array(g.randn(3), 'cval'))
    g.out(g.op('Mul', [x, c]))


def shape_chain(g, x):
    s = g.op('Shape', [x])
    b = g.op('Gather', [s, g.i64(0)], axis=0)
    bu = g.op('Unsqueeze', [b, g.i64([0])]) if g.opset >= 13 else g.op('Unsqueeze', [b], axes=[0])
    shp = g.op('Concat', [bu, g.i64([-1])], axis=0)
    return g.op('Reshape', [x, shp])


@model('shape_gather_reshape')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    g.out(shape_chain(g, x), shape=[2, 60])


@model('shape_gather_reshape_opset11')
def _(g):
    g.opset = 11
    x = g.input(g.randn(3, 2, 2, 2))
    g.out(shape_chain(g, g.op('Relu', [x])), shape=[3, 8])


@model('shape_gather_reshape_dynamic')
def _(g):
    x = g.input(g.randn(3, 2, 4, 4), shape=['N', 2, 4, 4])
    p = g.op('MaxPool', [x], kernel_shape=[2, 2], strides=[2, 2])
    f = shape_chain(g, p)
    g.out(g.op('Gemm', [f, g.rinit(8, 3), g.rinit(3)]), shape=['N', 3])


@model('shape_gather_multi_index')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5))
    s = g.op('Shape', [x])
    d = g.op('Gather', [s, g.i64([0, 1])], axis=0)
    shp = g.op('Concat', [d, g.i64([-1])], axis=0)
    g.out(g.op('Reshape', [x, shp]), shape=[2, 3, 20])


@model('constantofshape_from_shape')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    s = g.op('Shape', [x])
    c = g.op('ConstantOfShape', [s], value=numpy_helper.from_array(np.array([1.5], np.float32), 'v'))
    g.out(g.op('Add', [x, c]))


@model('constantofshape_init_default')
def _(g):
    x = g.input(g.randn(3, 4))
    c = g.op('ConstantOfShape', [g.i64([3, 4])])
    g.out(g.op('Sub', [x, c]))


@model('constantofshape_int64_cast')
def _(g):
    x = g.input(g.randn(2, 5))
    s = g.op('Shape', [x])
    c = g.op('ConstantOfShape', [s], value=numpy_helper.from_array(np.array([3], np.int64), 'v'))
    g.out(g.op('Mul', [x, g.op('Cast', [c], to=F)]))


# ======================================================================
# Cast / comparison / logic / Where
# ======================================================================
def quantized(g, *shape, step=0.5, scale=2.0):
    return (np.round(g.randn(*shape, scale=scale) / step) * step).astype(np.float32)


@model('cast_float_int64_float')
def _(g):
    x = g.input(g.randn(2, 3, 4, scale=4.0))
    i = g.op('Cast', [x], to=I64)
    g.out(g.op('Cast', [i], to=F))


@model('cast_float_int64_out')
def _(g):
    x = g.input(g.randn(3, 5, scale=6.0))
    g.out(g.op('Cast', [x], to=I64), elem=I64)


@model('cast_float_bool_float')
def _(g):
    x = g.input(quantized(g, 3, 5, step=1.0, scale=1.0))
    b = g.op('Cast', [x], to=BOOL)
    g.out(g.op('Cast', [b], to=F))


@model('cast_opset9')
def _(g):
    g.opset = 9
    x = g.input(g.randn(2, 6, scale=4.0))
    g.out(g.op('Cast', [g.op('Cast', [x], to=I64)], to=F))


@model('where_greater')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    c = g.op('Greater', [x, g.f32(0.0)])
    g.out(g.op('Where', [c, x, g.op('Mul', [x, g.f32(0.1)])]))


@model('where_greater_bcast')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    c = g.op('Greater', [x, g.rinit(4)])
    g.out(g.op('Where', [c, g.rinit(3, 1), x]))


@model('greaterorequal_where')
def _(g):
    x = g.input(quantized(g, 2, 3, 4))
    c = g.op('GreaterOrEqual', [x, g.f32(0.5)])
    g.out(g.op('Where', [c, x, g.f32(-1.0)]))


@model('less_cast')
def _(g):
    x = g.input(quantized(g, 3, 4))
    g.out(g.op('Cast', [g.op('Less', [x, g.f32([[0.0], [0.5], [-0.5]])])], to=F))


@model('lessorequal_cast')
def _(g):
    x = g.input(quantized(g, 3, 4))
    g.out(g.op('Cast', [g.op('LessOrEqual', [x, g.f32(0.0)])], to=F))


@model('equal_where')
def _(g):
    x = g.input(quantized(g, 3, 4))
    c = g.op('Equal', [x, g.f32([0.0, 0.5, -0.5, 1.0])])
    g.out(g.op('Where', [c, g.f32(1.0), x]))


@model('greater_bool_out')
def _(g):
    x = g.input(g.randn(3, 4))
    g.out(g.op('Greater', [x, g.rinit(4)]), elem=BOOL)


@model('greater_opset9_cast')
def _(g):
    g.opset = 9
    x = g.input(g.randn(3, 4))
    g.out(g.op('Cast', [g.op('Greater', [x, g.f32([0.1])])], to=F))


@model('and_cast')
def _(g):
    x = g.input(g.randn(3, 5))
    a = g.op('Greater', [x, g.f32(-0.5)])
    b = g.op('Less', [x, g.f32(0.5)])
    g.out(g.op('Cast', [g.op('And', [a, b])], to=F))


@model('or_not_cast')
def _(g):
    x = g.input(g.randn(3, 5))
    a = g.op('Less', [x, g.f32(-0.5)])
    b = g.op('Greater', [x, g.f32(0.5)])
    n = g.op('Not', [g.op('Or', [a, b])])
    g.out(g.op('Cast', [n], to=F))


@model('not_where')
def _(g):
    x = g.input(g.randn(3, 5))
    n = g.op('Not', [g.op('Greater', [x, g.f32(0.0)])])
    g.out(g.op('Where', [n, g.f32(0.0), x]))


# ======================================================================
# Reductions / ArgMax / TopK
# ======================================================================
def reduce(g, op_type, shape, axes, keepdims, as_input=False, out_shape=None):
    x = g.input(g.randn(*shape))
    attrs = {} if keepdims is None else {'keepdims': keepdims}
    ins = [x]
    if axes is not None:
        if as_input:
            ins.append(g.i64(axes))
        else:
            attrs['axes'] = axes
    g.out(g.op(op_type, ins, **attrs), shape=out_shape)


@model('reducemean_keepdims1')
def _(g): reduce(g, 'ReduceMean', (2, 3, 4, 5), [2, 3], 1)


@model('reducemean_keepdims0_axis1')
def _(g): reduce(g, 'ReduceMean', (2, 3, 4, 5), [1], 0)


@model('reducemean_all_default')
def _(g): reduce(g, 'ReduceMean', (2, 3, 4), None, None)


@model('reducemean_neg_axes_keep0')
def _(g): reduce(g, 'ReduceMean', (2, 3, 4, 5), [-1, 0], 0)


@model('reducesum_opset13_input_keep1')
def _(g): reduce(g, 'ReduceSum', (2, 3, 4, 5), [1, 3], 1, as_input=True)


@model('reducesum_opset13_input_keep0')
def _(g): reduce(g, 'ReduceSum', (2, 3, 4), [-1], 0, as_input=True)


@model('reducesum_opset13_noaxes')
def _(g): reduce(g, 'ReduceSum', (3, 4), None, 0)


@model('reducesum_opset11_attr')
def _(g):
    g.opset = 11
    reduce(g, 'ReduceSum', (2, 3, 4), [0, 2], 1)


@model('reducemax_keepdims1')
def _(g): reduce(g, 'ReduceMax', (2, 3, 4, 5), [1], 1)


@model('reducemax_keepdims0_two_axes')
def _(g): reduce(g, 'ReduceMax', (2, 3, 4, 5), [0, 2], 0)


@model('reducemean_opset18_input')
def _(g):
    g.opset = 18
    reduce(g, 'ReduceMean', (2, 3, 4, 5), [2, 3], 1, as_input=True, out_shape=[2, 3, 1, 1])


@model('reducemax_opset18_input_keep0')
def _(g):
    g.opset = 18
    reduce(g, 'ReduceMax', (2, 3, 4), [-2], 0, as_input=True, out_shape=[2, 4])


@model('reducesum_opset18_noaxes')
def _(g):
    g.opset = 18
    reduce(g, 'ReduceSum', (2, 3, 4), None, 1, out_shape=[1, 1, 1])


@model('reducemean_opset20_input')
def _(g):
    g.opset = 20
    reduce(g, 'ReduceMean', (2, 5, 3), [0, 2], 0, as_input=True, out_shape=[5])


@model('argmax_keepdims1')
def _(g):
    x = g.input(g.randn(2, 3, 4))
    g.out(g.op('ArgMax', [x], axis=1), elem=I64)


@model('argmax_keepdims0_neg_axis')
def _(g):
    x = g.input(g.randn(3, 4, 5))
    g.out(g.op('ArgMax', [x], axis=-1, keepdims=0), elem=I64)


@model('argmax_select_last_index')
def _(g):
    x = g.input(quantized(g, 4, 6, step=1.0, scale=1.0))
    g.out(g.op('ArgMax', [x], axis=1, keepdims=1, select_last_index=1), elem=I64)


@model('argmax_first_index_ties')
def _(g):
    x = g.input(quantized(g, 4, 6, step=1.0, scale=1.0))
    g.out(g.op('ArgMax', [x], axis=1, keepdims=0, select_last_index=0), elem=I64)


@model('argmax_opset11_default_axis')
def _(g):
    g.opset = 11
    x = g.input(g.randn(5, 3))
    g.out(g.op('ArgMax', [x]), elem=I64)


@model('argmax_softmax_chain')
def _(g):
    x = g.input(g.randn(4, 10))
    s = g.op('Softmax', [x], axis=1)
    g.out(g.op('ArgMax', [s], axis=1, keepdims=0), elem=I64)


@model('topk_last_axis')
def _(g):
    x = g.input(g.randn(3, 8))
    v, i = g.op('TopK', [x, g.i64([3])], n_out=2)
    g.out(v)
    g.out(i, elem=I64)


@model('topk_axis1_smallest_opset11')
def _(g):
    g.opset = 11
    x = g.input(g.randn(2, 6, 3))
    v, i = g.op('TopK', [x, g.i64([2])], n_out=2, axis=1, largest=0)
    g.out(v)
    g.out(i, elem=I64)


@model('topk_ties')
def _(g):
    x = g.input(quantized(g, 4, 7, step=1.0, scale=1.0))
    v, i = g.op('TopK', [x, g.i64([4])], n_out=2, axis=-1)
    g.out(v)
    g.out(i, elem=I64)


@model('topk_opset10_k1')
def _(g):
    g.opset = 10
    x = g.input(g.randn(5, 4))
    v, i = g.op('TopK', [x, g.i64([1])], n_out=2, axis=0)
    g.out(v)
    g.out(i, elem=I64)


# ======================================================================
# Operator breadth (issue 17): elementwise math, reductions, Mod/Xor/Sum,
# normalizations, index ops, losses
# ======================================================================
def _pos(g, *shape):
    return np.abs(g.randn(*shape)) + 0.1


def _unit(g, *shape):
    return (g.rng.uniform(-0.95, 0.95, shape)).astype(np.float32)


unary_model('log', 'Log', data=lambda g: _pos(g, 2, 3, 4, 5))
unary_model('ceil', 'Ceil', data=lambda g: g.randn(2, 3, 4, 5, scale=3.0))
unary_model('reciprocal', 'Reciprocal', data=lambda g: _pos(g, 3, 7))
unary_model('sin', 'Sin', opset=7, data=lambda g: g.randn(2, 3, 4, scale=4.0))
unary_model('cos', 'Cos', opset=7, data=lambda g: g.randn(2, 3, 4, scale=4.0))
unary_model('tan', 'Tan', opset=7, data=lambda g: _unit(g, 2, 3, 4))
unary_model('asin', 'Asin', opset=7, data=lambda g: _unit(g, 3, 5))
unary_model('acos', 'Acos', opset=7, data=lambda g: _unit(g, 3, 5))
unary_model('atan', 'Atan', opset=7, data=lambda g: g.randn(3, 5, scale=3.0))
unary_model('sinh', 'Sinh', opset=9, data=lambda g: g.randn(3, 5, scale=2.0))
unary_model('cosh', 'Cosh', opset=9, data=lambda g: g.randn(3, 5, scale=2.0))
unary_model('asinh', 'Asinh', opset=9, data=lambda g: g.randn(3, 5, scale=3.0))
unary_model('acosh', 'Acosh', opset=9, data=lambda g: _pos(g, 3, 5) + 1.0)
unary_model('atanh', 'Atanh', opset=9, data=lambda g: _unit(g, 3, 5))
unary_model('erf', 'Erf', data=lambda g: g.randn(2, 3, 4, 5, scale=2.0))
unary_model('softplus', 'Softplus', data=lambda g: g.randn(2, 3, 4, 5, scale=30.0))
unary_model('softsign', 'Softsign', data=lambda g: g.randn(2, 3, 4, 5, scale=3.0))
unary_model('elu', 'Elu', alpha=0.7, data=lambda g: g.randn(2, 3, 4, 5, scale=2.0))
unary_model('selu_default', 'Selu', data=lambda g: g.randn(2, 3, 4, 5, scale=2.0))
unary_model('selu_attrs', 'Selu', alpha=2.0, gamma=1.5, shape=(4, 6))
unary_model('celu', 'Celu', opset=12, alpha=2.0, data=lambda g: g.randn(2, 3, 4, 5, scale=3.0))
unary_model('thresholdedrelu', 'ThresholdedRelu', opset=10, alpha=0.5)


@model('hardswish')
def _(g):
    g.opset = 14
    x = g.input(g.randn(2, 3, 4, 5, scale=4.0))
    g.out(g.op('HardSwish', [x]), shape=[2, 3, 4, 5])


unary_model('shrink', 'Shrink', opset=9, lambd=0.8, bias=0.3, data=lambda g: g.randn(3, 8, scale=2.0))


@model('gelu_tanh')
def _(g):
    g.opset = 20
    x = g.input(g.randn(3, 8, scale=3.0))
    g.out(g.op('Gelu', [x], approximate='tanh'), shape=[3, 8])


@model('gelu_erf')
def _(g):
    g.opset = 20
    x = g.input(g.randn(3, 8, scale=3.0))
    g.out(g.op('Gelu', [x]), shape=[3, 8])




def _specials(g):
    x = g.randn(4, 6)
    x[0, 0], x[1, 2], x[2, 3], x[3, 5] = np.nan, np.inf, -np.inf, np.nan
    return x


@model('isnan')
def _(g):
    g.out(g.op('IsNaN', [g.input(_specials(g))]), elem=BOOL)


@model('isinf_positive_only')
def _(g):
    g.opset = 10
    g.out(g.op('IsInf', [g.input(_specials(g))], detect_negative=0), elem=BOOL)


@model('reducemin_axes')
def _(g): reduce(g, 'ReduceMin', (2, 3, 4, 5), [1, 3], 1)


@model('reduceprod_keepdims0')
def _(g):
    x = g.input(g.rng.uniform(0.5, 1.5, (2, 3, 4)).astype(np.float32))
    g.out(g.op('ReduceProd', [x], axes=[2], keepdims=0))


@model('reducel1_all')
def _(g): reduce(g, 'ReduceL1', (2, 3, 4), None, 1)


@model('reducel2_opset18_axes_input')
def _(g):
    g.opset = 18
    reduce(g, 'ReduceL2', (2, 3, 4, 5), [-1], 0, as_input=True)


@model('reducesumsquare_axes')
def _(g): reduce(g, 'ReduceSumSquare', (3, 4, 5), [0, 2], 1)


@model('reducelogsum')
def _(g):
    x = g.input(_pos(g, 2, 3, 4))
    g.out(g.op('ReduceLogSum', [x], axes=[1]))


@model('reducelogsumexp_large')
def _(g):
    # e^x overflows float and double for these; the kernel must not
    x = g.input(g.randn(2, 3, 4, scale=400.0))
    g.out(g.op('ReduceLogSumExp', [x], axes=[2], keepdims=0))


@model('reducelogsumexp_double_axes')
def _(g):
    g.opset = 18
    x = g.input(g.rng.standard_normal((3, 4, 5)) * 30.0, f64=True)
    g.out(g.op('ReduceLogSumExp', [x, g.i64([0, -1])], keepdims=1), elem=TensorProto.DOUBLE)


@model('reduce_double_l2_min')
def _(g):
    x = g.input(g.rng.standard_normal((2, 3, 4)), f64=True)
    l2 = g.op('ReduceL2', [x], axes=[1], keepdims=0)
    mn = g.op('ReduceMin', [x], axes=[1], keepdims=0)
    g.out(l2, mn, elem=TensorProto.DOUBLE)


@model('argmin_last_index')
def _(g):
    x = g.input(np.round(g.randn(3, 4, 5)).astype(np.float32))
    g.out(g.op('ArgMin', [x], axis=1, keepdims=0, select_last_index=1), elem=I64)


@model('cumsum_axis1_exclusive_reverse')
def _(g):
    x = g.input(g.randn(2, 5, 3))
    g.out(g.op('CumSum', [x, g.i64(1)], exclusive=1, reverse=1))


@model('cumsum_int64_negative_axis')
def _(g):
    x = g.input(g.rng.integers(-50, 50, (3, 4, 2)).astype(np.int64))
    g.out(g.op('CumSum', [x, g.init(np.array(-2, dtype=np.int32))]), elem=I64)


@model('hardmax_ties_axis1')
def _(g):
    # rounded values: ties, where the first maximum wins
    x = g.input(np.round(g.randn(2, 6, 3)).astype(np.float32))
    g.out(g.op('Hardmax', [x], axis=1))


@model('hardmax_opset11_coerced')
def _(g):
    g.opset = 11
    x = g.input(np.round(g.randn(2, 3, 4)).astype(np.float32))
    g.out(g.op('Hardmax', [x], axis=1))


# float16 / bfloat16 storage: values that round (ties to even), overflow to
# infinity, go subnormal or to zero, and NaN/Inf
def f16_probe(g, n):
    v = [0.0, -0.0, 1.0, 65504.0, 65519.99, 65520.0, 1e6, -1e6, 2.0 ** -24, 2.0 ** -25,
         1.5 * 2.0 ** -25, 3 * 2.0 ** -26, 1.0 + 2.0 ** -11, 1.0 + 3 * 2.0 ** -11,
         np.inf, -np.inf, np.nan, 3.0e38, 1.0 + 2.0 ** -8, 1.0 + 3 * 2.0 ** -8, 1e-40]
    x = np.concatenate([np.array(v, np.float32), g.randn(n - len(v), scale=100.0)])
    return x.reshape(3, -1)


@model('cast_float16_storage')
def _(g):
    # float -> float16 output, float16 input -> float, a float16 initializer
    # (int32_data) concatenated with a float16 input, CastLike to float16
    g.opset = 15
    x = g.input(f16_probe(g, 24))
    h = g.input(g.randn(3, 8, scale=10.0).astype(np.float16))
    c = g.init(np.zeros(1, np.float16))
    k = g.tmp('c')
    g.inits.append(helper.make_tensor(k, TensorProto.FLOAT16, [3, 2], np.array(
        [0.5, -2.0, 1e-5, 65504.0, -np.inf, 3.140625], np.float16).tolist()))
    g.out(g.op('Cast', [x], to=TensorProto.FLOAT16), elem=TensorProto.FLOAT16)
    g.out(g.op('Cast', [h], to=TensorProto.FLOAT))
    g.out(g.op('Concat', [h, k], axis=1), elem=TensorProto.FLOAT16)
    g.out(g.op('CastLike', [g.op('Cast', [x], to=TensorProto.DOUBLE), c]), elem=TensorProto.FLOAT16)


@model('cast_bfloat16_roundtrip')
def _(g):
    # bfloat16 inside the graph (onnxruntime-node has no bfloat16 I/O):
    # float -> bfloat16 -> float, and double -> bfloat16 -> float
    g.opset = 13
    x = g.input(f16_probe(g, 24))
    g.out(g.op('Cast', [g.op('Cast', [x], to=TensorProto.BFLOAT16)], to=TensorProto.FLOAT))
    d = g.op('Cast', [x], to=TensorProto.DOUBLE)
    g.out(g.op('Cast', [g.op('Cast', [d], to=TensorProto.BFLOAT16)], to=TensorProto.FLOAT))


@model('float16_min_max_mod_where')
def _(g):
    # float16 Min / Max / Mod (computed in float), and data movement
    g.opset = 13
    a = g.input(np.round(g.randn(3, 4, 5, scale=20.0)).astype(np.float16))
    b = g.input(np.round(g.randn(4, 1, scale=6.0)).astype(np.float16) + np.float16(0.5))
    g.out(g.op('Min', [a, b]), elem=TensorProto.FLOAT16)
    g.out(g.op('Max', [a, b]), elem=TensorProto.FLOAT16)
    g.out(g.op('Mod', [a, b], fmod=1), elem=TensorProto.FLOAT16)
    c = g.init(g.rng.integers(0, 2, (1, 4, 5)).astype(bool))
    g.out(g.op('Transpose', [g.op('Where', [c, a, b])], perm=[2, 0, 1]), elem=TensorProto.FLOAT16)


@model('float16_pad_constantofshape')
def _(g):
    # float16 fill values: Pad's constant_value input, ConstantOfShape's value
    g.opset = 13
    x = g.input(g.randn(2, 3, scale=4.0).astype(np.float16))
    v = g.init(np.array(2.5, np.float16))
    g.out(g.op('Pad', [x, g.i64([0, 1, 1, 2]), v]), elem=TensorProto.FLOAT16)
    g.out(g.op('ConstantOfShape', [g.i64([2, 2])],
               value=numpy_helper.from_array(np.array([-1.5], np.float16))), elem=TensorProto.FLOAT16)


@model('castlike_to_int64_then_double')
def _(g):
    g.opset = 15
    x = g.input(g.randn(3, 4, scale=4.0))
    i = g.op('CastLike', [x, g.i64([0])])
    d = g.op('CastLike', [i, g.init(np.zeros(1, dtype=np.float64))])
    g.out(g.op('CastLike', [d, x]), shape=[3, 4])


@model('mod_int64_broadcast')
def _(g):
    a = g.input(g.rng.integers(-20, 20, (3, 4)).astype(np.int64))
    g.out(g.op('Mod', [a, g.i64([3, -4, 5, -7])]), elem=I64)


@model('mod_float_fmod')
def _(g):
    a = g.input(g.randn(2, 3, 4, scale=5.0))
    g.out(g.op('Mod', [a, g.f32([[1.5], [-2.0], [0.7]])], fmod=1))


@model('xor_broadcast')
def _(g):
    a = g.input(g.rng.integers(0, 2, (2, 3, 4)).astype(bool))
    b = g.input(g.rng.integers(0, 2, (3, 1)).astype(bool))
    g.out(g.op('Xor', [a, b]), elem=BOOL)


@model('sum_three_broadcast')
def _(g):
    a = g.input(g.randn(2, 3, 4))
    g.out(g.op('Sum', [a, g.rinit(4), g.rinit(3, 1)]))


@model('mean_three_broadcast')
def _(g):
    a = g.input(g.randn(2, 3, 4))
    b = g.input(g.randn(3, 1))
    g.out(g.op('Mean', [a, b, g.rinit(4)]))


@model('double_add_div_max')
def _(g):
    # double arithmetic (Mean on double runs the same Add and a Mul; onnxruntime
    # has no double Mean to compare with)
    D = TensorProto.DOUBLE
    a = g.input(g.rng.standard_normal((3, 5)), f64=True)
    b = g.input(g.rng.standard_normal((5,)), f64=True)
    c = g.init(np.array([[3.0], [-7.0], [0.1]]), f64=True)
    g.out(g.op('Max', [g.op('Div', [g.op('Add', [a, b]), c]), a]), elem=D)


@model('uint8_sub_wraps_div')
def _(g):
    g.opset = 14
    U8 = TensorProto.UINT8
    a = g.input(g.rng.integers(0, 256, (3, 4)).astype(np.uint8))
    b = g.input(g.rng.integers(1, 256, (4,)).astype(np.uint8))
    g.out(g.op('Sub', [a, b]), g.op('Div', [a, b]), elem=U8)


@model('int8_max_mod')
def _(g):
    I8 = TensorProto.INT8
    a = g.input(g.rng.integers(-128, 128, (2, 5)).astype(np.int8))
    b = g.input(g.rng.integers(-9, 10, (5,)).astype(np.int8) | 1)
    g.out(g.op('Max', [a, b]), g.op('Mod', [a, b]), elem=I8)


@model('clip_int8_uint8_double')
def _(g):
    I8, U8, D = TensorProto.INT8, TensorProto.UINT8, TensorProto.DOUBLE
    a = g.input(g.rng.integers(-128, 128, (3, 5)).astype(np.int8))
    b = g.input(g.rng.integers(0, 256, (4,)).astype(np.uint8))
    c = g.input(g.rng.standard_normal((2, 3)) * 3.0, f64=True)
    ya = g.op('Clip', [a, g.init(np.array(-20, dtype=np.int8)), g.init(np.array(90, dtype=np.int8))])
    yb = g.op('Clip', [b, '', g.init(np.array(100, dtype=np.uint8))])
    yc = g.op('Clip', [c, g.init(np.array(-1.5), f64=True)])
    g.outputs += [(ya, I8, None), (yb, U8, None), (yc, D, None)]


@model('layernorm_last_axis')
def _(g):
    g.opset = 17
    x = g.input(g.randn(2, 5, 8, scale=3.0))
    g.out(g.op('LayerNormalization', [x, g.rinit(8), g.rinit(8)]))


@model('layernorm_axis1_stats_no_bias')
def _(g):
    g.opset = 17
    x = g.input(g.randn(2, 3, 4, 5))
    y, m, s = g.op('LayerNormalization', [x, g.rinit(4, 1)], n_out=3, axis=1, epsilon=1e-3)
    g.out(y, m, s)


@model('instancenorm')
def _(g):
    x = g.input(g.randn(2, 3, 4, 5, scale=2.0))
    g.out(g.op('InstanceNormalization', [x, g.rinit(3), g.rinit(3)], epsilon=1e-4))


@model('lrn')
def _(g):
    x = g.input(g.randn(1, 7, 4, 4))
    g.out(g.op('LRN', [x], size=5, alpha=0.01, beta=0.6, bias=1.5))


@model('gatherelements_neg_indices')
def _(g):
    x = g.input(g.randn(3, 4, 5))
    g.out(g.op('GatherElements', [x, g.i64(g.rng.integers(-4, 4, (2, 3, 5)))], axis=1))


@model('scatterelements_add_duplicates')
def _(g):
    g.opset = 16
    x = g.input(g.randn(4, 5))
    idx = g.i64([[0, 1, 0], [3, 3, -1]])
    g.out(g.op('ScatterElements', [x, idx, g.rinit(2, 3)], axis=1, reduction='add'))


@model('trilu_lower_batched')
def _(g):
    g.opset = 14
    x = g.input(g.randn(2, 4, 6))
    g.out(g.op('Trilu', [x, g.i64(2)], upper=0))


@model('trilu_upper_neg_k')
def _(g):
    g.opset = 14
    x = g.input(g.rng.integers(-9, 9, (5, 3)).astype(np.int64))
    g.out(g.op('Trilu', [x, g.i64(-1)]), elem=I64)


@model('nllloss_none_weight_ii')
def _(g):
    x = g.input(g.randn(3, 5, 4))
    t = g.input(g.rng.integers(0, 5, (3, 4)).astype(np.int64))
    g.out(g.op('NegativeLogLikelihoodLoss', [x, t, g.init(_pos(g, 5))], reduction='none', ignore_index=2))


@model('sce_mean_log_prob')
def _(g):
    x = g.input(g.randn(4, 6, 3, scale=3.0))
    t = g.input(g.rng.integers(0, 6, (4, 3)).astype(np.int64))
    loss, lp = g.op('SoftmaxCrossEntropyLoss', [x, t], n_out=2)
    g.out(loss, lp)


@model('sce_sum_weight')
def _(g):
    x = g.input(g.randn(5, 4))
    t = g.input(g.rng.integers(0, 4, (5,)).astype(np.int32))
    g.out(g.op('SoftmaxCrossEntropyLoss', [x, t, g.init(_pos(g, 4))], reduction='sum'))


@model('gathernd_batch1_negative')
def _(g):
    x = g.input(g.randn(2, 3, 4, 2))
    i = g.input(np.array([[[0, -1], [2, 3]], [[-3, 0], [1, -2]], [[1, 1], [0, 0]]], dtype=np.int64).transpose(1, 0, 2).copy())
    g.out(g.op('GatherND', [x, i], batch_dims=1))


@model('gathernd_int64_full_index')
def _(g):
    x = g.input(g.rng.integers(-99, 99, (3, 4)).astype(np.int64))
    g.out(g.op('GatherND', [x, g.i64([[[2, 1]], [[0, -1]]])]), elem=I64)


@model('scatternd_max_slices')
def _(g):
    g.opset = 18
    x = g.input(g.randn(4, 3, 2))
    u = g.input(g.randn(3, 3, 2))
    g.out(g.op('ScatterND', [x, g.i64([[1], [3], [1]]), u], reduction='max'))


@model('scatternd_int64_add_duplicates')
def _(g):
    g.opset = 16
    x = g.input(g.rng.integers(-9, 9, (2, 3, 4)).astype(np.int64))
    u = g.input(g.rng.integers(-9, 9, (4,)).astype(np.int64))
    g.out(g.op('ScatterND', [x, g.i64([[0, 2, 1], [1, 0, 3], [0, 2, 1], [1, 1, 0]]), u],
               reduction='add'), elem=I64)


@model('onehot_axis1_negative_out_of_range')
def _(g):
    i = g.input(np.array([[0, -1, 4], [5, -5, -6]], dtype=np.int64))
    g.out(g.op('OneHot', [i, g.i64(5), g.f32([-1.0, 2.5])], axis=1))


@model('onehot_float_indices_int64_values')
def _(g):
    # whole floats match (-2 counts from the end); 1.7, 2.5, -0.5 match nothing
    i = g.input(np.array([[1.7, -2.0], [0.0, 3.0], [2.5, -0.5]], dtype=np.float32))
    g.out(g.op('OneHot', [i, g.i64([4]), g.i64([3, 7])], axis=-2), elem=I64)


@model('compress_axis1')
def _(g):
    g.opset = 11
    x = g.input(g.randn(3, 4, 2))
    g.out(g.op('Compress', [x, g.init(np.array([1, 0, 1, 1], dtype=bool))], axis=1), shape=[3, 3, 2])


@model('compress_flat_short_condition')
def _(g):
    g.opset = 11
    x = g.input(g.rng.integers(-9, 9, (2, 3)).astype(np.int64))
    g.out(g.op('Compress', [x, g.init(np.array([0, 1, 1, 0], dtype=bool))]), elem=I64, shape=[2])


@model('eyelike_int64_k_negative')
def _(g):
    x = g.input(g.randn(4, 6))
    g.out(g.op('EyeLike', [x], dtype=TensorProto.INT64, k=-1), elem=I64)


@model('eyelike_float_k2')
def _(g):
    x = g.input(g.randn(3, 5))
    g.out(g.op('EyeLike', [x], k=2))


@model('range_float_accumulated')
def _(g):
    g.opset = 11
    # 0.1 + 0.3 + 0.3 ... in float, as onnxruntime accumulates; 7 values
    x = g.input(g.randn(7))
    r = g.op('Range', [g.f32(0.1), g.f32(2.0), g.f32(0.3)])
    g.out(g.op('Add', [x, r]), shape=[7])


@model('range_int64_negative_delta')
def _(g):
    g.opset = 11
    x = g.input(g.rng.integers(-9, 9, (2, 4)).astype(np.int64))
    r = g.op('Range', [g.i64(10), g.i64(-1), g.i64(-3)])
    g.out(g.op('Mul', [x, r]), elem=I64, shape=[2, 4])


@model('expand_broadcast_rank_up')
def _(g):
    x = g.input(g.randn(3, 1))
    g.out(g.op('Expand', [x, g.i64([2, 1, 4])]))


@model('tile_int64')
def _(g):
    x = g.input(g.rng.integers(-5, 5, (2, 3)).astype(np.int64))
    g.out(g.op('Tile', [x, g.i64([2, 3])]), elem=I64)


@model('depthtospace_crd')
def _(g):
    x = g.input(g.randn(1, 8, 2, 3))
    g.out(g.op('DepthToSpace', [x], blocksize=2, mode='CRD'))


@model('depthtospace_dcr')
def _(g):
    x = g.input(g.randn(2, 18, 2, 2))
    g.out(g.op('DepthToSpace', [x], blocksize=3))


@model('spacetodepth')
def _(g):
    x = g.input(g.randn(1, 3, 4, 6))
    g.out(g.op('SpaceToDepth', [x], blocksize=2))


# ======================================================================
# Resize / Upsample (runtime/tnn_resize.h)
# ======================================================================
def resize(g, x, scales=None, sizes=None, roi=None, **attrs):
    ins = [x, g.f32(roi) if roi is not None else '',
           g.f32(scales) if scales is not None else '']
    if sizes is not None:
        ins.append(g.i64(sizes))
    return g.op('Resize', ins, **attrs)


@model('resize_nearest_2x')
def _(g):
    x = g.input(g.randn(1, 3, 5, 6))
    g.out(resize(g, x, scales=[1, 1, 2, 2]))


@model('resize_linear_2x')
def _(g):
    x = g.input(g.randn(1, 2, 5, 7))
    g.out(resize(g, x, scales=[1, 1, 2, 2], mode='linear'))


@model('resize_cubic_2x')
def _(g):
    x = g.input(g.randn(1, 2, 5, 6))
    g.out(resize(g, x, scales=[1, 1, 2, 2], mode='cubic'))


@model('resize_linear_scales_1p7_2p3')
def _(g):
    # 6 * 1.7 = 10.2 -> 10, 5 * 2.3 = 11.5 -> 11
    x = g.input(g.randn(1, 2, 6, 5))
    g.out(resize(g, x, scales=[1, 1, 1.7, 2.3], mode='linear'))


@model('resize_cubic_downsample_exclude_outside')
def _(g):
    x = g.input(g.randn(1, 1, 9, 8))
    g.out(resize(g, x, scales=[1, 1, 0.6, 0.75], mode='cubic',
                 cubic_coeff_a=-0.5, exclude_outside=1))


@model('resize_cubic_asymmetric_1p5')
def _(g):
    x = g.input(g.randn(1, 2, 4, 6))
    g.out(resize(g, x, scales=[1, 1, 1.5, 1.25], mode='cubic',
                 coordinate_transformation_mode='asymmetric'))


@model('resize_nearest_1p5_round_prefer_ceil_asymmetric')
def _(g):
    x = g.input(g.randn(1, 2, 5, 4))
    g.out(resize(g, x, scales=[1, 1, 1.5, 2.5], nearest_mode='round_prefer_ceil',
                 coordinate_transformation_mode='asymmetric'))


@model('resize_nearest_0p7_floor_ceil')
def _(g):
    x = g.input(g.randn(1, 1, 10, 9))
    a = resize(g, x, scales=[1, 1, 0.7, 0.7], nearest_mode='floor')
    b = resize(g, x, scales=[1, 1, 0.7, 0.7], nearest_mode='ceil')
    g.out(a, b)


@model('resize_sizes_linear_align_corners')
def _(g):
    x = g.input(g.randn(1, 3, 4, 5))
    g.out(resize(g, x, sizes=[1, 3, 9, 13], mode='linear',
                 coordinate_transformation_mode='align_corners'))


@model('resize_sizes_cubic_pytorch_half_pixel')
def _(g):
    x = g.input(g.randn(1, 2, 7, 6))
    g.out(resize(g, x, sizes=[1, 2, 4, 11], mode='cubic',
                 coordinate_transformation_mode='pytorch_half_pixel'))


@model('resize_segmentation_1x8x7x9_to_14x18')
def _(g):
    # a segmentation head's bilinear upsample (PyTorch align_corners=False)
    x = g.input(g.randn(1, 8, 7, 9))
    g.out(resize(g, x, sizes=[1, 8, 14, 18], mode='linear',
                 coordinate_transformation_mode='pytorch_half_pixel'))


@model('resize_nearest_batch_channel_axes')
def _(g):
    # non-spatial axes resized: batch x1.5, channels x2
    x = g.input(g.randn(2, 3, 4))
    g.out(resize(g, x, scales=[1.5, 2, 1]))


@model('resize_linear_rank2')
def _(g):
    x = g.input(g.randn(5, 6))
    g.out(resize(g, x, scales=[1.6, 0.5], mode='linear'))


@model('resize_linear_trilinear_5d')
def _(g):
    x = g.input(g.randn(1, 2, 3, 4, 5))
    g.out(resize(g, x, scales=[1, 1, 2, 1.5, 0.8], mode='linear'))


@model('resize_tf_crop_and_resize_extrapolation')
def _(g):
    x = g.input(g.randn(1, 2, 6, 6))
    roi = [0, 0, 0.2, -0.1, 1, 1, 0.9, 1.3]
    a = resize(g, x, sizes=[1, 2, 5, 7], roi=roi, mode='linear',
               coordinate_transformation_mode='tf_crop_and_resize',
               extrapolation_value=-3.0)
    b = resize(g, x, sizes=[1, 2, 4, 4], roi=roi, mode='nearest',
               coordinate_transformation_mode='tf_crop_and_resize',
               extrapolation_value=7.0)
    # scales: the output length ignores the roi (onnxruntime and the
    # reference implementation; the spec's text scales it by the roi)
    c = resize(g, x, scales=[1, 1, 0.7, 1.6], roi=roi, mode='cubic',
               coordinate_transformation_mode='tf_crop_and_resize')
    g.out(a, b, c)


@model('resize_opset18_axes_not_larger')
def _(g):
    g.opset = 18
    x = g.input(g.randn(1, 2, 4, 6))
    # min(8/4, 8/6) = 1.333: 4 -> 5, 6 -> 8
    g.out(resize(g, x, sizes=[8, 8], mode='linear', axes=[2, 3],
                 keep_aspect_ratio_policy='not_larger'), shape=[1, 2, 5, 8])


@model('resize_opset18_axes_not_smaller_nearest')
def _(g):
    g.opset = 18
    x = g.input(g.randn(1, 2, 4, 6))
    # max(3/4, 8/6) = 1.333: 4 -> 5, 6 -> 8
    g.out(resize(g, x, sizes=[3, 8], axes=[2, 3],
                 keep_aspect_ratio_policy='not_smaller'), shape=[1, 2, 5, 8])


@model('resize_opset19_half_pixel_symmetric')
def _(g):
    g.opset = 19
    x = g.input(g.randn(1, 2, 5, 6))
    g.out(resize(g, x, scales=[1, 1, 1.7, 0.6], mode='linear',
                 coordinate_transformation_mode='half_pixel_symmetric'),
          shape=[1, 2, 8, 3])


@model('resize_opset18_antialias_linear')
def _(g):
    g.opset = 18
    x = g.input(g.randn(1, 2, 12, 10))
    g.out(resize(g, x, scales=[1, 1, 0.6, 0.35], mode='linear', antialias=1),
          shape=[1, 2, 7, 3])


@model('resize_opset18_antialias_cubic_sizes')
def _(g):
    g.opset = 18
    x = g.input(g.randn(1, 2, 11, 9))
    a = resize(g, x, sizes=[1, 2, 4, 5], mode='cubic', antialias=1)
    b = resize(g, x, sizes=[1, 2, 4, 5], mode='cubic', antialias=1,
               exclude_outside=1, cubic_coeff_a=-0.5)
    g.out(a, shape=[1, 2, 4, 5])
    g.out(b, shape=[1, 2, 4, 5])


@model('resize_nearest_uint8_int8_int32')
def _(g):
    # onnxruntime's Resize takes these integer types (not int64)
    x = g.input(g.rng.integers(0, 256, (1, 2, 3, 4)).astype(np.uint8))
    j = g.input(g.rng.integers(-128, 128, (1, 2, 4, 4)).astype(np.int8))
    i = g.input(g.rng.integers(-1000, 1000, (2, 3, 5)).astype(np.int32))
    g.out(resize(g, x, scales=[1, 1, 2.5, 1.5]), elem=TensorProto.UINT8)
    g.out(resize(g, j, scales=[1, 1, 0.5, 1.5]), elem=TensorProto.INT8)
    g.out(resize(g, i, sizes=[3, 3, 8], nearest_mode='ceil'), elem=TensorProto.INT32)


@model('resize10_nearest_linear')
def _(g):
    # opset 10: asymmetric, nearest rounding by onnxruntime's SIMPLE mode
    g.opset = 10
    x = g.input(g.randn(1, 2, 6, 5))
    a = g.op('Resize', [x, g.f32([1, 1, 0.6, 1.5])], mode='nearest')
    b = g.op('Resize', [x, g.f32([1, 1, 1.5, 2])], mode='linear')
    g.out(a, b)


@model('upsample7_nearest_attr')
def _(g):
    g.opset = 7
    x = g.input(g.randn(1, 2, 3, 4))
    g.out(g.op('Upsample', [x], mode='nearest', scales=[1.0, 1.0, 2.0, 3.0]))


@model('upsample9_linear')
def _(g):
    g.opset = 9
    x = g.input(g.randn(1, 2, 3, 4))
    g.out(g.op('Upsample', [x, g.f32([1, 1, 2, 2.5])], mode='linear'))


# ======================================================================
# A few small composite graphs
# ======================================================================
@model('cnn_small_composite')
def _(g):
    x = g.input(g.randn(1, 1, 8, 8))
    c = g.op('Conv', [x, g.rinit(4, 1, 3, 3, scale=0.4), g.rinit(4)], pads=[1, 1, 1, 1])
    c = g.op('BatchNormalization', [c] + bn_params(g, 4))
    c = g.op('Relu', [c])
    c = g.op('MaxPool', [c], kernel_shape=[2, 2], strides=[2, 2])
    f = g.op('Flatten', [c])
    y = g.op('Gemm', [f, g.rinit(64, 10, scale=0.2), g.rinit(10)])
    g.out(g.op('Softmax', [y], axis=1))


@model('mlp_opset17')
def _(g):
    g.opset = 17
    x = g.input(g.randn(2, 8))
    h = g.op('Relu', [g.op('Gemm', [x, g.rinit(16, 8, scale=0.4), g.rinit(16)], transB=1)])
    h = g.op('Sigmoid', [g.op('Gemm', [h, g.rinit(16, 4, scale=0.4), g.rinit(4)])])
    g.out(g.op('LogSoftmax', [h], axis=-1))


@model('residual_opset21')
def _(g):
    g.opset = 21
    x = g.input(g.randn(1, 3, 5, 5))
    c = g.op('Conv', [x, g.rinit(3, 3, 3, 3, scale=0.3), g.rinit(3)], pads=[1, 1, 1, 1])
    c = g.op('Relu', [c])
    g.out(g.op('Relu', [g.op('Add', [c, x])]), shape=[1, 3, 5, 5])


# ======================================================================
def write(name, fn, outdir):
    g = G(name)
    fn(g)
    m = g.build()
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if re.fullmatch(r'(model\.onnx|input_\d+\.npy)', f):
            os.remove(os.path.join(d, f))
    onnx.save(m, os.path.join(d, 'model.onnx'))
    for k, arr in enumerate(g.data):
        np.save(os.path.join(d, f'input_{k}.npy'), arr)
    return g


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'models'))
    ap.add_argument('--only', help='regex: generate only matching model names')
    ap.add_argument('--list', action='store_true', help='print the model names and exit')
    args = ap.parse_args()
    names = [n for n, _ in MODELS]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        sys.exit(f'duplicate model names: {sorted(dup)}')
    if args.list:
        print('\n'.join(names))
        return
    n = 0
    for name, fn in MODELS:
        if args.only and not re.search(args.only, name):
            continue
        try:
            write(name, fn, os.path.abspath(args.out))
        except Exception as e:
            sys.exit(f'gen_ops: {name}: {type(e).__name__}: {e}')
        n += 1
    print(f'gen_ops: wrote {n} models to {os.path.abspath(args.out)}')


if __name__ == '__main__':
    main()
