# q8_qdq_conv_fq4_mlp: 8-bit QDQ activations into a ternary conv, 4-bit Div/Round/Clip/Mul
# fake quantization into a ternary Gemm (pass quant-int8: W2A8, W2A4).
import numpy as np, onnx, sys
from onnx import helper as h, TensorProto as T, numpy_helper as nh
rng=np.random.default_rng(0)
def tern(shape):
    t=rng.integers(-1,2,size=shape).astype(np.float32)
    sc=rng.uniform(0.5,1.5,size=(shape[0],)+(1,)*(len(shape)-1)).astype(np.float32)
    return t*sc
w1=tern((16,8,3,3)); w2=tern((10,16*8*8))
nodes=[h.make_node('QuantizeLinear',['x','s1','z1'],['q1']),
 h.make_node('DequantizeLinear',['q1','s1','z1'],['d1']),
 h.make_node('Conv',['d1','w1','b1'],['c1'],pads=[1,1,1,1]),
 h.make_node('Relu',['c1'],['r1']),
 h.make_node('Flatten',['r1'],['f1']),
 h.make_node('Div',['f1','s2'],['v2']), h.make_node('Round',['v2'],['o2']),
 h.make_node('Clip',['o2','lo','hi'],['k2']), h.make_node('Mul',['k2','s2'],['m2']),
 h.make_node('Gemm',['m2','w2'],['y'],transB=1)]
inits=[nh.from_array(np.array(0.02,np.float32),'s1'),nh.from_array(np.array(128,np.uint8),'z1'),
 nh.from_array(w1,'w1'),nh.from_array(rng.normal(size=16).astype(np.float32),'b1'),
 nh.from_array(np.array(0.5,np.float32),'s2'),nh.from_array(np.array(0,np.float32),'lo'),nh.from_array(np.array(15,np.float32),'hi'),
 nh.from_array(w2,'w2')]
g=h.make_graph(nodes,'q8',[h.make_tensor_value_info('x',T.FLOAT,[1,8,8,8])],[h.make_tensor_value_info('y',T.FLOAT,[1,10])],inits)
m=h.make_model(g,opset_imports=[h.make_opsetid('',13)]); m.ir_version=7
onnx.checker.check_model(m); import os; d=os.path.join(os.path.dirname(os.path.abspath(__file__)),'..','models','q8_qdq_conv_fq4_mlp'); os.makedirs(d,exist_ok=True); onnx.save(m,os.path.join(d,'model.onnx'))
np.save(os.path.join(d,'input_0.npy'),rng.normal(size=(1,8,8,8)).astype(np.float32))

# q8_quantizelinear_*: QuantizeLinear alone (now an op of its own): uint8
# without a zero point, int8 with one, per axis, and opset 21's output_dtype;
# the inputs hold exact ties of x / scale (round half to even) and values
# beyond the range (saturation).
def qlinear(name, xshape, scale, zp=None, opset=13, axis=None, **attrs):
    ins = ['x', 's'] + (['z'] if zp is not None else [])
    if axis is not None: attrs['axis'] = axis
    zt = T.INT8 if zp is not None and zp.dtype == np.int8 else T.UINT8
    if attrs.get('output_dtype') == T.INT8: zt = T.INT8
    inits = [nh.from_array(np.asarray(scale, np.float32), 's')]
    if zp is not None: inits.append(nh.from_array(zp, 'z'))
    g = h.make_graph([h.make_node('QuantizeLinear', ins, ['y'], **attrs)], name,
                     [h.make_tensor_value_info('x', T.FLOAT, list(xshape))],
                     [h.make_tensor_value_info('y', zt, list(xshape))], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid('', opset)])
    m.ir_version = 7 if opset <= 15 else 10
    if opset <= onnx.defs.onnx_opset_version(): onnx.checker.check_model(m, full_check=True)
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', name)
    os.makedirs(d, exist_ok=True); onnx.save(m, os.path.join(d, 'model.onnx'))
    n = int(np.prod(xshape)); s = float(np.min(scale))
    x = np.concatenate([(np.arange(-12, 13) + 0.5) * s,          # ties
                        np.array([-1e6, 1e6, -300 * s, 300 * s]),  # saturation
                        rng.normal(size=n) * 40 * s])[:n]
    np.save(os.path.join(d, 'input_0.npy'), x.reshape(xshape).astype(np.float32))

