#!/usr/bin/python3
"""Writes the --report fixtures of tests/cli/run_cli.sh (run with Debian's
/usr/bin/python3 and python3-onnx, python3-numpy; the outputs are committed).

  report_names.onnx   x[1,16] -> Sign -> Gemm binary 16x8 -> Sign -> Gemm
                      binary 8x4 -> y, both layers packed (W1A1>A1, W1A1).
                      Node and tensor names hold an ESC sequence, a C1
                      control (U+009B), bytes that are not UTF-8 (ff fe, the
                      overlong c0 80), a quote, a backslash and a valid 'é':
                      the text report must escape them, the JSON stay valid.
  report_act3.onnx    x[1,16] -> QONNX Quant (3 bits, signed) -> MatMul
                      binary 16x8 -> y: the layer keeps float activations
                      (3-bit activations), a note says so.
  report_patch.onnx   x[1,1,65,65] -> Sign -> Conv binary 1x1x65x65 -> y:
                      the packed-activation patch is 65*65*ceil(1/8) = 4225
                      bytes, beyond TNN_BA_MAX_PATCH (4096).
  report_patch_bw.onnx x[1,1024,3,3] -> Conv binary 1x1024x3x3 -> Sign -> y:
                      9216 weights per output, beyond TNN_BW_MAX_PATCH
                      (8192): the binary weights stay float.
  report_add.onnx     Sign's output feeds a binary Gemm and an Add.
  report_group.onnx   Sign -> binary Conv with group 2.
  report_float.onnx   Sign -> Gemm with float weights.
  report_mt.onnx      MultiThreshold with 3 thresholds (4 levels) -> binary
                      MatMul.
  report_q2u.onnx     QONNX Quant 2 bits unsigned, narrow 0 (4 levels) ->
                      binary MatMul.
  report_pad.onnx     Relu(Sign(x)) (levels 0 and 1) -> binary Conv with
                      padding.
  report_bqvec.onnx   BipolarQuant with one scale per element (not provably
                      one v * {-1, +1}) -> binary MatMul.
Each of these keeps the layer's activations float, with a note saying why.
"""
import os

import numpy as np
import onnx
import onnx.numpy_helper
from onnx import TensorProto, helper

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
os.makedirs(here, exist_ok=True)
rng = np.random.default_rng(11)


def binary(shape, a=0.5):
    return np.where(rng.standard_normal(shape) > 0, a, -a).astype(np.float32)


def save(g, opsets=(('', 13),)):
    m = helper.make_model(g, producer_name='tnnc-tests',
                          opset_imports=[helper.make_opsetid(d, v) for d, v in opsets])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


# Names with bytes protobuf's Python API would not take are written as
# same-length ASCII placeholders and patched in the serialized model.
PATCH = {
    b'NAMEFC1_': b'fc\xff\xfe\xc0\x80"\\',     # not UTF-8, quote, backslash
    b'NAMESIGN': b'\x1b[31ms\xc2\x9b',          # ESC sequence, C1 control
    b'NAMEFC2_': b'fc2\xc3\xa9\x07__',          # valid e-acute, BEL
    b'NAMEIN__': b'x\x1b]0;tt\x07',              # OSC title sequence
}
for k, v in PATCH.items():
    assert len(k) == len(v)
g = helper.make_graph(
    [helper.make_node('Sign', ['NAMEIN__'], ['s0'], name='sign0'),
     helper.make_node('Gemm', ['s0', 'w1'], ['a'], name='NAMEFC1_'),
     helper.make_node('Sign', ['a'], ['s1'], name='NAMESIGN'),
     helper.make_node('Gemm', ['s1', 'w2'], ['y'], name='NAMEFC2_')],
    'report_names',
    [helper.make_tensor_value_info('NAMEIN__', TensorProto.FLOAT, [1, 16])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 4])],
    [onnx.numpy_helper.from_array(binary((16, 8)), 'w1'),
     onnx.numpy_helper.from_array(binary((8, 4), 0.25), 'w2')])
data = save(g).SerializeToString()
for k, v in PATCH.items():
    assert k in data
    data = data.replace(k, v)
with open(os.path.join(here, 'report_names.onnx'), 'wb') as f:
    f.write(data)

QONNX = 'qonnx.custom_op.general'
g = helper.make_graph(
    [helper.make_node('Quant', ['x', 'qs', 'qz', 'qb'], ['q'], name='act3', domain=QONNX,
                      signed=1, narrow=0, rounding_mode='ROUND'),
     helper.make_node('MatMul', ['q', 'w'], ['y'], name='fc')],
    'report_act3',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 16])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 8])],
    [onnx.numpy_helper.from_array(np.array(0.25, np.float32), 'qs'),
     onnx.numpy_helper.from_array(np.array(0.0, np.float32), 'qz'),
     onnx.numpy_helper.from_array(np.array(3.0, np.float32), 'qb'),
     onnx.numpy_helper.from_array(binary((16, 8)), 'w')])
