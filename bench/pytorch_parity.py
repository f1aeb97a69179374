#!/usr/bin/env python3
"""Train the seed network in PyTorch the way `sumd train` does, for the parity comparison in the README.

Usage: bench/pytorch_parity.py TRAIN_DIR TEST_DIR [--epochs 8] [--seed 0] [--threads 2]
TRAIN_DIR and TEST_DIR hold images.npy (uint8 N×28×140) and labels.npy (sums), e.g. from
`sumd synth --digits …`. Prints one line per epoch and the test accuracy of the best-validation epoch.
"""
import argparse, copy, time

import numpy as np
import torch
import torch.nn as nn


class SeedNet(nn.Module):
    def __init__(self, height, width, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * (height // 4) * (width // 4), 128)
        self.fc2 = nn.Linear(128, classes)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


def load(directory):
    images = torch.from_numpy(np.load(f"{directory}/images.npy").astype(np.float32) / 255).unsqueeze(1)
    return images, torch.from_numpy(np.load(f"{directory}/labels.npy").astype(np.int64))


def evaluate(model, x, y):
    model.eval()
    with torch.inference_mode():
        logits = torch.cat([model(x[i:i + 1024]) for i in range(0, len(x), 1024)])
    model.train()
    return nn.functional.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("train"); parser.add_argument("test")
    parser.add_argument("--epochs", type=int, default=8); parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2); parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x, y = load(args.train)
    test_x, test_y = load(args.test)
    order = torch.randperm(len(x))
    cut = len(x) - round(0.2 * len(x))
    train_x, train_y, val_x, val_y = x[order[:cut]], y[order[:cut]], x[order[cut:]], y[order[cut:]]
    classes = 9 * ((int(y.max()) + 8) // 9) + 1
    model = SeedNet(x.shape[2], x.shape[3], classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    best = (-1.0, 0, None)
    print(f"split: {cut} training, {len(x) - cut} validation; {classes} classes; torch {torch.__version__}, {args.threads} threads")
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        perm = torch.randperm(cut)
        total, correct = 0.0, 0
        for i in range(0, cut, args.batch_size):
            idx = perm[i:i + args.batch_size]
            logits = model(train_x[idx])
            loss = nn.functional.cross_entropy(logits, train_y[idx])
            optimizer.zero_grad(); loss.backward(); optimizer.step()
            total += loss.item() * len(idx); correct += (logits.argmax(1) == train_y[idx]).sum().item()
        seconds = time.perf_counter() - start
        val_loss, val_acc = evaluate(model, val_x, val_y)
        if val_acc > best[0]:
            best = (val_acc, epoch, copy.deepcopy(model.state_dict()))
        print(f"epoch {epoch}/{args.epochs}  train loss {total / cut:.4f} acc {correct / cut:.4f}  │  val loss {val_loss:.4f} "
              f"acc {val_acc:.4f}  │  {seconds:.1f} s  {cut / seconds:.0f} img/s", flush=True)
    model.load_state_dict(best[2])
    print(f"best epoch {best[1]}: validation accuracy {best[0]:.4f}; test accuracy {evaluate(model, test_x, test_y)[1]:.4f}")


if __name__ == "__main__":
    main()