qlinear('q8_quantizelinear_u8', (2, 3, 4, 5), 0.05)
qlinear('q8_quantizelinear_i8_zp', (4, 15), 0.125, zp=np.array(-3, np.int8))
qlinear('q8_quantizelinear_axis', (2, 3, 4, 5), np.array([0.05, 0.25, 1.0], np.float32),
        zp=np.array([0, 128, 250], np.uint8), axis=1)
qlinear('q8_quantizelinear_outdtype', (3, 20), 0.5, opset=21, output_dtype=T.INT8)

# q8_qonnx_a3_mlp: QONNX Quant of 3 bits (unsigned) into a binary-weight
# MatMul, Relu, QONNX Quant of 4 bits (signed, narrow) into a ternary MatMul
# (W1A3, W2A4); ref_model.onnx is the same computation in standard ops
# (Div, Round, Clip, Mul) for onnxruntime.  32 stacked samples, a quarter of
# their values exact ties of x / scale.
def qonnx_mlp():
    name = 'q8_qonnx_a3_mlp'
    wb = (np.where(rng.normal(size=(64, 16)) >= 0, 1, -1) * rng.uniform(0.5, 1.5, size=(1, 16))).astype(np.float32)
    wt = tern((10, 16)).T.copy()
    bias = rng.normal(size=10).astype(np.float32)
    def quant(x, y, s, bits, signed, narrow, qonnx):
        c = lambda v, n: nh.from_array(np.array(v, np.float32), y + n)
        inits = [c(s, '_s'), c(0, '_z'), c(bits, '_b')]
        if qonnx:
            return [h.make_node('Quant', [x, y + '_s', y + '_z', y + '_b'], [y], domain='qonnx.custom_op.general',
                                signed=signed, narrow=narrow, rounding_mode='ROUND')], inits
        lo = (-(2 ** (bits - 1)) + narrow) if signed else 0
        hi = (2 ** (bits - 1) - 1) if signed else 2 ** bits - 1
        inits = [c(s, '_s'), c(lo, '_lo'), c(hi, '_hi')]
        return [h.make_node('Div', [x, y + '_s'], [y + '_d']), h.make_node('Round', [y + '_d'], [y + '_r']),
                h.make_node('Clip', [y + '_r', y + '_lo', y + '_hi'], [y + '_c']),
                h.make_node('Mul', [y + '_c', y + '_s'], [y])], inits
    def build(qonnx):
        n1, i1 = quant('x', 'q1', 0.25, 3, 0, 0, qonnx)
        n2, i2 = quant('r1', 'q2', 0.5, 4, 1, 1, qonnx)
        nodes = n1 + [h.make_node('MatMul', ['q1', 'wb'], ['m1']), h.make_node('Relu', ['m1'], ['r1'])] + n2 + \
            [h.make_node('MatMul', ['q2', 'wt'], ['m2']), h.make_node('Add', ['m2', 'bias'], ['y'])]
        inits = i1 + i2 + [nh.from_array(wb, 'wb'), nh.from_array(wt, 'wt'), nh.from_array(bias, 'bias')]
        g = h.make_graph(nodes, name, [h.make_tensor_value_info('x', T.FLOAT, [1, 64])],
                         [h.make_tensor_value_info('y', T.FLOAT, [1, 10])], inits)
        ops = [h.make_opsetid('', 13)] + ([h.make_opsetid('qonnx.custom_op.general', 1)] if qonnx else [])
        m = h.make_model(g, opset_imports=ops); m.ir_version = 7
        if not qonnx: onnx.checker.check_model(m)
        return m
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', name)
    os.makedirs(d, exist_ok=True)
    onnx.save(build(True), os.path.join(d, 'model.onnx'))
    onnx.save(build(False), os.path.join(d, 'ref_model.onnx'))
    x = rng.normal(size=(32, 64)) * 1.2
    ties = rng.random(size=x.shape) < 0.25
    x[ties] = (np.round(x[ties] / 0.25 - 0.5) + 0.5) * 0.25
    np.save(os.path.join(d, 'input_0.npy'), x.astype(np.float32))
    open(os.path.join(d, 'stacked'), 'w').close()

qonnx_mlp()

