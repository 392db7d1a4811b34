#!/usr/bin/python3
"""Benchmark models, exported with torch (Debian's python3-torch).

    /usr/bin/python3 benchmarks/gen_models.py [--out DIR] [--only NAME]

Writes DIR/<name>.onnx (what tnnc compiles: binary/ternary weights as
frozen float values, activation quantizers in the graph) and
DIR/<name>.float.onnx (the same architecture in float32, ReLU/HardTanh in
place of the quantizers: what onnxruntime runs for the comparison).  The
weights are random (seeded); batch-norm statistics are randomised so that
activations spread around the thresholds.  Speed does not depend on
training.

  resnet18_w1a1   Bi-Real ResNet-18 at 224x224: float 7x7 stem + BN +
                  MaxPool; 8 basic blocks of two 3x3 binary convolutions,
                  each on Sign-ed activations (Where(x >= 0, 1, -1)) with
                  BN and the float shortcut added after it; downsampling
                  shortcuts AvgPool 2x2 + float 1x1 conv + BN; global
                  average pool; float fc 512->1000
  vgg7_w2a2       VGG-7 on 32x32 (2x128C3-MP2-2x256C3-MP2-2x512C3-MP2-
                  1024FC-10FC), ternary weights and ternary activations
                  ((x > 0.5) - (x < -0.5)) in the five hidden convs and
                  the hidden 1024 fc (RTN: all but the first and last
                  layers), float first conv and last fc
  vgg7_sq         the same VGG-7 with Smart-Quantization mixed weights
                  (binary and ternary per layer), float activations (ReLU)
  tfc_w1a1        the TFC MLP 784-64-64-64-10, binary weights in every
                  layer and binary activations (as the FINN/Brevitas TFC)
  cnn_w2a8        ternary weights, float (8-bit-range) activations: a
                  4-conv 32x32 CNN, Clip(0, 6) activations
  cnn_w2a8q       the same CNN with 8-bit activations: each Clip(0, 6) is
                  followed by torch's fake quantizer (scale 6/255, zero
                  point 0: QuantizeLinear -> DequantizeLinear in the
                  export), as PyTorch QAT exports it; its onnxruntime int8
                  twin (cnn_w2a8q.int8.onnx: BatchNorm folded, weights
                  DequantizeLinear of int8 per channel, the input and the
                  classifier's input Q/DQ too) is made by qdq_int8()
"""
import argparse
import os

import numpy as np
import onnx
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))


def binarize(w):
    a = w.abs().mean(dim=tuple(range(1, w.dim())), keepdim=True)
    return a * torch.where(w >= 0, 1.0, -1.0)


def ternarize(w):
    flat = w.reshape(w.shape[0], -1)
    d = 0.7 * flat.abs().mean(1, keepdim=True)
    mask = (flat.abs() > d).float()
    a = (flat.abs() * mask).sum(1, keepdim=True) / mask.sum(1, keepdim=True).clamp(min=1)
    return (a * torch.sign(flat) * mask).reshape(w.shape)


class Act(nn.Module):
    def __init__(self, form, quant):
        super().__init__()
        self.form, self.quant = form, quant

    def forward(self, x):
        if not self.quant:
            return torch.clamp(x, -1, 1) if self.form != 'relu6' else torch.clamp(x, 0, 6)
        if self.form == 'sign':
            return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))
        if self.form == 'tern':
            return (x > 0.5).float() - (x < -0.5).float()
        if self.form == 'relu6q':
            return torch.fake_quantize_per_tensor_affine(torch.clamp(x, 0, 6), 6 / 255, 0, 0, 255)
        return torch.clamp(x, 0, 6)


def bn(c):
    b = nn.BatchNorm2d(c)
    with torch.no_grad():
        b.weight.uniform_(0.5, 1.5)
        b.bias.uniform_(-0.3, 0.3)
        b.running_mean.uniform_(-0.5, 0.5)
        b.running_var.uniform_(0.5, 2.0)
    return b


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, quant):
        super().__init__()
        self.a1, self.a2 = Act('sign', quant), Act('sign', quant)
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b1, self.b2 = bn(cout), bn(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(cin, cout, 1, bias=False), bn(cout))

    def forward(self, x):
        s = x if self.down is None else self.down(x)
        y = self.b1(self.c1(self.a1(x))) + s
        return self.b2(self.c2(self.a2(y))) + y


