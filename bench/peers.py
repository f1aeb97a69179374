#!/usr/bin/env python3
"""Run sumd's peers (PyTorch eager, ONNX Runtime) on a sumd checkpoint's weights, seed or digitsum.

Usage: bench/peers.py CHECKPOINT IMAGES.npy [--threads 2] [--batches 1 64 1024 10000] [--train-steps 30]
Prints one JSON object: images/s per runtime and batch size, and PyTorch training images/s at batch 64.
The networks are the sumd Python package's (`python/`, imported from the tree when not installed):
`sumd.load_torch` builds either architecture from the checkpoint's metadata, digitsum's sum layer
included, and `sumd.export_onnx` writes the ONNX model ONNX Runtime runs.
Needs numpy, torch, safetensors; onnx + onnxruntime for the ONNX figures (skipped when missing).
"""
import argparse, json, os, statistics, sys, tempfile, time, warnings

import numpy as np
import torch
import torch.nn as nn

try:
    import sumd
except ImportError:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
    import sumd


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
    model = sumd.load_torch(args.checkpoint)
    pixels = np.load(args.images, mmap_mode="r")
    largest = max(args.batches)
    reps = -(-largest // len(pixels))
    x_all = torch.from_numpy(np.concatenate([pixels] * reps)[:largest].astype(np.float32) / 255).unsqueeze(1)
    result = {"torch_version": torch.__version__, "threads": args.threads, "architecture": model.architecture["name"],
              "pytorch": {}, "onnxruntime": {}}

    for batch in args.batches:
        x = x_all[:batch]
        with torch.inference_mode():
            result["pytorch"][str(batch)] = median_rate(lambda: model(x), batch)

    try:
        import onnxruntime as ort
        path = sumd.export_onnx(args.checkpoint, os.path.join(tempfile.mkdtemp(), "model.onnx"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        result["onnxruntime_version"] = ort.__version__
        for batch in args.batches:
            x = x_all[:batch].numpy()
            result["onnxruntime"][str(batch)] = median_rate(lambda: session.run(None, {"images": x}), batch)
    except ImportError as error:
        result["onnxruntime_error"] = str(error)

    # Training: Adam 1e-3, cross-entropy, batch 64, like `sumd train`.
    train = sumd.load_torch(args.checkpoint).train()
    optimizer = torch.optim.Adam(train.parameters(), lr=1e-3)
    labels = torch.randint(0, train.classes, (64,), generator=torch.Generator().manual_seed(0))
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