# q8_qdq_cnn_pool: a QAT-style 8-bit CNN as PyTorch exports it, two images:
# QDQ (uint8, zero point 128) into a ternary conv, Relu, QDQ, MaxPool 2x2
# (pass quant-int8 pools before quantizing), a ternary conv of 40 channels
# (not a multiple of the 4x4 tile), Clip(0, 6), QDQ of 6/255 straight into a
# third ternary conv (its quantizer fused into the second's epilogue: codes
# out), Relu, QDQ, MaxPool 3x3 stride 2 pad 1, Flatten, a ternary Gemm.
# ref_model.onnx writes each Q/DQ pair as Div, Round, Clip, Mul (the same
# values): onnxruntime's QDQ rewrites would otherwise compute the float
# convolutions its own way.
def qdq_cnn_pool():
    name = 'q8_qdq_cnn_pool'
    c = lambda v, n, dt=np.float32: nh.from_array(np.array(v, dt), n)
    form = {'qdq': True}
    def qdq(x, y, s, zp):
        if not form['qdq']:
            return [h.make_node('Div', [x, y + '_s'], [y + '_d']), h.make_node('Round', [y + '_d'], [y + '_r']),
                    h.make_node('Clip', [y + '_r', y + '_lo', y + '_hi'], [y + '_c']),
                    h.make_node('Mul', [y + '_c', y + '_s'], [y])], \
                   [c(s, y + '_s'), c(-zp, y + '_lo'), c(255 - zp, y + '_hi')]
        return [h.make_node('QuantizeLinear', [x, y + '_s', y + '_z'], [y + '_q']),
                h.make_node('DequantizeLinear', [y + '_q', y + '_s', y + '_z'], [y])], \
               [c(s, y + '_s'), c(zp, y + '_z', np.uint8)]
    w1, w2, w3 = tern((32, 8, 3, 3)), tern((40, 32, 3, 3)), tern((24, 40, 3, 3))
    wf = tern((10, 24 * 3 * 3))
    b1, b3, bf = (rng.normal(size=n).astype(np.float32) for n in (32, 24, 10))
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', name)
    os.makedirs(d, exist_ok=True)
    for qdq_form, file in ((True, 'model.onnx'), (False, 'ref_model.onnx')):
        form['qdq'] = qdq_form
        onnx.save(qdq_cnn_model(name, qdq, c, w1, w2, w3, wf, b1, b3, bf), os.path.join(d, file))
    np.save(os.path.join(d, 'input_0.npy'), (rng.normal(size=(2, 8, 12, 12)) * 2).astype(np.float32))
    open(os.path.join(d, 'simd'), 'w').close()


def qdq_cnn_model(name, qdq, c, w1, w2, w3, wf, b1, b3, bf):
    n0, i0 = qdq('x', 'a0', 0.05, 128)
    n1, i1 = qdq('r1', 'a1', 0.1, 0)
    n2, i2 = qdq('k2', 'a2', 6 / 255, 0)
    n3, i3 = qdq('r3', 'a3', 0.08, 0)
    nodes = n0 + [h.make_node('Conv', ['a0', 'w1', 'b1'], ['c1'], pads=[1, 1, 1, 1]),
                  h.make_node('Relu', ['c1'], ['r1'])] + n1 + \
        [h.make_node('MaxPool', ['a1'], ['p1'], kernel_shape=[2, 2], strides=[2, 2]),
         h.make_node('Conv', ['p1', 'w2'], ['c2'], pads=[1, 1, 1, 1]),
         h.make_node('Clip', ['c2', 'lo', 'hi'], ['k2'])] + n2 + \
        [h.make_node('Conv', ['a2', 'w3', 'b3'], ['c3'], pads=[1, 1, 1, 1]),
         h.make_node('Relu', ['c3'], ['r3'])] + n3 + \
        [h.make_node('MaxPool', ['a3'], ['p3'], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
         h.make_node('Flatten', ['p3'], ['f3']),
         h.make_node('Gemm', ['f3', 'wf', 'bf'], ['y'], transB=1)]
    inits = i0 + i1 + i2 + i3 + [nh.from_array(w1, 'w1'), nh.from_array(b1, 'b1'),
                                 nh.from_array(w2 * 0.3, 'w2'), c(0, 'lo'), c(6, 'hi'),
                                 nh.from_array(w3 * 0.2, 'w3'), nh.from_array(b3, 'b3'),
                                 nh.from_array(wf, 'wf'), nh.from_array(bf, 'bf')]
    g = h.make_graph(nodes, name, [h.make_tensor_value_info('x', T.FLOAT, [2, 8, 12, 12])],
                     [h.make_tensor_value_info('y', T.FLOAT, [2, 10])], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)]); m.ir_version = 7
    onnx.checker.check_model(m)
    return m

qdq_cnn_pool()