def resnet18(quant):
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), bn(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [BasicBlock(cin, cout, stride, quant), BasicBlock(cout, cout, 1, quant)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*layers), (1, 3, 224, 224)


def vgg7(act_form, quant):
    def block(cin, cout, q):
        return [nn.Conv2d(cin, cout, 3, 1, 1, bias=False), bn(cout), Act(act_form, q)]
    layers = (block(3, 128, quant) + block(128, 128, quant) + [nn.MaxPool2d(2)] +
              block(128, 256, quant) + block(256, 256, quant) + [nn.MaxPool2d(2)] +
              block(256, 512, quant) + block(512, 512, quant) + [nn.MaxPool2d(2)] +
              [nn.Flatten(), nn.Linear(512 * 16, 1024), nn.ReLU(), nn.Linear(1024, 10)])
    return nn.Sequential(*layers), (1, 3, 32, 32)


def tfc(quant):
    def bn1(c):
        b = nn.BatchNorm1d(c)
        with torch.no_grad():
            b.running_var.uniform_(0.5, 2.0)
            b.running_mean.uniform_(-0.5, 0.5)
        return b
    layers = [nn.Flatten(), Act('sign', quant)]
    for cin, cout in ((784, 64), (64, 64), (64, 64)):
        layers += [nn.Linear(cin, cout, bias=False), bn1(cout), Act('sign', quant)]
    layers += [nn.Linear(64, 10)]
    return nn.Sequential(*layers), (1, 1, 28, 28)


def cnn_w2a8(quant, act='relu6'):
    layers = []
    for cin, cout in ((3, 64), (64, 128), (128, 128), (128, 256)):
        layers += [nn.Conv2d(cin, cout, 3, 1, 1, bias=False), bn(cout), Act(act, quant)]
        if cout != 128 or cin == 64:
            layers += [nn.MaxPool2d(2)]
    layers += [nn.Flatten(), nn.LazyLinear(10)]
    m = nn.Sequential(*layers)
    m(torch.zeros(1, 3, 32, 32))
    return m, (1, 3, 32, 32)


def quantize_weights(model, plan):
    """plan(index, module) -> None | binarize | ternarize, for every conv/linear"""
    convs = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        for i, m in enumerate(convs):
            q = plan(i, len(convs), m)
            if q is not None:
                m.weight.copy_(q(m.weight))


def hidden_binary_3x3(i, n, m):
    return binarize if isinstance(m, nn.Conv2d) and m.kernel_size == (3, 3) else None


def hidden(fn):
    return lambda i, n, m: fn if 0 < i < n - 2 or (n <= 5 and 0 < i < n - 1) else None


def sq_mixed(i, n, m):
    if not (0 < i < n - 2):
        return None
    return binarize if i % 2 else ternarize


MODELS = {
    'resnet18_w1a1': (lambda q: resnet18(q), hidden_binary_3x3),
    'vgg7_w2a2': (lambda q: vgg7('tern', q), lambda i, n, m: ternarize if 0 < i < n - 1 else None),
    'vgg7_sq': (lambda q: vgg7('relu6', False), sq_mixed),
    'tfc_w1a1': (lambda q: tfc(q), lambda i, n, m: binarize),
    'cnn_w2a8': (lambda q: cnn_w2a8(q), lambda i, n, m: ternarize if 0 < i < n - 1 else None),
    'cnn_w2a8q': (lambda q: cnn_w2a8(q, 'relu6q'), lambda i, n, m: ternarize if 0 < i < n - 1 else None),
}


def qdq_int8(src, dst):
    """The int8 QDQ twin of a float-weight QDQ-activation model, for
    onnxruntime's QLinearConv/QGemm path: BatchNormalization folded into the
    Conv before it, every Conv/Gemm weight replaced by DequantizeLinear of
    int8 with a per-output-channel symmetric scale (exact for ternary
    weights: a * {-1, 0, 1}), and Q/DQ (uint8 for a non-negative range, else
    int8) on every Conv/Gemm input that has none, its scale from the input's
    range (the model input: [-1, 1]) or, behind views and pools, from the
    DequantizeLinear before them."""
    from onnx import helper, numpy_helper
    m = onnx.load(src)
    g = m.graph
    for n in list(g.node):  # Constant nodes become initializers
        if n.op_type == 'Constant' and n.attribute[0].name == 'value':
            t = onnx.TensorProto()
            t.CopyFrom(n.attribute[0].t)
            t.name = n.output[0]
            g.initializer.append(t)
            g.node.remove(n)
    inits = {t.name: t for t in g.initializer}
    prod = {o: n for n in g.node for o in n.output}
    cons = {}
    for n in g.node:
        for i in n.input:
            cons.setdefault(i, []).append(n)
    nodes = list(g.node)
    drop = set()
    # fold BatchNormalization into the Conv that is its input's only producer
    for n in nodes:
        if n.op_type != 'BatchNormalization':
            continue
        c = prod.get(n.input[0])
        if c is None or c.op_type != 'Conv' or len(cons[c.output[0]]) != 1:
            continue
        sc, b, mu, var = (numpy_helper.to_array(inits[x]) for x in n.input[1:5])
        eps = next((a.f for a in n.attribute if a.name == 'epsilon'), 1e-5)
        k = sc / np.sqrt(var + eps)
        w = numpy_helper.to_array(inits[c.input[1]])
        bias = numpy_helper.to_array(inits[c.input[2]]) if len(c.input) > 2 else np.zeros(w.shape[0], np.float32)
        w2 = (w * k.reshape(-1, 1, 1, 1)).astype(np.float32)
        b2 = ((bias - mu) * k + b).astype(np.float32)
        inits[c.input[1]].CopyFrom(numpy_helper.from_array(w2, c.input[1]))
        bname = c.output[0] + '_fold_bias'
        g.initializer.append(numpy_helper.from_array(b2, bname))
        inits[bname] = g.initializer[-1]
        del c.input[2:]
        c.input.append(bname)
        c.output[0] = n.output[0]
        drop.add(id(n))
    new = [n for n in nodes if id(n) not in drop]
    prod = {o: n for n in new for o in n.output}
    out = []
    for n in new:
        if n.op_type in ('Conv', 'Gemm') and n.input[1] in inits:
            w = numpy_helper.to_array(inits[n.input[1]])
            trans = n.op_type == 'Gemm' and any(a.name == 'transB' and a.i for a in n.attribute)
            axis = 0 if n.op_type == 'Conv' or trans else 1
            wm = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)
            s = np.abs(wm).max(1) / 127
            s[s == 0] = 1
            q = np.clip(np.round(wm / s[:, None]), -127, 127).astype(np.int8)
            q = np.moveaxis(q.reshape(np.moveaxis(w, axis, 0).shape), 0, axis)
            base = n.input[1]
            g.initializer.extend([numpy_helper.from_array(q, base + '_q'),
                                  numpy_helper.from_array(s.astype(np.float32), base + '_s'),
                                  numpy_helper.from_array(np.zeros(len(s), np.int8), base + '_z')])
            out.append(helper.make_node('DequantizeLinear', [base + '_q', base + '_s', base + '_z'],
                                        [base + '_dq'], axis=axis))
            n.input[1] = base + '_dq'
            x = n.input[0]
            src_n = prod.get(x)
            while src_n is not None and src_n.op_type in ('MaxPool', 'Flatten', 'Reshape', 'AveragePool'):
                src_n = prod.get(src_n.input[0])
            if src_n is None or src_n.op_type != 'DequantizeLinear' or prod.get(x) is not None and prod[x].op_type != 'DequantizeLinear':
                if src_n is not None and src_n.op_type == 'DequantizeLinear':
                    sc = numpy_helper.to_array(inits[src_n.input[1]])
                    zp = inits[src_n.input[2]]
                else:
                    sc = np.array(1 / 127, np.float32)
                    zp = numpy_helper.from_array(np.array(0, np.int8))
                zname, sname = x + '_zq', x + '_sq'
                g.initializer.extend([numpy_helper.from_array(np.asarray(sc, np.float32), sname),
                                      numpy_helper.from_array(numpy_helper.to_array(zp), zname)])
                out.append(helper.make_node('QuantizeLinear', [x, sname, zname], [x + '_q8']))
                out.append(helper.make_node('DequantizeLinear', [x + '_q8', sname, zname], [x + '_dq8']))
                n.input[0] = x + '_dq8'
        out.append(n)
    del g.node[:]
    g.node.extend(out)
    used = {i for n in g.node for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, dst)


def export(model, shape, path):
    model.eval()
    torch.onnx.export(model, torch.zeros(*shape), path, input_names=['input'],
                      output_names=['output'], opset_version=13)
    onnx.checker.check_model(onnx.load(path))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, 'models'))
    ap.add_argument('--only', default=None)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, (make, plan) in MODELS.items():
        if a.only and a.only != name:
            continue
        torch.manual_seed(0)
        model, shape = make(True)
        quantize_weights(model, plan)
        export(model, shape, os.path.join(a.out, f'{name}.onnx'))
        torch.manual_seed(0)
        fmodel, _ = make(False)
        export(fmodel, shape, os.path.join(a.out, f'{name}.float.onnx'))
        if name == 'cnn_w2a8q':
            qdq_int8(os.path.join(a.out, f'{name}.onnx'), os.path.join(a.out, f'{name}.int8.onnx'))
        np.save(os.path.join(a.out, f'{name}.input.npy'),
                np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32))
        print(f'gen_models: {name} {shape}')


if __name__ == '__main__':
    main()
