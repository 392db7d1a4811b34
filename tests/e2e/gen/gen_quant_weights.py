#!/usr/bin/python3
"""Binary/ternary-weight fixtures, trained with quantization-aware training.

    /usr/bin/python3 tests/e2e/gen/gen_quant_weights.py [--out DIR]

Two small networks are trained on sklearn's 8x8 digits (train: all but the
first 297 images; test: those 297) with straight-through-estimator weight
quantizers (TWN ternary: threshold 0.7 * mean|W| per output channel, scale
the mean of the kept magnitudes; binary: sign, scale mean|W|), then exported
in every form users produce.  Each fixture's input_0.npy is the 297 test
images stacked on axis 0 (`stacked`), `argmax` asks for 99.5% agreement.

  CNN  conv1 float 1->8 3x3 + BN + ReLU + MaxPool, conv2 ternary 8->16 3x3
       + BN + ReLU + MaxPool, fc1 binary 64->32 + ReLU, fc2 float 32->10.
       Two BN gammas of conv2 are negated (with the weights and running
       mean) so that folding gives sign flips.
  MLP  fc1 float 64->32 + ReLU, fc2 ternary 32->32 + ReLU, fc3 binary 32->16
       (per-tensor scale) + ReLU, fc4 ternary-without-zeros 16->10 (stored
       binary).

  qw_cnn_plain        quantized values as float initializers, BN kept
  qw_cnn_bnfold       exported in eval mode: BN folded into the weights
  qw_cnn_subgraph     quantizers left in the graph (Abs, ReduceMean,
                      Greater, Cast, Sign, Mul...), constant folding off
  qw_mlp_gemm_transb  Gemm with transB=1 (torch's Linear)
  qw_mlp_gemm_t0      the same with transB=0 (B stored [K, N])
  qw_mlp_matmul       MatMul + Add
  qw_mlp_dequant      DequantizeLinear of int8 {-1,0,1}, per-axis scale
  qw_mlp_qonnx_*      QONNX Quant (2-bit signed narrow) and BipolarQuant on
                      the float weights, domains qonnx.custom_op.general,
                      onnx.brevitas, finn.custom_op.general, and one without
                      the domain's opset import; ref_model.onnx is the same
                      computation in standard ops for onnxruntime.
Test accuracies (float training of the same nets vs quantized) are printed.
"""
import argparse
import os
import re

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))
NTEST = 297


def ternarize(w):
    """TWN per output channel (axis 0): values a*{-1,0,1}."""
    flat = w.reshape(w.shape[0], -1)
    d = 0.7 * flat.abs().mean(dim=1, keepdim=True)
    mask = (flat.abs() > d).float()
    a = (flat.abs() * mask).sum(1, keepdim=True) / mask.sum(1, keepdim=True).clamp(min=1)
    return (a * torch.sign(flat) * mask).reshape(w.shape)


def binarize(w, per_channel=True):
    flat = w.reshape(w.shape[0], -1)
    a = flat.abs().mean(dim=1, keepdim=True) if per_channel else flat.abs().mean()
    s = torch.where(flat >= 0, torch.ones_like(flat), -torch.ones_like(flat))
    return (a * s).reshape(w.shape)


class STE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w, fn):
        return fn(w)

    @staticmethod
    def backward(ctx, g):
        return g, None


class QConv(nn.Conv2d):
    def __init__(self, *a, q=None, **k):
        super().__init__(*a, **k)
        self.q = q

    def forward(self, x):
        w = STE.apply(self.weight, self.q) if self.q else self.weight
        return nn.functional.conv2d(x, w, self.bias, self.stride, self.padding)


class QLinear(nn.Linear):
    def __init__(self, *a, q=None, **k):
        super().__init__(*a, **k)
        self.q = q

    def forward(self, x):
        w = STE.apply(self.weight, self.q) if self.q else self.weight
        return nn.functional.linear(x, w, self.bias)


def make_cnn(quant=True):
    return nn.Sequential(
        QConv(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
        QConv(8, 16, 3, padding=1, q=ternarize if quant else None), nn.BatchNorm2d(16),
        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        QLinear(64, 32, q=binarize if quant else None), nn.ReLU(), QLinear(32, 10))


def tern_no_zero(w):
    """ternary quantizer whose threshold keeps every weight (a binary layer
    exported as 'ternary')."""
    flat = w.reshape(w.shape[0], -1)
    a = flat.abs().mean(1, keepdim=True)
    return (a * torch.where(flat >= 0, 1.0, -1.0)).reshape(w.shape)


def make_mlp(quant=True):
    return nn.Sequential(
        nn.Flatten(), QLinear(64, 32), nn.ReLU(),
        QLinear(32, 32, q=ternarize if quant else None), nn.ReLU(),
        QLinear(32, 16, q=(lambda w: binarize(w, False)) if quant else None), nn.ReLU(),
        QLinear(16, 10, q=tern_no_zero if quant else None))


def digits():
    ds = load_digits()
    x = (ds.images / 16.0).astype(np.float32)[:, None, :, :]
    return x, ds.target.astype(np.int64)


def train(model, x, y, epochs=40, seed=0):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    xt, yt = torch.from_numpy(x[NTEST:]), torch.from_numpy(y[NTEST:])
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(xt), generator=g)
        for i in range(0, len(xt), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            nn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(x[:NTEST])).argmax(1).numpy()
    return float((pred == y[:NTEST]).mean())