onnx.save(save(g, (('', 13), (QONNX, 1))),
          os.path.join(here, 'report_act3.onnx'))

g = helper.make_graph(
    [helper.make_node('Sign', ['x'], ['s'], name='sign'),
     helper.make_node('Conv', ['s', 'w'], ['y'], name='bigconv')],
    'report_patch',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 1, 65, 65])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 1, 1, 1])],
    [onnx.numpy_helper.from_array(binary((1, 1, 65, 65)), 'w')])
onnx.save(save(g), os.path.join(here, 'report_patch.onnx'))

g = helper.make_graph(
    [helper.make_node('Conv', ['x', 'w'], ['c'], name='wideconv'),
     helper.make_node('Sign', ['c'], ['y'], name='sign')],
    'report_patch_bw',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 1024, 3, 3])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 1, 1, 1])],
    [onnx.numpy_helper.from_array(binary((1, 1024, 3, 3)), 'w')])
onnx.save(save(g), os.path.join(here, 'report_patch_bw.onnx'))


def two_layer(name, quant_nodes, xshape, layer, w, outs=None, extra=(), inits=None):
    """quant_nodes turn x into 's'; layer reads 's' and writes 'y'."""
    vi = helper.make_tensor_value_info
    ys = outs or [vi('y', TensorProto.FLOAT, None)]
    init = [onnx.numpy_helper.from_array(v, k) for k, v in (inits or {}).items()]
    init.append(onnx.numpy_helper.from_array(w, 'w'))
    g = helper.make_graph(quant_nodes + [layer], name,
                          [vi('x', TensorProto.FLOAT, xshape)], ys, init)
    onnx.save(save(g, (('', 13),) + tuple((d, 1) for d in extra)),
              os.path.join(here, name + '.onnx'))


F = TensorProto.FLOAT
vi = helper.make_tensor_value_info
sign = [helper.make_node('Sign', ['x'], ['s'], name='sign')]
g = helper.make_graph(
    sign + [helper.make_node('Gemm', ['s', 'w'], ['y'], name='fc'),
            helper.make_node('Add', ['s', 'x'], ['z'], name='add')],
    'report_add', [vi('x', F, [1, 16])], [vi('y', F, [1, 8]), vi('z', F, [1, 16])],
    [onnx.numpy_helper.from_array(binary((16, 8)), 'w')])
onnx.save(save(g), os.path.join(here, 'report_add.onnx'))
two_layer('report_group', sign, [1, 16, 6, 6],
          helper.make_node('Conv', ['s', 'w'], ['y'], name='gconv', group=2, pads=[1, 1, 1, 1]),
          binary((16, 8, 3, 3)), [vi('y', F, [1, 16, 6, 6])])
two_layer('report_float', sign, [1, 16], helper.make_node('Gemm', ['s', 'w'], ['y'], name='fc'),
          rng.standard_normal((16, 8)).astype(np.float32), [vi('y', F, [1, 8])])
two_layer('report_mt', [helper.make_node('MultiThreshold', ['x', 'th'], ['s'], name='mt',
                                         domain=QONNX)],
          [1, 16], helper.make_node('MatMul', ['s', 'w'], ['y'], name='fc'), binary((16, 8)),
          [vi('y', F, [1, 8])], [QONNX],
          {'th': np.sort(rng.standard_normal((16, 3)), 1).astype(np.float32)})
two_layer('report_q2u', [helper.make_node('Quant', ['x', 'qs', 'qz', 'qb'], ['s'], name='q2u',
                                          domain=QONNX, signed=0, narrow=0,
                                          rounding_mode='ROUND')],
          [1, 16], helper.make_node('MatMul', ['s', 'w'], ['y'], name='fc'), binary((16, 8)),
          [vi('y', F, [1, 8])], [QONNX],
          {'qs': np.array(0.5, np.float32), 'qz': np.array(0.0, np.float32),
           'qb': np.array(2.0, np.float32)})
two_layer('report_pad', [helper.make_node('Sign', ['x'], ['s0'], name='sign'),
                         helper.make_node('Relu', ['s0'], ['s'], name='relu')],
          [1, 8, 6, 6], helper.make_node('Conv', ['s', 'w'], ['y'], name='pconv', pads=[1, 1, 1, 1]),
          binary((16, 8, 3, 3)), [vi('y', F, [1, 16, 6, 6])])
two_layer('report_bqvec', [helper.make_node('BipolarQuant', ['x', 'qs'], ['s'], name='bq',
                                            domain=QONNX)],
          [1, 16], helper.make_node('MatMul', ['s', 'w'], ['y'], name='fc'), binary((16, 8)),
          [vi('y', F, [1, 8])], [QONNX],
          {'qs': (np.abs(rng.standard_normal((1, 16))) + 0.1).astype(np.float32)})
