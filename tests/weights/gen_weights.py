#!/usr/bin/python3
"""Makes tests/weights/data/consts.onnx: a model whose outputs are its
constants (through Identity), one per element type tnnc emits, holding the
values a printer gets wrong: signed zeros, subnormals, the extremes,
infinities, quiet NaNs of both signs, integer limits.  Beside it,
expect_K.raw holds the raw little-endian bytes of output K, what the
program built from either --weights mode must write.

    /usr/bin/python3 tests/weights/gen_weights.py
"""
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

HERE = os.path.dirname(os.path.abspath(__file__))


def f32_values():
    bits = [0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000,
            0x00800000, 0x00400000, 0x00000001, 0x80000001, 0x007fffff,
            0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
            0xffc00000, 0x3dcccccd, 0x3eaaaaab, 0x40490fdb, 0x4b800001]
    rng = np.random.default_rng(7)
    r = rng.integers(0, 2**32, 44, dtype=np.uint64)
    r = [int(x) for x in r if (int(x) >> 23) & 0xff != 0xff]  # no random NaNs
    return np.array(bits + r, dtype=np.uint32).view(np.float32)


def f64_values():
    bits = [0, 1 << 63, 0x3ff0000000000000, 0x0010000000000000, 1,
            0x800fffffffffffff, 0x7fefffffffffffff, 0x7ff0000000000000,
            0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
            0x3fb999999999999a]
    rng = np.random.default_rng(8)
    r = [int(x) for x in rng.integers(0, 2**63, 20, dtype=np.uint64)]
    return np.array(bits + r, dtype=np.uint64).view(np.float64)


def main():
    consts = [
        ('f32', f32_values()),
        ('f64', f64_values()),
        ('i8', np.arange(-128, 128, dtype=np.int8)),
        ('u8', np.arange(0, 256, dtype=np.uint8)[::-1].copy()),
        ('i32', np.array([-2**31, 2**31 - 1, -1, 0, 1, 65536, -65537], dtype=np.int32)),
        ('i64', np.array([-2**63, 2**63 - 1, -2**31 - 1, 2**31, -1, 0, 7],
                         dtype=np.int64)),
    ]
    inits, nodes, outs = [], [], []
    for name, v in consts:
        inits.append(numpy_helper.from_array(v, name))
        nodes.append(helper.make_node('Identity', [name], ['out_' + name]))
        outs.append(helper.make_tensor_value_info(
            'out_' + name, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[v.dtype], list(v.shape)))
    # one runtime input, passed through, so the model has a run to do
    nodes.append(helper.make_node('Relu', ['x'], ['y']))
    outs.append(helper.make_tensor_value_info('y', TensorProto.FLOAT, [4]))
    graph = helper.make_graph(nodes, 'consts',
                              [helper.make_tensor_value_info('x', TensorProto.FLOAT, [4])],
                              outs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)],
                              producer_name='gen_weights.py')
    onnx.checker.check_model(model)
    d = os.path.join(HERE, 'data')
    os.makedirs(d, exist_ok=True)
    onnx.save(model, os.path.join(d, 'consts.onnx'))
    for k, (_, v) in enumerate(consts):
        with open(os.path.join(d, f'expect_{k}.raw'), 'wb') as f:
            f.write(v.astype(v.dtype.newbyteorder('<')).tobytes())
    x = np.array([-1.5, 0.0, 2.25, -0.0], dtype=np.float32)
    np.save(os.path.join(d, 'x.npy'), x)
    with open(os.path.join(d, f'expect_{len(consts)}.raw'), 'wb') as f:
        f.write(np.maximum(x, 0).tobytes())


if __name__ == '__main__':
    main()
