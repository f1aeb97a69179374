"""How much averaging digitsum over grid phases gains: an experiment run in PyTorch.

Usage: python3 bench/phase_averaging.py CHECKPOINT.safetensors IMAGES.npy LABELS.npy [STRIDE=16]

digitsum reads a digit in the cells of its last feature map, STRIDE px apart. Most of its errors
are counting errors at cell boundaries (a digit read as parts in two cells), and where the
boundaries fall depends on where the grid lies on the image. This places each image at several
offsets in a canvas STRIDE px larger along each axis that spans two cells or more (a 28-px row
spans one cell in height: padding it there would make a second row of cells read every digit
again), runs the network on each placement (digitsum takes any size) and averages the
log-probabilities of the sum over them. sumd predict and serve run one unpadded pass today; this
measures what serving the average would give.
"""
import itertools
import sys

import numpy as np
import torch

import sumd

torch.set_num_threads(1)
checkpoint, images_path, labels_path = sys.argv[1:4]
stride = int(sys.argv[4]) if len(sys.argv) > 4 else 16
images = np.load(images_path).astype(np.float32) / 255
labels = np.load(labels_path)
model = sumd.load_torch(checkpoint).eval()
phased = [size // stride >= 2 for size in images.shape[1:]]


def log_probabilities(offset):
    """Log P(sum) for every image placed at `offset` (top, left) in the padded canvas."""
    pads = [(o, stride - o) if axis else (0, 0) for o, axis in zip(offset, phased)]
    placed = np.pad(images, [(0, 0)] + pads)
    with torch.no_grad():
        return np.concatenate([
            torch.log_softmax(model(torch.from_numpy(placed[i:i + 500])[:, None]), 1).numpy()
            for i in range(0, len(placed), 500)
        ])


def accuracy(offsets):
    mean = np.mean([log_probabilities(offset) for offset in offsets], axis=0)
    return np.mean(mean.argmax(axis=1) == labels)


one = np.mean(np.concatenate([
    model(torch.from_numpy(images[i:i + 500])[:, None]).argmax(1).numpy() for i in range(0, len(images), 500)
]) == labels)
print(f"one pass, unpadded: {one:.4f}")
for steps in (2, 4):
    per_axis = [range(0, stride, stride // steps) if axis else [0] for axis in phased]
    offsets = list(itertools.product(*per_axis))
    print(f"{len(offsets)} placements (offsets {list(per_axis[0])} × {list(per_axis[1])}): {accuracy(offsets):.4f}", flush=True)
