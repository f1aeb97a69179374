"""The digit-sum layer in PyTorch: per-cell digit distributions → log P(sum = s), exactly.

The same computation as sumd's engine (Sources/Classifier/Engine/Kernels/DigitSumKernels.swift):
each cell's softmax over 11 logits (channel 0 "no digit", channel 1 + d digit d) gives what the
cell adds to the sum: 0 for "no digit" and for digit 0, d for digit d. Cells are independent, so
the sum's distribution is the convolution of the cells' value distributions, truncated to sums
0…classes−1, and the output is its logarithm, floored at log(1e-300) like the engine's.

Here the convolution runs in log space (a log-sum-exp over the ten values at every step), in
float64 like the engine, and is built only from operations the ONNX exporter maps (LogSoftmax,
Pad, Gather, Slice, Concat, ReduceMax, Exp, Log, ReduceSum, Clip), so ``export_onnx`` keeps the layer and
autograd differentiates it.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .checkpoint import DIGIT_SYMBOLS

#: A log-probability for "impossible" that stays finite (−inf would give NaN gradients).
_IMPOSSIBLE = -1e30
#: The engine reports probabilities below 1e-300 as log(1e-300) and passes them no gradient.
_LOG_FLOOR = math.log(1e-300)


def _log_sum_exp(terms: torch.Tensor, dim: int) -> torch.Tensor:
    """log Σ exp(terms) over ``dim``, shifted by the maximum so nothing overflows."""
    top = terms.max(dim=dim, keepdim=True).values
    return (top + torch.log(torch.exp(terms - top).sum(dim=dim, keepdim=True))).squeeze(dim)


class DigitSum(nn.Module):
    """``(N, 11, H, W)`` logits → ``(N, classes)`` log P(sum = s); no parameters.

    A softmax over the output is the distribution ``sumd predict`` reports (the softmax
    renormalises the mass of sums ≥ classes that the truncation drops).
    """

    def __init__(self, classes: int):
        super().__init__()
        if classes < 2:
            raise ValueError(f"a digit-sum layer needs at least 2 classes, got {classes}")
        self.classes = classes
        # shifts[v, s] = s − v + 9: where F(s − v) sits in a distribution padded by 9 impossible sums
        # on the left, so one gather lays out every shifted copy (fewer operations than ten slices).
        values = torch.arange(10).unsqueeze(1)
        self.register_buffer("shifts", torch.arange(classes).unsqueeze(0) - values + 9, persistent=False)

    def extra_repr(self) -> str:
        return f"classes={self.classes}"

    def forward(self, logits: torch.Tensor) -> torch.Tensor:
        if logits.dim() != 4 or logits.shape[1] != DIGIT_SYMBOLS:
            raise ValueError(f"DigitSum takes (N, {DIGIT_SYMBOLS}, H, W) logits, got {tuple(logits.shape)}")
        symbols = torch.log_softmax(logits.to(torch.float64).flatten(2), dim=1)   # (N, 11, L)
        # Value 0 comes from "no digit" or digit 0; value v ≥ 1 from digit v.
        values = torch.cat([_log_sum_exp(symbols[:, 0:2], dim=1).unsqueeze(1), symbols[:, 2:]], dim=1)  # (N, 10, L)
        classes, width = self.classes, values.shape[1]
        # F_1: the first cell's distribution, padded or cut to `classes` sums.
        prefix = values[:, :, 0]
        if classes > width:
            prefix = nn.functional.pad(prefix, (0, classes - width), value=_IMPOSSIBLE)
        else:
            prefix = prefix[:, :classes]
        for cell in range(1, values.shape[2]):
            # F_l(s) = log Σ_v exp(F_{l−1}(s − v) + log q_l(v)): row v holds F_{l−1} shifted right by v.
            shifted = nn.functional.pad(prefix, (width - 1, 0), value=_IMPOSSIBLE)[:, self.shifts]   # (N, 10, classes)
            prefix = _log_sum_exp(shifted + values[:, :, cell:cell + 1], dim=1)
        return torch.clamp(prefix, min=_LOG_FLOOR).to(logits.dtype)
