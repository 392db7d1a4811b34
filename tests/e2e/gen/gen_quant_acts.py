#!/usr/bin/python3
"""Binary/ternary-activation fixtures, trained with quantization-aware training.

    /usr/bin/python3 tests/e2e/gen/gen_quant_acts.py [--out DIR]

Networks with binary/ternary weights AND activations, trained on sklearn's
8x8 digits (train: all but the first 297 images; test: those 297) with
straight-through estimators (weights as in gen_quant_weights.py; activations
pass the gradient where |x| <= 1), then exported in eval mode, where each
activation quantizer is written in one of the forms exporters produce:

  sign          ONNX Sign (Sign(0) = 0: three levels)
  where         Where(x >= 0, 1, -1) (ones_like scaffolding: Shape,
                ConstantOfShape... folded by tnnc)
  hardtanh_sign Sign(Clip(x, -1, 1))
  gtlt          (x > 0.5) - (x < -0.5) through Greater, Less, Cast, Sub
  clip_round    Round(Clip(x, -1, 1))
  rtn           a * ((x > d) - (x < -d)) + b with learned a, b (RTN's
                scale and offset)

  qa_mlp_*      Flatten, fc1 float 64->64 + BN + act, fc2 64->64 + BN + act,
                fc3 64->32 + BN + act, fc4 float 32->10; fc2/fc3 weights
                binary (w1) or ternary (w2)
  qa_cnn_w1a1_sign   conv1 float 1->16 3x3 pad 1 + BN + Sign, conv2 binary
                16->32 3x3 stride 2 pad 1 + BN + Sign, conv3 binary 32->32
                stride 2 pad 1 + BN + Sign, fc float 128->10
  qa_cnn_w2a2_rtn    the same with ternary weights, RTN activations and no
                padding (valid convolutions: 8 -> 6 -> 4 -> 2)
  qa_cnn_pool_w1a1_w2a2  float conv + BN + Where-sign + MaxPool, binary conv
                + BN + Where-sign + MaxPool (pooling on packed bits), ternary
                conv + BN + gtlt, fc float
  qa_cnn_pool_fc_w2a2  float conv + BN + gtlt + MaxPool, ternary conv + BN
                + gtlt + MaxPool, Flatten, ternary fc + BN + ReLU (the fc
                reads the pooled packed image as its packed row), fc float
  qa_wide_c64        64-channel layers, the shapes of the register-blocked
                packed convolution (channels in whole 64-bit words, output
                channels in blocks of 8): float stem + BN, two Bi-Real
                blocks (binary, float shortcut), gtlt, ternary conv + BN +
                gtlt (packed output), ternary stride-2 conv + BN + gtlt,
                MaxPool, fc float
  qa_resnet_w1a1     Bi-Real style: float stem conv + BN, two blocks
                y = BN(binary conv(Sign(x))) + x with the float shortcut,
                global average pool, fc float
Each fixture's input_0.npy is the 297 test images (`stacked`); `argmax` asks
for 99.5% agreement with onnxruntime.  Test accuracies are printed.
"""
import argparse
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from gen_quant_weights import (NTEST, QConv, QLinear, binarize, digits, export,
                               freeze, out_dir, ternarize, train)

HERE = os.path.dirname(os.path.abspath(__file__))


class Act(nn.Module):
    """Activation quantizer: STE in training, the export form in eval."""

    def __init__(self, form):
        super().__init__()
        self.form = form
        if form == 'rtn':
            self.a = nn.Parameter(torch.tensor(1.0))
            self.b = nn.Parameter(torch.tensor(0.0))

    def q(self, x):
        f = self.form
        if f == 'sign':
            return torch.sign(x)
        if f == 'where':
            return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))
        if f == 'hardtanh_sign':
            return torch.sign(F.hardtanh(x))
        if f == 'gtlt':
            return (x > 0.5).float() - (x < -0.5).float()
        if f == 'clip_round':
            return torch.round(torch.clamp(x, -1, 1))
        if f == 'rtn':
            return self.a * ((x > 0.5).float() - (x < -0.5).float()) + self.b
        raise ValueError(f)

    def forward(self, x):
        if not self.training:
            return self.q(x)
        xc = torch.clamp(x, -1, 1)
        if self.form == 'rtn':
            t = xc + ((x > 0.5).float() - (x < -0.5).float() - xc).detach()
            return self.a * t + self.b
        return xc + (self.q(x) - xc).detach()


