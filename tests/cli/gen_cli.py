#!/usr/bin/python3
"""Writes the small fixtures tests/cli/run_cli.sh uses (run with Debian's
/usr/bin/python3 and python3-onnx, python3-numpy; the outputs are committed).

  reshape_runtime_shape.onnx  Reshape(x float[2,6], shape int64[2]): the
                              target shape is a graph input, so tnnc needs
                              --const-input shape=...
  shape_3x4.npy               int64 [3, 4]
  shape_float.npy             float32 [3, 4] (wrong element type)
  x_2x6.npy                   float32 0..11 as [2, 6]
  mixed_layers.onnx           x[1,4] -> Gemm float 4x8 -> Relu -> Gemm binary
                              8x8 (+-0.5) -> Relu -> MatMul ternary 8x3
                              ({-0.25, 0, 0.25}): --report's ratio is
                              32*120 / (32*32 + 1*64 + 2*24) = 3840/1136
"""
import os

import numpy as np
import onnx
import onnx.numpy_helper
from onnx import TensorProto, helper

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
os.makedirs(here, exist_ok=True)
g = helper.make_graph(
    [helper.make_node('Reshape', ['x', 'shape'], ['y'], name='reshape')],
    'reshape_runtime_shape',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [2, 6]),
     helper.make_tensor_value_info('shape', TensorProto.INT64, [2])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['a', 'b'])])
m = helper.make_model(g, producer_name='tnnc-tests',
                      opset_imports=[helper.make_opsetid('', 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, os.path.join(here, 'reshape_runtime_shape.onnx'))
np.save(os.path.join(here, 'shape_3x4.npy'), np.array([3, 4], dtype=np.int64))
np.save(os.path.join(here, 'shape_float.npy'), np.array([3, 4], dtype=np.float32))
rng = np.random.default_rng(3)
w1 = rng.standard_normal((8, 4)).astype(np.float32)
w2 = np.where(rng.standard_normal((8, 8)) > 0, 0.5, -0.5).astype(np.float32)
w3 = (rng.integers(-1, 2, (8, 3)) * 0.25).astype(np.float32)
w3[0, 0] = 0.25   # some nonzero in every column
g = helper.make_graph(
    [helper.make_node('Gemm', ['x', 'w1'], ['a'], name='fc1', transB=1),
     helper.make_node('Relu', ['a'], ['ar'], name='relu1'),
     helper.make_node('Gemm', ['ar', 'w2'], ['b'], name='fc2'),
     helper.make_node('Relu', ['b'], ['br'], name='relu2'),
     helper.make_node('MatMul', ['br', 'w3'], ['y'], name='fc3')],
    'mixed_layers',
    [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 4])],
    [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 3])],
    [onnx.numpy_helper.from_array(w1, 'w1'), onnx.numpy_helper.from_array(w2, 'w2'),
     onnx.numpy_helper.from_array(w3, 'w3')])
m = helper.make_model(g, producer_name='tnnc-tests', opset_imports=[helper.make_opsetid('', 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, os.path.join(here, 'mixed_layers.onnx'))
np.save(os.path.join(here, 'x_2x6.npy'), np.arange(12, dtype=np.float32).reshape(2, 6))