# q8_qdq_int8_stem: an int8 QDQ model's layers with 8-bit weights: the input
# QDQ (int8, zero point 0) into a 3-channel stem whose weights are
# DequantizeLinear of int8 per output channel (W8A8: 8-bit x 8-bit on the
# integer kernels), Relu, QDQ (uint8), a second conv of int8 weights with
# stride 2 (W8A8), Relu, QDQ into a ternary conv (W2A8).  ref_model.onnx:
# the same values with Div/Round/Clip/Mul activations and the weights
# dequantized in float32 (onnxruntime's QDQ rewrites left out).
def qdq_int8_stem():
    name = 'q8_qdq_int8_stem'
    c = lambda v, n, dt=np.float32: nh.from_array(np.array(v, dt), n)
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', name)
    os.makedirs(d, exist_ok=True)
    q1 = rng.integers(-127, 128, size=(16, 3, 3, 3)).astype(np.int8)
    q1[:, 0, 0, 0] = 127                        # every channel reaches 127
    s1 = rng.uniform(0.002, 0.01, size=16).astype(np.float32)
    q2 = rng.integers(-127, 128, size=(24, 16, 3, 3)).astype(np.int8)
    q2[:, 0, 0, 0] = -127
    s2 = rng.uniform(0.001, 0.004, size=24).astype(np.float32)
    w3 = tern((8, 24, 3, 3))
    b1, b2 = rng.normal(size=16).astype(np.float32), rng.normal(size=24).astype(np.float32) * 0.1
    acts = [('x', 'a0', 1 / 64, 0, np.int8), ('r1', 'a1', 0.05, 0, np.uint8), ('r2', 'a2', 0.03, 0, np.uint8)]
    for ref in (False, True):
        nodes, inits = [], []
        def act(x, y, s, zp, dt):
            lo, hi = (-128, 127) if dt == np.int8 else (0, 255)
            if ref:
                inits.extend([c(s, y + '_s'), c(lo - zp, y + '_lo'), c(hi - zp, y + '_hi')])
                return [h.make_node('Div', [x, y + '_s'], [y + '_d']), h.make_node('Round', [y + '_d'], [y + '_r']),
                        h.make_node('Clip', [y + '_r', y + '_lo', y + '_hi'], [y + '_c']),
                        h.make_node('Mul', [y + '_c', y + '_s'], [y])]
            inits.extend([c(s, y + '_s'), c(zp, y + '_z', dt)])
            return [h.make_node('QuantizeLinear', [x, y + '_s', y + '_z'], [y + '_q']),
                    h.make_node('DequantizeLinear', [y + '_q', y + '_s', y + '_z'], [y])]
        for wn, q, s in (('w1', q1, s1), ('w2', q2, s2)):
            if ref:
                inits.append(nh.from_array((q.astype(np.float32) * s.reshape(-1, 1, 1, 1)).astype(np.float32), wn))
            else:
                inits += [nh.from_array(q, wn + '_q'), nh.from_array(s, wn + '_s'),
                          nh.from_array(np.zeros(len(s), np.int8), wn + '_z')]
                nodes.append(h.make_node('DequantizeLinear', [wn + '_q', wn + '_s', wn + '_z'], [wn], axis=0))
        nodes += act(*acts[0]) + [h.make_node('Conv', ['a0', 'w1', 'b1'], ['c1'], pads=[1, 1, 1, 1]),
                                  h.make_node('Relu', ['c1'], ['r1'])] + act(*acts[1]) + \
            [h.make_node('Conv', ['a1', 'w2', 'b2'], ['c2'], pads=[1, 1, 1, 1], strides=[2, 2]),
             h.make_node('Relu', ['c2'], ['r2'])] + act(*acts[2]) + \
            [h.make_node('Conv', ['a2', 'w3'], ['y'], pads=[1, 1, 1, 1])]
        inits += [nh.from_array(b1, 'b1'), nh.from_array(b2, 'b2'), nh.from_array(w3, 'w3')]
        g = h.make_graph(nodes, name, [h.make_tensor_value_info('x', T.FLOAT, [2, 3, 14, 14])],
                         [h.make_tensor_value_info('y', T.FLOAT, [2, 8, 7, 7])], inits)
        m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)]); m.ir_version = 7
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(d, 'ref_model.onnx' if ref else 'model.onnx'))
    np.save(os.path.join(d, 'input_0.npy'), (rng.normal(size=(2, 3, 14, 14)) * 0.8).astype(np.float32))
    open(os.path.join(d, 'simd'), 'w').close()

qdq_int8_stem()
