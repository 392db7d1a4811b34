#!/usr/bin/python3
"""Minimised mismatches found by the differential tester, as fixtures.

    /usr/bin/python3 tests/fuzz/diff/cases/make_cases.py

Writes tests/fuzz/diff/cases/<name>/ (model.onnx, input_K.npy, meta.json,
why.txt) for every case below; tests/fuzz/run_diff.sh checks each one like
a random graph (onnxruntime vs the ASan+UBSan build; --float-acts bit for
bit when meta.json says quant) before the random ones.  Seeded: rerunning
rewrites identical files.
"""
import json
import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = {}


def case(name, why, quant=False):
    def deco(fn):
        CASES[name] = (fn, why, quant)
        return fn
    return deco


def vi(name, shape, dt=TP.FLOAT):
    return helper.make_tensor_value_info(name, dt, shape)


def init(name, a):
    return numpy_helper.from_array(np.asarray(a), name)


def model(nodes, inputs, outputs, inits=()):
    g = helper.make_graph(nodes, 'case', inputs, outputs, initializer=list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13)], producer_name='tnnc-diff')
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def grid(rng, shape):
    """Multiples of 1/4 in [-2, 2], like the generator's inputs."""
    return (rng.integers(-8, 9, size=shape) / 4).astype(np.float32)


# ---- class 1: a graph input that is also a graph output (issue 12 item 1) --
@case('io_relu_input_output',
      'y = Relu(x), outputs [y, x]: the run function reads x from the caller\'s second output buffer '
      'before it copies x there (found as g1_* mismatch-io by run_diff.sh; fails on this branch)')
def _(rng):
    return model([helper.make_node('Relu', ['x'], ['y'])], [vi('x', [2, 3])],
                 [vi('y', [2, 3]), vi('x', [2, 3])]), [grid(rng, [2, 3])]


@case('io_add_self_input_output', 'z = Add(x, x), outputs [z, x] (fails on this branch)')
def _(rng):
    return model([helper.make_node('Add', ['x', 'x'], ['z'])], [vi('x', [4])],
                 [vi('z', [4]), vi('x', [4])]), [grid(rng, [4])]


@case('io_inputs_swapped', 'inputs a, b; outputs [s, b, a] with s = Sub(a, b) (fails on this branch)')
def _(rng):
    return model([helper.make_node('Sub', ['a', 'b'], ['s'])], [vi('a', [3]), vi('b', [3])],
                 [vi('s', [3]), vi('b', [3]), vi('a', [3])]), [grid(rng, [3]), grid(rng, [3])]


@case('io_reshape_view_of_input', 'outputs [Relu(x), Reshape(x, [-1])]: a view of an input as an output '
      '(passes on this branch: coverage for the class-1 fix)')
def _(rng):
    return model([helper.make_node('Relu', ['x'], ['y']),
                  helper.make_node('Reshape', ['x', 'shape'], ['v'])],
                 [vi('x', [2, 3])], [vi('y', [2, 3]), vi('v', [6])],
                 [init('shape', np.array([-1], np.int64))]), [grid(rng, [2, 3])]


@case('io_identity_chain_outputs', 'a = Identity(x), b = Identity(a), outputs [Neg(x), a, b] '
      '(passes on this branch: coverage for the class-1 fix)')
def _(rng):
    return model([helper.make_node('Neg', ['x'], ['n']), helper.make_node('Identity', ['x'], ['a']),
                  helper.make_node('Identity', ['a'], ['b'])],
                 [vi('x', [5])], [vi('n', [5]), vi('a', [5]), vi('b', [5])]), [grid(rng, [5])]


@case('io_repeated_output', 'y = Relu(x) listed twice as an output (passes on this branch: coverage for the '
      'class-1 fix)')
def _(rng):
    return model([helper.make_node('Relu', ['x'], ['y'])], [vi('x', [4])],
                 [vi('y', [4]), vi('y', [4])]), [grid(rng, [4])]


# ---- quant-acts: a tensor between a packed layer and the next quantizer
# with a second reader ----
@case('quant_epilogue_second_reader',
      'Sign -> binary Conv -> Identity r -> Sign -> binary Conv, and r also an output through Identity: '
      'tnnc exits 1 with "internal: IR verification failed: node uses r before it is defined" '
      '(found as g1_25: the same with Relu in place of the first Identity)', quant=True)
