"""Accuracy of a `sumd predict --out` CSV by the number of digits in each row image.

Usage: python3 bench/accuracy_by_digit_count.py IMAGES.npy PREDICTIONS.csv [SLOT=28]

For the rows layout (`sumd synth` without --square): a digit's 28-px slot holds ink, an empty slot
is black, so the digits of a row are its slots with any non-zero pixel.
"""
import csv
import sys

import numpy as np

images = np.load(sys.argv[1])
slot = int(sys.argv[3]) if len(sys.argv) > 3 else 28
n, height, width = images.shape[0], images.shape[-2], images.shape[-1]
counts = (images.reshape(n, height, width // slot, slot).max(axis=(1, 3)) > 0).sum(axis=1)
rows = list(csv.DictReader(open(sys.argv[2])))
if len(rows) != n:
    sys.exit(f"{sys.argv[2]} has {len(rows)} rows but {sys.argv[1]} has {n} images")
for k in sorted(set(counts.tolist())):
    picked = [row for row, count in zip(rows, counts) if count == k]
    right = sum(row["correct"] == "1" for row in picked)
    print(f"{k} digits: {right / len(picked):.4f} ({right}/{len(picked)} rows)")
