#!/usr/bin/python3
"""Generate the graph-I/O e2e fixtures (models/io_*): graph inputs that are
also graph outputs, views of inputs as outputs, repeated outputs.

    /usr/bin/python3 tests/e2e/gen/gen_graph_io.py [--out DIR]

gen_ops.py renames every graph output, which cannot express an output that
is a graph input; these models are written with onnx.helper directly.  Each
folder gets model.onnx and input_K.npy (fixed seed); ref_K.npy comes from
onnxruntime (write_refs.sh).  All models pass onnx.checker.
"""
import argparse
import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F = TensorProto.FLOAT
HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = []


def model(fn):
    MODELS.append(('io_' + fn.__name__, fn))
    return fn


def vi(name, shape):
    return helper.make_tensor_value_info(name, F, shape)


def node(op, ins, outs, **attrs):
    return helper.make_node(op, ins, outs, name=outs[0] + '_node', **attrs)


# y = Relu(x), outputs [y, x]: the kernel must read x from input0.
@model
def relu_and_input():
    return [node('Relu', ['x'], ['y'])], [('x', [2, 3, 4])], \
        [('y', [2, 3, 4]), ('x', [2, 3, 4])], []


# z = Add(x, x), outputs [z, x].
@model
def add_self_and_input():
    return [node('Add', ['x', 'x'], ['z'])], [('x', [3, 5])], \
        [('z', [3, 5]), ('x', [3, 5])], []


# two inputs listed as outputs in swapped order, and a node reading both.
@model
def inputs_swapped():
    return [node('Sub', ['a', 'b'], ['d'])], [('a', [4, 3]), ('b', [4, 3])], \
        [('b', [4, 3]), ('a', [4, 3]), ('d', [4, 3])], []


# two inputs listed as outputs in swapped order, no node at all.
@model
def inputs_swapped_no_nodes():
    return [], [('a', [2, 3]), ('b', [2, 3])], [('b', [2, 3]), ('a', [2, 3])], []


# a Reshape view of an input as an output, with the input itself an output
# and a node reading the view.
@model
def reshape_view_of_input():
    shape = numpy_helper.from_array(np.array([6, 4], dtype=np.int64), 'shape')
    return [node('Reshape', ['x', 'shape'], ['r']), node('Relu', ['r'], ['z'])], \
        [('x', [2, 3, 4])], [('r', [6, 4]), ('x', [2, 3, 4]), ('z', [6, 4])], [shape]


# an Identity view of an input (not itself an output) read by a kernel,
# the input an output.
@model
def identity_view_read():
    return [node('Identity', ['x'], ['v']), node('Neg', ['v'], ['z'])], \
        [('x', [5, 2])], [('z', [5, 2]), ('x', [5, 2])], []


# a chain of Identity nodes, every link an output, the input too.
@model
def identity_chain():
    return [node('Identity', ['x'], ['a']), node('Identity', ['a'], ['b']),
            node('Identity', ['b'], ['c']), node('Sigmoid', ['c'], ['s'])], \
        [('x', [3, 4])], [('c', [3, 4]), ('a', [3, 4]), ('s', [3, 4]),
                          ('b', [3, 4]), ('x', [3, 4])], []


# one computed tensor listed twice, once after an input.
@model
def repeated_output():
    return [node('Relu', ['x'], ['y']), node('Neg', ['y'], ['n'])], \
        [('x', [4, 4])], [('y', [4, 4]), ('x', [4, 4]), ('y', [4, 4]), ('n', [4, 4])], []


# an input listed twice as an output, and read by a node.
@model
def repeated_input_output():
    return [node('Abs', ['x'], ['y'])], [('x', [3, 3])], \
        [('x', [3, 3]), ('y', [3, 3]), ('x', [3, 3])], []


def write(name, fn, outdir):
    nodes, ins, outs, inits = fn()
    g = helper.make_graph(nodes, name, [vi(n, s) for n, s in ins],
                          [vi(n, s) for n, s in outs], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)],
                          producer_name='tnnc-gen_graph_io')
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    onnx.save(m, os.path.join(d, 'model.onnx'))
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    for k, (_, s) in enumerate(ins):
        np.save(os.path.join(d, f'input_{k}.npy'),
                rng.standard_normal(s).astype(np.float32))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'models'))
    args = ap.parse_args()
    for name, fn in MODELS:
        write(name, fn, os.path.abspath(args.out))
    print(f'gen_graph_io: wrote {len(MODELS)} models to {os.path.abspath(args.out)}')


if __name__ == '__main__':
    main()
