#!/usr/bin/env python3
"""Daemon overhead and latency: `sumd serve` against the engine alone on the same images.

Usage: bench/daemon.py SUMD CHECKPOINT [--images 10000] [--singles 30]
- overhead: a 10,000-image batch renamed into the inbox until its report.csv appears, against
  `sumd bench --checkpoint … --batches N` (the engine alone, in-process, same images count).
- latency: 1-image batches renamed in one at a time (warm daemon), landing → report.csv; median.
Needs numpy. Prints a small table.
"""
import argparse, os, re, statistics, subprocess, sys, tempfile, time

import numpy as np


def wait_for(path, timeout=120):
    deadline = time.perf_counter() + timeout
    while not os.path.exists(path):
        if time.perf_counter() > deadline:
            sys.exit(f"timed out waiting for {path}")
        time.sleep(0.0005)
    return time.perf_counter()


def drop(inbox, name, array):
    staging = os.path.join(os.path.dirname(inbox), "staging")
    os.makedirs(staging, exist_ok=True)
    np.save(os.path.join(staging, name), array)
    start = time.perf_counter()
    os.rename(os.path.join(staging, name), os.path.join(inbox, name))
    return start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sumd"); parser.add_argument("checkpoint")
    parser.add_argument("--images", type=int, default=10000); parser.add_argument("--singles", type=int, default=30)
    args = parser.parse_args()
    meta = subprocess.run([args.sumd, "inspect", args.checkpoint], capture_output=True, text=True, check=True).stdout
    height, width = map(int, re.search(r"1×(\d+)×(\d+)", meta).groups())
    rng = np.random.default_rng(0)

    bench = subprocess.run([args.sumd, "bench", "--checkpoint", args.checkpoint, "--batches", str(args.images)],
                           capture_output=True, text=True, check=True).stdout
    engine_rate = float(next(l.split()[2] for l in bench.splitlines() if l.startswith("inference")))
    engine_seconds = args.images / engine_rate

    root = tempfile.mkdtemp(prefix="sumd-bench-")
    inbox, outbox = os.path.join(root, "inbox"), os.path.join(root, "outbox")
    os.makedirs(inbox)
    daemon = subprocess.Popen([args.sumd, "serve", "--inbox", inbox, "--outbox", outbox, "--checkpoint", args.checkpoint,
                               "--log-level", "warning"])
    try:
        wait_for(os.path.join(root, "processed"), 30)
        time.sleep(0.5)
        # Warm up, then the large batch.
        start = drop(inbox, "warm.npy", rng.integers(0, 256, (64, height, width), dtype=np.uint8))
        wait_for(os.path.join(outbox, "warm.report.csv"))
        big = rng.integers(0, 256, (args.images, height, width), dtype=np.uint8)
        start = drop(inbox, "big.npy", big)
        daemon_seconds = wait_for(os.path.join(outbox, "big.report.csv")) - start
        latencies = []
        for i in range(args.singles):
            start = drop(inbox, f"one{i}.npy", rng.integers(0, 256, (1, height, width), dtype=np.uint8))
            latencies.append(wait_for(os.path.join(outbox, f"one{i}.report.csv")) - start)
            time.sleep(0.05)
    finally:
        daemon.terminate()
        daemon.wait()
    print(f"{args.images}-image batch: engine alone {engine_seconds:.3f} s ({engine_rate:.0f} img/s), "
          f"through the daemon (rename → report.csv) {daemon_seconds:.3f} s: {daemon_seconds / engine_seconds - 1:+.1%}")
    print(f"1-image batch, rename → report.csv over {args.singles} drops: median {statistics.median(latencies) * 1e3:.1f} ms, "
          f"min {min(latencies) * 1e3:.1f} ms, max {max(latencies) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
