#!/usr/bin/env python3
"""Run the seed network's peers (PyTorch eager, ONNX Runtime) on a sumd checkpoint's weights.

Usage: bench/peers.py CHECKPOINT IMAGES.npy [--threads 2] [--batches 1 64 1024 10000] [--train-steps 30]
Prints one JSON object: images/s per runtime and batch size, and PyTorch training images/s at batch 64.
Needs numpy, torch, safetensors; onnx + onnxruntime for the ONNX figures (skipped when missing).
"""
import argparse, json, os, statistics, sys, tempfile, time, warnings

import numpy as np
import torch
import torch.nn as nn
from safetensors.torch import load_file


class SeedNet(nn.Module):
    """The seed network, built from the sizes of a state_dict (conv1, conv2, fc1, fc2)."""

    def __init__(self, state):
        super().__init__()
        c1, _, k, _ = state["conv1.weight"].shape
        c2 = state["conv2.weight"].shape[0]
        hidden, features = state["fc1.weight"].shape
        classes = state["fc2.weight"].shape[0]
        self.conv1 = nn.Conv2d(1, c1, k, padding=k // 2)
        self.conv2 = nn.Conv2d(c1, c2, k, padding=k // 2)
        self.fc1 = nn.Linear(features, hidden)
        self.fc2 = nn.Linear(hidden, classes)
        self.load_state_dict(state)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        return self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))


def median_rate(run, batch, min_runs=3, min_seconds=2.0):
    run()  # warm-up
    times, total = [], 0.0
    while len(times) < min_runs or (total < min_seconds and len(times) < 1000):
        start = time.perf_counter()
        run()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        total += elapsed
    return batch / statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("images")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 64, 1024, 10000])
    parser.add_argument("--train-steps", type=int, default=30)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    state = {k: v.float() for k, v in load_file(args.checkpoint).items()}
    model = SeedNet(state).eval()
    pixels = np.load(args.images, mmap_mode="r")
    largest = max(args.batches)
    reps = -(-largest // len(pixels))
    x_all = torch.from_numpy(np.concatenate([pixels] * reps)[:largest].astype(np.float32) / 255).unsqueeze(1)
    result = {"torch_version": torch.__version__, "threads": args.threads, "pytorch": {}, "onnxruntime": {}}

    for batch in args.batches:
        x = x_all[:batch]
        with torch.inference_mode():
            result["pytorch"][str(batch)] = median_rate(lambda: model(x), batch)

    try:
        import onnxruntime as ort
        path = os.path.join(tempfile.mkdtemp(), "seed.onnx")
        torch.onnx.export(model, x_all[:1], path, input_names=["x"], output_names=["logits"],
                          dynamic_axes={"x": {0: "n"}, "logits": {0: "n"}}, dynamo=False)
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        result["onnxruntime_version"] = ort.__version__
        for batch in args.batches:
            x = x_all[:batch].numpy()
            result["onnxruntime"][str(batch)] = median_rate(lambda: session.run(None, {"x": x}), batch)
    except ImportError as error:
        result["onnxruntime_error"] = str(error)

    # Training: Adam 1e-3, cross-entropy, batch 64, like `sumd train`.
    train = SeedNet(state).train()
    optimizer = torch.optim.Adam(train.parameters(), lr=1e-3)
    labels = torch.randint(0, state["fc2.weight"].shape[0], (64,), generator=torch.Generator().manual_seed(0))
    x = x_all[:64] if largest >= 64 else x_all.repeat(64, 1, 1, 1)[:64]

    def step():
        optimizer.zero_grad()
        nn.functional.cross_entropy(train(x), labels).backward()
        optimizer.step()

    result["pytorch_train_64"] = median_rate(step, 64, min_runs=args.train_steps, min_seconds=3.0)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
