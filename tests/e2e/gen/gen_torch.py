#!/usr/bin/python3
"""Export small PyTorch models as end-to-end fixtures under tests/e2e/models/.

    /usr/bin/python3 tests/e2e/gen/gen_torch.py [--out DIR]

Uses Debian's python3-torch (TorchScript exporter, torch.onnx.export) and
python3-sklearn (the load_digits data set ships with sklearn, no download):

  torch_digits_cnn    Conv+BatchNorm+ReLU+MaxPool (x2), Flatten, Linear,
                      Softmax; trained a few epochs on load_digits; dynamic
                      batch axis (input dim 0 is symbolic 'batch'); the input
                      is 16 real digit images [16,1,8,8]; opset 13; exported
                      with TrainingMode.PRESERVE so BatchNormalization stays
                      in the graph (the compiler's fold target).
  torch_digits_mlp    Linear(Gemm)+Sigmoid+Dropout+Linear(Gemm)+Sigmoid,
                      trained on load_digits, input [16,64]; opset 13.  The
                      dropout is an inference Dropout node (a torch module in
                      eval mode exports to nothing, so it carries its own
                      ONNX symbolic).
  torch_resblock      Conv-BN-ReLU-Conv-BN + identity skip (Add) + ReLU,
                      input [1,4,8,8]; opset 17; exported in eval mode, so the
                      exporter folds the BatchNorms into the Convs.

Everything is seeded, so reruns give the same weights and inputs.
Reference outputs (ref_K.npy) are written by onnxruntime: see ../README.md.
"""
import argparse
import inspect
import os
import re
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))


def export(model, args, path, opset, dynamic_batch=False, training=None):
    kw = dict(input_names=['input'], output_names=['output'], opset_version=opset,
              do_constant_folding=True)
    if dynamic_batch:
        kw['dynamic_axes'] = {'input': {0: 'batch'}, 'output': {0: 'batch'}}
    if training is not None:
        kw['training'] = training
    if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
        kw['dynamo'] = False
    torch.onnx.export(model, args, path, **kw)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


def save_dir(outdir, name):
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if re.fullmatch(r'(model\.onnx|input_\d+\.npy)', f):
            os.remove(os.path.join(d, f))
    return d


def digits():
    ds = load_digits()
    x = (ds.images / 16.0).astype(np.float32)[:, None, :, :]  # [1797,1,8,8]
    y = ds.target.astype(np.int64)
    return x, y


def train(model, x, y, epochs, lr=0.01, batch=64, seed=0, probs='softmax'):
    """Train on all but the first 297 samples; return accuracy on those."""
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    if probs == 'softmax':
        def lossf(out, t):
            return nn.functional.nll_loss(torch.log(out + 1e-9), t)
    else:  # independent sigmoid outputs
        def lossf(out, t):
            return nn.functional.binary_cross_entropy(out, nn.functional.one_hot(t, 10).float())
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    n_test = 297
    xtr, ytr, xte, yte = xt[n_test:], yt[n_test:], xt[:n_test], yt[:n_test]
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr), batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            out = model(xtr[idx])
            loss = lossf(out, ytr[idx])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(xte).argmax(1) == yte).float().mean().item()
    return acc


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2))
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(16 * 2 * 2, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, x):
        return self.softmax(self.fc(self.flatten(self.features(x))))


class _InferenceDropoutFn(torch.autograd.Function):
    """Identity at inference; exports as an ONNX Dropout node (ratio input)."""

    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def symbolic(g, x):
        ratio = g.op('Constant', value_t=torch.tensor(0.25, dtype=torch.float32))
        return g.op('Dropout', x, ratio)


class ExportableDropout(nn.Dropout):
    def forward(self, x):
        if self.training:
            return super().forward(x)
        return _InferenceDropoutFn.apply(x)


class DigitsMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.act1 = nn.Sigmoid()
        self.drop = ExportableDropout(0.25)
        self.fc2 = nn.Linear(32, 10)
        self.act2 = nn.Sigmoid()

    def forward(self, x):
        return self.act2(self.fc2(self.drop(self.act1(self.fc1(x)))))


class ResBlock(nn.Module):
    def __init__(self, c=4):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + x)


def randomize_bn(model, gen):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.2)
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.3)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)


def ops_of(m):
    return sorted({n.op_type for n in m.graph.node})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'models'))
    ap.add_argument('--epochs', type=int, default=6)
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    torch.set_num_threads(1)
    warnings.filterwarnings('ignore', category=UserWarning)
    warnings.filterwarnings('ignore', category=FutureWarning)
    x, y = digits()
    sample = x[1000:1016]  # 16 real images, [16,1,8,8]

    # (a) CNN on digits, dynamic batch, BatchNormalization kept
    torch.manual_seed(0)
    cnn = DigitsCNN()
    acc = train(cnn, x, y, args.epochs)
    d = save_dir(out, 'torch_digits_cnn')
    m = export(cnn, torch.from_numpy(sample[:1]), os.path.join(d, 'model.onnx'), 13,
               dynamic_batch=True, training=torch.onnx.TrainingMode.PRESERVE)
    np.save(os.path.join(d, 'input_0.npy'), sample)
    print(f'torch_digits_cnn: held-out accuracy {acc:.3f}, ops {ops_of(m)}')

    # (b) MLP with Gemm / Sigmoid / Dropout
    torch.manual_seed(1)
    mlp = DigitsMLP()
    acc = train(mlp, x.reshape(len(x), 64), y, args.epochs, probs='sigmoid')
    d = save_dir(out, 'torch_digits_mlp')
    flat = sample.reshape(16, 64)
    m = export(mlp, torch.from_numpy(flat), os.path.join(d, 'model.onnx'), 13)
    np.save(os.path.join(d, 'input_0.npy'), flat)
    print(f'torch_digits_mlp: held-out accuracy {acc:.3f}, ops {ops_of(m)}')

    # (c) residual block (eval-mode export folds BN into the convs)
    torch.manual_seed(2)
    gen = torch.Generator().manual_seed(2)
    res = ResBlock(4)
    randomize_bn(res, gen)
    res.eval()
    d = save_dir(out, 'torch_resblock')
    xin = torch.randn(1, 4, 8, 8, generator=gen)
    m = export(res, xin, os.path.join(d, 'model.onnx'), 17)
    np.save(os.path.join(d, 'input_0.npy'), xin.numpy().astype(np.float32))
    print(f'torch_resblock: ops {ops_of(m)}')


if __name__ == '__main__':
    main()