def freeze(model):
    """Replace each quantized layer's float weights by their quantized values."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (QConv, QLinear)) and m.q:
                m.weight.copy_(m.q(m.weight))
                m.q = None


def export(model, path, constant_folding=True, training=None):
    kw = dict(input_names=['input'], output_names=['output'], opset_version=13,
              do_constant_folding=constant_folding)
    if training is not None:
        kw['training'] = training
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), path, **kw)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return m


def out_dir(outdir, name, x_test):
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if re.fullmatch(r'(model\.onnx|ref_model\.onnx|input_\d+\.npy|ref_\d+\.npy)', f):
            os.remove(os.path.join(d, f))
    np.save(os.path.join(d, 'input_0.npy'), x_test)
    for f, v in (('stacked', ''), ('argmax', '99.5\n')):
        with open(os.path.join(d, f), 'w') as fh:
            fh.write(v)
    return d


def init_map(m):
    return {t.name: t for t in m.graph.initializer}


def gemm_weights(m):
    """The Gemm nodes and their weight initializers, in order."""
    inits = init_map(m)
    return [(n, inits[n.input[1]]) for n in m.graph.node if n.op_type == 'Gemm']


def rewrite_gemm(m, i, transb):
    """Gemm #i with transB=0 (B transposed in storage)."""
    n, w = gemm_weights(m)[i]
    arr = numpy_helper.to_array(w)
    if transb == 0:
        w.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(arr.T), w.name))
        for a in n.attribute:
            if a.name == 'transB':
                a.i = 0


def to_matmul(m):
    """Every Gemm (transB=1, bias) -> MatMul(x, W^T) + Add(b)."""
    inits = init_map(m)
    nodes = []
    for n in m.graph.node:
        if n.op_type != 'Gemm':
            nodes.append(n)
            continue
        w = inits[n.input[1]]
        arr = numpy_helper.to_array(w)
        w.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(arr.T), w.name))
        mm_out = n.output[0] + '_mm'
        nodes.append(helper.make_node('MatMul', [n.input[0], n.input[1]], [mm_out], name=n.name + '_mm'))
        nodes.append(helper.make_node('Add', [mm_out, n.input[2]], [n.output[0]], name=n.name + '_bias'))
    del m.graph.node[:]
    m.graph.node.extend(nodes)


def quantized_rows(arr):
    """(t int8, scale per row) of a weight quantized per row (axis 0)."""
    flat = arr.reshape(arr.shape[0], -1)
    a = np.abs(flat).max(axis=1)
    t = np.where(np.abs(flat) > 1e-3 * a[:, None], np.sign(flat), 0).astype(np.int8)
    return t.reshape(arr.shape), a.astype(np.float32)


def to_dequant(m, layers):
    """Weights of the given Gemms as DequantizeLinear(int8 t, scale, axis 0)."""
    gw = gemm_weights(m)
    nodes = []
    for i in layers:
        n, w = gw[i]
        t, a = quantized_rows(numpy_helper.to_array(w))
        name = w.name
        w.CopyFrom(numpy_helper.from_array(t, name + '_q'))
        m.graph.initializer.append(numpy_helper.from_array(a, name + '_scale'))
        m.graph.initializer.append(numpy_helper.from_array(np.zeros_like(t[:, 0]), name + '_zp'))
        nodes.append(helper.make_node('DequantizeLinear', [name + '_q', name + '_scale', name + '_zp'],
                                      [name], name=name + '_dq', axis=0))
    keep = list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes + keep)


