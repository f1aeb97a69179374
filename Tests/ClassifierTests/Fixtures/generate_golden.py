#!/usr/bin/env python3
"""Regenerates the PyTorch golden vectors in golden-f32/ that EngineGoldenTests compare against.

A small seed network (conv3x3-ReLU-maxpool2, twice, then Linear-ReLU-Linear) on 8x12 inputs, in
float32 with PyTorch's default initialisation under fixed seeds. For each tensor it writes one
.npy file: the parameters (`conv1.weight` ...), `input` [4, 1, 8, 12], `labels`, `logits`, the
batch-mean cross-entropy `loss`, the gradients `grad.<name>`, and the parameters after 1 and 3
Adam steps (`adam1.<name>`, `adam3.<name>`; lr 1e-3, betas (0.9, 0.999), eps 1e-8). From the same
start: the loss and gradients with label smoothing 0.1 (`smooth.loss`, `smooth.grad.<name>`), and
the parameters after 1 and 3 AdamW steps with weight decay 0.5 on the weights, none on the biases
(`adamw1.<name>`, `adamw3.<name>`).

Deterministic: on the same CPU and torch build it rewrites every file byte for byte; elsewhere
float32 results may differ in the last bits, well inside the tests' tolerances.
`make python-test` runs it into a temporary folder and compares with the committed files.

Usage: python3 generate_golden.py [OUTPUT_FOLDER]   (default: golden-f32 beside this file)
Needs torch and numpy.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPE = dict(in_h=8, in_w=12, c1=2, c2=3, hidden=5, classes=7, batch=4)
WEIGHT_SEED = 1234
DATA_SEED = 4321
LR, BETAS, EPS = 1e-3, (0.9, 0.999), 1e-8
SMOOTHING = 0.1
WEIGHT_DECAY = 0.5


class Net(nn.Module):
    """conv3x3(p1)-ReLU-maxpool2 -> conv3x3(p1)-ReLU-maxpool2 -> flatten(C,H,W) -> fc-ReLU -> fc."""

    def __init__(self, c1, c2, hidden, classes, in_h, in_w):
        super().__init__()
        self.conv1 = nn.Conv2d(1, c1, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1)
        self.fc1 = nn.Linear(c2 * (in_h // 4) * (in_w // 4), hidden)
        self.fc2 = nn.Linear(hidden, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def pooled_ties(a):
    """Number of 2x2 pooling windows whose maximum is > 0 and not unique (the tie rule would matter)."""
    n, c, h, w = a.shape
    windows = a[:, :, : h // 2 * 2, : w // 2 * 2].reshape(n, c, h // 2, 2, w // 2, 2)
    windows = windows.permute(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    largest = windows.max(-1).values
    return int(((largest > 0) & ((windows == largest.unsqueeze(-1)).sum(-1) > 1)).sum())


def golden_tensors():
    torch.set_num_threads(2)
    s = SHAPE
    torch.manual_seed(WEIGHT_SEED)
    model = Net(s["c1"], s["c2"], s["hidden"], s["classes"], s["in_h"], s["in_w"])
    generator = torch.Generator().manual_seed(DATA_SEED)
    x = torch.rand(s["batch"], 1, s["in_h"], s["in_w"], generator=generator, dtype=torch.float32)
    y = torch.randint(0, s["classes"], (s["batch"],), generator=generator, dtype=torch.int64)

    out = {k: v.detach().clone() for k, v in model.state_dict().items()}
    out["input"], out["labels"] = x.clone(), y.clone()
    a1 = F.relu(model.conv1(x))
    a2 = F.relu(model.conv2(F.max_pool2d(a1, 2)))
    if pooled_ties(a1) + pooled_ties(a2):
        raise SystemExit("max-pool windows with tied positive maxima: pick other seeds")

    logits = model(x)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    out["logits"], out["loss"] = logits.detach().clone(), loss.detach().reshape(1).clone()
    for k, p in model.named_parameters():
        out["grad." + k] = p.grad.detach().clone()

    start = {k: v.detach().clone() for k, v in model.state_dict().items()}
    adam = torch.optim.Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS, foreach=False)
    for step in range(1, 4):
        adam.zero_grad()
        F.cross_entropy(model(x), y).backward()
        adam.step()
        if step in (1, 3):
            for k, p in model.named_parameters():
                out[f"adam{step}.{k}"] = p.detach().clone()

    model.load_state_dict(start)
    model.zero_grad()
    smoothed = F.cross_entropy(model(x), y, label_smoothing=SMOOTHING)
    smoothed.backward()
    out["smooth.loss"] = smoothed.detach().reshape(1).clone()
    for k, p in model.named_parameters():
        out["smooth.grad." + k] = p.grad.detach().clone()

    model.load_state_dict(start)
    weights = [p for k, p in model.named_parameters() if k.endswith("weight")]
    biases = [p for k, p in model.named_parameters() if k.endswith("bias")]
    adamw = torch.optim.AdamW([{"params": weights, "weight_decay": WEIGHT_DECAY}, {"params": biases, "weight_decay": 0.0}],
                              lr=LR, betas=BETAS, eps=EPS, foreach=False)
    for step in range(1, 4):
        adamw.zero_grad()
        F.cross_entropy(model(x), y).backward()
        adamw.step()
        if step in (1, 3):
            for k, p in model.named_parameters():
                out[f"adamw{step}.{k}"] = p.detach().clone()
    return out


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden-f32")
    os.makedirs(folder, exist_ok=True)
    tensors = golden_tensors()
    for name, tensor in tensors.items():
        np.save(os.path.join(folder, name + ".npy"), tensor.numpy())
    print(f"wrote {len(tensors)} tensors to {folder} (torch {torch.__version__})")


if __name__ == "__main__":
    main()
