#!/usr/bin/python3
"""The demo's model: a binary/ternary CNN for scikit-learn's 8x8 digits.

    /usr/bin/python3 examples/digits_bnn/gen.py

Trained with quantization-aware training (straight-through estimators, the
helpers of tests/e2e/gen/) on all but the first 297 digits, which are held
out and bundled as samples.npy (float32 [297, 1, 8, 8], pixels / 16) with
labels.npy (int64 [297]).  Every layer reads quantized activations, so
tnnc compiles each one to XOR/popcount on packed bits:

  input     ternary: (x > 0.75) - (x < 0.25)  (Greater, Less, Cast, Sub)
  conv1     ternary weights 1->64 3x3 pad 1 + BN + Where(x >= 0, 1, -1)
  conv2     binary 64->64 3x3 pad 1 + BN + Where-sign, MaxPool 2  (8x8 -> 4x4)
  conv3     binary 64->128 3x3 pad 1 + BN + Where-sign, MaxPool 2  (-> 2x2)
  fc1       binary 512->128 + BN + Where-sign
  fc2       binary 128->10 (per-channel scale, bias): the logits

Exported in eval mode (BN folded by tnnc into per-channel thresholds) with
batch 1: the program tnnc emits with --emit-main runs N samples stacked on
axis 0.  Prints the held-out accuracy of the torch model.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'tests', 'e2e', 'gen'))
from gen_quant_acts import Act  # noqa: E402
from gen_quant_weights import (NTEST, QConv, QLinear, binarize, digits,  # noqa: E402
                               export, freeze, ternarize, train)


class InputQuant(nn.Module):
    """Pixels in [0, 1] to three levels; no gradient is needed here."""

    def forward(self, x):
        return (x > 0.75).float() - (x < 0.25).float()


def make_model():
    return nn.Sequential(
        InputQuant(),
        QConv(1, 64, 3, padding=1, q=ternarize), nn.BatchNorm2d(64), Act('where'),
        QConv(64, 64, 3, padding=1, q=binarize), nn.BatchNorm2d(64), Act('where'),
        nn.MaxPool2d(2),
        QConv(64, 128, 3, padding=1, q=binarize), nn.BatchNorm2d(128), Act('where'),
        nn.MaxPool2d(2), nn.Flatten(),
        QLinear(512, 128, q=binarize), nn.BatchNorm1d(128), Act('where'),
        QLinear(128, 10, q=binarize))


def main():
    x, y = digits()
    model = make_model()
    acc = train(model, x, y, epochs=40, seed=11)
    freeze(model)
    model.eval()
    export(model, os.path.join(HERE, 'model.onnx'))
    np.save(os.path.join(HERE, 'samples.npy'), x[:NTEST])
    np.save(os.path.join(HERE, 'labels.npy'), y[:NTEST])
    print(f'digits_bnn: held-out accuracy {acc:.3f} on {NTEST} digits (torch)')


if __name__ == '__main__':
    torch.set_num_threads(1)
    main()