def to_qonnx(m, raw, domain, import_domain=True):
    """Gemm weights -> Quant/BipolarQuant(float raw weights) in `domain`;
    returns the standard-op twin (weights evaluated by the QONNX rules)."""
    ref = onnx.ModelProto()
    ref.CopyFrom(m)
    rinits = init_map(ref)
    gw = gemm_weights(m)
    nodes = []
    for (n, w), (kind, a, rw) in zip(gw, raw):
        if kind == 'float':
            continue
        name = w.name
        arr = rw.astype(np.float32)
        w.CopyFrom(numpy_helper.from_array(arr, name + '_raw'))
        scale = a.reshape(-1, 1).astype(np.float32)
        m.graph.initializer.append(numpy_helper.from_array(scale, name + '_scale'))
        if kind == 'binary':
            nodes.append(helper.make_node('BipolarQuant', [name + '_raw', name + '_scale'], [name],
                                          name=name + '_bq', domain=domain))
            q = np.where(arr >= 0, 1.0, -1.0) * scale
        else:
            m.graph.initializer.append(numpy_helper.from_array(np.array(0, np.float32), name + '_zp'))
            m.graph.initializer.append(numpy_helper.from_array(np.array(2, np.float32), name + '_bits'))
            nodes.append(helper.make_node('Quant', [name + '_raw', name + '_scale', name + '_zp', name + '_bits'],
                                          [name], name=name + '_q', domain=domain,
                                          signed=1, narrow=1, rounding_mode='ROUND'))
            q = np.round(np.clip(arr / scale, -1, 1)) * scale
        rinits[name].CopyFrom(numpy_helper.from_array(q.astype(np.float32), name))
    keep = list(m.graph.node)
    del m.graph.node[:]
    m.graph.node.extend(nodes + keep)
    if import_domain:
        m.opset_import.append(helper.make_opsetid(domain, 1))
    return ref


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'models'))
    out = os.path.abspath(ap.parse_args().out)
    x, y = digits()
    xt = x[:NTEST]
    tmp = os.path.join(out, '.tmp.onnx')

    # ---- CNN ----
    acc_f = train(make_cnn(False), x, y)
    cnn = make_cnn(True)
    acc_q = train(cnn, x, y)
    freeze(cnn)
    with torch.no_grad():                  # negative gammas: flip channels 0, 5
        bn, conv = cnn[5], cnn[4]
        for c in (0, 5):
            bn.weight[c] *= -1
            conv.weight[c] *= -1
            bn.running_mean[c] *= -1
            if conv.bias is not None:
                conv.bias[c] *= -1
    print(f'CNN: float {acc_f:.3f}, ternary/binary QAT {acc_q:.3f} on {NTEST} test digits')
    d = out_dir(out, 'qw_cnn_plain', xt)
    onnx.save(export(cnn, tmp, training=torch.onnx.TrainingMode.PRESERVE), os.path.join(d, 'model.onnx'))
    d = out_dir(out, 'qw_cnn_bnfold', xt)
    onnx.save(export(cnn, tmp), os.path.join(d, 'model.onnx'))
    # quantizers in the graph: put the float weights back and the quantizer in
    sub = make_cnn(True)
    sub.load_state_dict(cnn.state_dict())
    with torch.no_grad():                  # raw weights whose quantization is cnn's
        for mm in sub.modules():
            if isinstance(mm, (QConv, QLinear)) and mm.q:
                mm.weight.mul_(1.0 + 0.01 * torch.rand_like(mm.weight))
    d = out_dir(out, 'qw_cnn_subgraph', xt)
    onnx.save(export(sub, tmp, constant_folding=False, training=torch.onnx.TrainingMode.EVAL),
              os.path.join(d, 'model.onnx'))

    # ---- MLP ----
    acc_f = train(make_mlp(False), x, y, seed=1)
    mlp = make_mlp(True)
    acc_q = train(mlp, x, y, seed=1)
    raw = []
    for mm in mlp.modules():
        if isinstance(mm, QLinear):
            w = mm.weight.detach().numpy().copy()
            if mm.q is None:
                raw.append(('float', None, w))
            else:
                qv = mm.q(mm.weight).detach().numpy()
                a = np.abs(qv).max(axis=1)
                kind = 'binary' if np.all(qv != 0) else 'ternary'
                raw.append((kind, a, w if kind == 'binary' else qv + 0.3 * a[:, None] *
                            np.clip(w / a[:, None] - np.round(w / a[:, None]), -0.4, 0.4)))
    freeze(mlp)
    print(f'MLP: float {acc_f:.3f}, ternary/binary QAT {acc_q:.3f} on {NTEST} test digits')
    base = export(mlp, tmp)
    for name, fn in (('qw_mlp_gemm_transb', None),
                     ('qw_mlp_gemm_t0', lambda m: [rewrite_gemm(m, i, 0) for i in range(4)]),
                     ('qw_mlp_matmul', to_matmul),
                     ('qw_mlp_dequant', lambda m: to_dequant(m, [1, 2, 3]))):
        m = onnx.ModelProto()
        m.CopyFrom(base)
        if fn:
            fn(m)
        onnx.checker.check_model(m)
        d = out_dir(out, name, xt)
        onnx.save(m, os.path.join(d, 'model.onnx'))
    for name, domain, imp in (('qw_mlp_qonnx_general', 'qonnx.custom_op.general', True),
                              ('qw_mlp_qonnx_brevitas', 'onnx.brevitas', True),
                              ('qw_mlp_qonnx_finn', 'finn.custom_op.general', True),
                              ('qw_mlp_qonnx_noimport', 'qonnx.custom_op.general', False)):
        m = onnx.ModelProto()
        m.CopyFrom(base)
        ref = to_qonnx(m, raw, domain, imp)
        d = out_dir(out, name, xt)
        onnx.save(m, os.path.join(d, 'model.onnx'))
        onnx.save(ref, os.path.join(d, 'ref_model.onnx'))
    os.remove(tmp)
    print('gen_quant_weights: wrote 11 fixtures')


if __name__ == '__main__':
    main()