def _(rng):
    w1 = (rng.integers(0, 2, (4, 1, 3, 3)) * 2 - 1).astype(np.float32)
    w2 = (rng.integers(0, 2, (4, 4, 3, 3)) * 2 - 1).astype(np.float32)
    nodes = [helper.make_node('Sign', ['x'], ['q1']),
             helper.make_node('Conv', ['q1', 'w1'], ['c1'], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node('Relu', ['c1'], ['r']),
             helper.make_node('Sign', ['r'], ['q2']),
             helper.make_node('Conv', ['q2', 'w2'], ['y'], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node('Identity', ['r'], ['z'])]
    return model(nodes, [vi('x', [1, 1, 6, 7])], [vi('y', [1, 4, 6, 7]), vi('z', [1, 4, 6, 7])],
                 [init('w1', w1), init('w2', w2)]), [grid(rng, [1, 1, 6, 7])]


@case('quant_epilogue_second_quantizer',
      'Sign -> binary Conv -> BatchNorm b -> Sign -> binary Conv, and Round(b) an output: tnnc exits 1 with '
      '"internal: IR verification failed" (found as g5_15: BN read by Sign, Quant and Round; g2_81: '
      'an epilogue Add read by a Greater/Less quantizer and a Mul)', quant=True)
def _(rng):
    w = (rng.integers(0, 2, (4, 2, 3, 3)) * 2 - 1).astype(np.float32)
    eps = 2.0 ** -20
    bn = [np.array([1, 0.5, 2, 1], np.float32), np.zeros(4, np.float32),
          np.array([0.5, -1.5, 2.5, 0.25], np.float32), np.float32(1 - eps) * np.ones(4, np.float32)]
    nodes = [helper.make_node('Sign', ['x'], ['q']),
             helper.make_node('Conv', ['q', 'w'], ['c'], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node('BatchNormalization', ['c', 'g', 'b', 'm', 'v'], ['n'], epsilon=eps),
             helper.make_node('Sign', ['n'], ['q2']),
             helper.make_node('Conv', ['q2', 'w2'], ['y1'], kernel_shape=[1, 1]),
             helper.make_node('Round', ['n'], ['y2'])]
    w2 = (rng.integers(0, 2, (4, 4, 1, 1)) * 2 - 1).astype(np.float32)
    inits = [init('w', w), init('w2', w2)] + [init(k, a) for k, a in zip('gbmv', bn)]
    return model(nodes, [vi('x', [1, 2, 5, 5])], [vi('y1', [1, 4, 5, 5]), vi('y2', [1, 4, 5, 5])],
                 inits), [grid(rng, [1, 2, 5, 5])]


@case('quant_chain_exp_before_bn',
      'Sign -> binary Conv -> Relu -> Mul(-0.75) -> Exp -> BatchNorm -> Sign -> binary Conv: the chain between '
      'the packed layer and the quantizer (falling, through the Mul) folds into the layer\'s integer '
      'thresholds (the chain\'s ops come from the op table\'s monotone classes, ir/op_props.def; before, only a '
      'fixed list of unary ops and BatchNorm did and the quantizer packed a float tensor); the packed build must '
      'equal onnxruntime and --float-acts', quant=True)
def _(rng):
    w = (rng.integers(0, 2, (4, 2, 3, 3)) * 2 - 1).astype(np.float32)
    eps = 2.0 ** -20
    bn = [np.array([1, -0.5, 2, 1], np.float32), np.array([0.25, 0, -0.5, 1], np.float32),
          np.array([0.5, -1.5, 2.25, 0.75], np.float32), np.float32(1 - eps) * np.ones(4, np.float32)]
    nodes = [helper.make_node('Sign', ['x'], ['q']),
             helper.make_node('Conv', ['q', 'w'], ['c'], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node('Relu', ['c'], ['r']),
             helper.make_node('Mul', ['r', 's'], ['rs']),
             helper.make_node('Exp', ['rs'], ['cs']),
             helper.make_node('BatchNormalization', ['cs', 'g', 'b', 'm', 'v'], ['n'], epsilon=eps),
             helper.make_node('Sign', ['n'], ['q2']),
             helper.make_node('Conv', ['q2', 'w2'], ['y'], kernel_shape=[1, 1])]
    w2 = (rng.integers(0, 2, (4, 4, 1, 1)) * 2 - 1).astype(np.float32)
    inits = [init('w', w), init('w2', w2), init('s', np.float32(-0.75))] + \
        [init(k, a) for k, a in zip('gbmv', bn)]
    return model(nodes, [vi('x', [1, 2, 5, 5])], [vi('y', [1, 4, 5, 5])], inits), [grid(rng, [1, 2, 5, 5])]


@case('quant_per_element_constant',
      'Round(Clip(Min(C, x), -1, 1)) -> binary Conv 1x1, C a constant of x\'s full shape [1,3,2,6] and the '
      'FIRST operand: the packed build differs from onnxruntime (and from --float-acts, which is right); '
      'Min(x, C), or a per-channel C first, is right (found as g12_26: Min(C, x) and a three-operand Max before '
      'Clip+Round)', quant=True)
def _(rng):
    c = grid(rng, [1, 3, 2, 6])
    w = ((rng.integers(0, 2, (8, 3, 1, 1)) * 2 - 1) * np.array([0.5, 1, 2, 0.25, 1, 1, 0.5, 2])[:, None, None, None]).astype(np.float32)
    nodes = [helper.make_node('Min', ['c', 'x'], ['m']),
             helper.make_node('Clip', ['m', 'lo', 'hi'], ['k']),
             helper.make_node('Round', ['k'], ['q']),
             helper.make_node('Conv', ['q', 'w'], ['y'], kernel_shape=[1, 1])]
    return model(nodes, [vi('x', [1, 3, 2, 6])], [vi('y', [1, 8, 2, 6])],
                 [init('c', c), init('lo', np.float32(-1)), init('hi', np.float32(1)), init('w', w)]), \
        [grid(rng, [1, 3, 2, 6])]


@case('slice_negative_step_start_before_begin',
      'Slice(x[2,3], starts=[-3], ends=[-3], axes=[0], steps=[-2]): the start -3 + 2 = -1 clamps to 0 for a '
      'negative step (ONNX, onnx shape inference and onnxruntime: shape [1,3]); tnnc clamped it to -1 as numpy '
      'does and gave [0,3] (found as g101_358; fixed in ir/ops/slice.c)')
def _(rng):
    ini = [init(k, np.array(v, np.int64)) for k, v in (('s', [-3]), ('e', [-3]), ('a', [0]), ('p', [-2]))]
    ini2 = [init(k, np.array(v, np.int64)) for k, v in (('s2', [-5, 7]), ('e2', [-9, -4]), ('a2', [1, 0]),
                                                          ('p2', [-1, -1]))]
    nodes = [helper.make_node('Slice', ['x', 's', 'e', 'a', 'p'], ['y']),
             helper.make_node('Slice', ['x', 's2', 'e2', 'a2', 'p2'], ['z'])]
    return model(nodes, [vi('x', [2, 3])], [vi('y', [1, 3]), vi('z', [2, 1])], ini + ini2), [grid(rng, [2, 3])]


@case('io_graph_without_nodes',
      'a graph with no nodes whose only output is its input x[1,1,2,5]: a sanitized tnnc (meson -Db_sanitize='
      'address,undefined, TNNC=build-san/tnnc) reports ir/ir.c: null pointer passed to memcpy in ir_toposort '
      '(issue 12 item 7); an unsanitized tnnc gets it right. Found as g103_40 with TNNC=build-asan/tnnc')
def _(rng):
    return model([], [vi('x', [1, 1, 2, 5])], [vi('x', [1, 1, 2, 5])]), [grid(rng, [1, 1, 2, 5])]


@case('io_input_and_identity_view',
      'outputs [x, Identity(x)]: the Identity output comes back as zeros (found as g108_317, g108_422; '
      'fails on this branch)')
def _(rng):
    return model([helper.make_node('Identity', ['x'], ['v'])], [vi('x', [4, 7])],
                 [vi('x', [4, 7]), vi('v', [4, 7])]), [grid(rng, [4, 7])]


def main():
    for name, (fn, why, quant) in sorted(CASES.items()):
        rng = np.random.default_rng(zlib.crc32(name.encode()))   # a new case leaves the others alone
        m, feeds = fn(rng)
        d = os.path.join(HERE, name)
        os.makedirs(d, exist_ok=True)
        onnx.save(m, os.path.join(d, 'model.onnx'))
        for j, a in enumerate(feeds):
            np.save(os.path.join(d, f'input_{j}.npy'), a)
        with open(os.path.join(d, 'meta.json'), 'w') as f:
            json.dump({'quant': quant, 'ref_model': False, 'n_in': len(feeds),
                       'n_out': len(m.graph.output)}, f)
            f.write('\n')
        with open(os.path.join(d, 'why.txt'), 'w') as f:
            f.write(why + '\n')
    print(f'make_cases: wrote {len(CASES)} cases')


if __name__ == '__main__':
    main()