def wq(bits):
    return binarize if bits == 1 else ternarize


def make_mlp(w, form):
    return nn.Sequential(
        nn.Flatten(), nn.Linear(64, 64), nn.BatchNorm1d(64), Act(form),
        QLinear(64, 64, q=wq(w)), nn.BatchNorm1d(64), Act(form),
        QLinear(64, 32, q=wq(w)), nn.BatchNorm1d(32), Act(form),
        nn.Linear(32, 10))


def make_cnn(w, form, pad):
    s = 2 if pad else 1
    side = 2
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=pad), nn.BatchNorm2d(16), Act(form),
        QConv(16, 32, 3, stride=s, padding=pad, q=wq(w)), nn.BatchNorm2d(32), Act(form),
        QConv(32, 32, 3, stride=s, padding=pad, q=wq(w)), nn.BatchNorm2d(32), Act(form),
        nn.Flatten(), nn.Linear(32 * side * side, 10))


def make_pool_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), Act('where'), nn.MaxPool2d(2),
        QConv(16, 32, 3, padding=1, q=binarize), nn.BatchNorm2d(32), Act('where'),
        nn.MaxPool2d(2),
        QConv(32, 32, 3, padding=1, q=ternarize), nn.BatchNorm2d(32), Act('gtlt'),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 10))


def make_pool_fc_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), Act('gtlt'), nn.MaxPool2d(2),
        QConv(16, 32, 3, padding=1, q=ternarize), nn.BatchNorm2d(32), Act('gtlt'),
        nn.MaxPool2d(2), nn.Flatten(),
        QLinear(32 * 2 * 2, 32, q=ternarize), nn.BatchNorm1d(32), nn.ReLU(),
        nn.Linear(32, 10))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.act = Act('sign')
        self.conv = QConv(c, c, 3, padding=1, q=binarize, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def forward(self, x):
        return self.bn(self.conv(self.act(x))) + x


def make_wide():
    return nn.Sequential(
        nn.Conv2d(1, 64, 3, padding=1), nn.BatchNorm2d(64), Block(64), Block(64),
        Act('gtlt'),
        QConv(64, 64, 3, padding=1, q=ternarize, bias=False), nn.BatchNorm2d(64), Act('gtlt'),
        QConv(64, 64, 3, stride=2, padding=1, q=ternarize, bias=False), nn.BatchNorm2d(64),
        Act('gtlt'), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 2 * 2, 10))


def make_resnet():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), Block(32), Block(32),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))


def save(model, outdir, name, xt, acc):
    export(model, os.path.join(out_dir(outdir, name, xt), 'model.onnx'))
    print(f'{name}: QAT test accuracy {acc:.3f} on {NTEST} digits')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'models'))
    ap.add_argument('--only', default=None, help='regenerate this fixture only')
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    x, y = digits()
    xt = x[:NTEST]
    jobs = [('qa_mlp_w1a1_sign', lambda: make_mlp(1, 'sign')),
            ('qa_mlp_w1a1_where', lambda: make_mlp(1, 'where')),
            ('qa_mlp_w1a1_hardtanh_sign', lambda: make_mlp(1, 'hardtanh_sign')),
            ('qa_mlp_w2a2_gtlt', lambda: make_mlp(2, 'gtlt')),
            ('qa_mlp_w2a2_clip_round', lambda: make_mlp(2, 'clip_round')),
            ('qa_mlp_w1a2_gtlt', lambda: make_mlp(1, 'gtlt')),
            ('qa_mlp_w2a1_where', lambda: make_mlp(2, 'where')),
            ('qa_mlp_w2a2_rtn', lambda: make_mlp(2, 'rtn')),
            ('qa_cnn_w1a1_sign', lambda: make_cnn(1, 'sign', 1)),
            ('qa_cnn_w2a2_rtn', lambda: make_cnn(2, 'rtn', 0)),
            ('qa_resnet_w1a1', make_resnet),
            ('qa_cnn_pool_w1a1_w2a2', make_pool_cnn),
            ('qa_cnn_pool_fc_w2a2', make_pool_fc_cnn),
            ('qa_wide_c64', make_wide)]
    for i, (name, make) in enumerate(jobs):
        if a.only and name != a.only:
            continue
        model = make()
        acc = train(model, x, y, epochs=30, seed=i)
        freeze(model)
        model.eval()
        save(model, out, name, xt, acc)
    print(f'gen_quant_acts: wrote {len(jobs)} fixtures')


if __name__ == '__main__':
    main()
