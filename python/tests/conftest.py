"""Shared fixtures: a real sumd binary (``SUMD_BIN``), data it synthesises, and tiny models it trains;
and ``random_checkpoint`` for tests that need only a well-formed checkpoint, not the binary.

Nothing here skips: without ``SUMD_BIN`` (or without torch/onnxruntime for those tests) the
tests fail, so a green run always means the round trips were checked.
"""
import os
import subprocess

import numpy as np
import pytest

from sumd.checkpoint import Checkpoint, parameter_specs

#: Test images: rows of 1–5 drawn digits, 28×140, as `sumd synth` makes them.
TEST_IMAGES = 1000


def sumd_binary() -> str:
    path = os.environ.get("SUMD_BIN", "")
    if not (path and os.access(path, os.X_OK)):
        pytest.fail(f"SUMD_BIN must name a built sumd executable (got {path!r}); `make python-test` sets it")
    return path


def run_sumd(*arguments) -> subprocess.CompletedProcess:
    """Runs ``sumd ARGUMENTS`` to completion; fails the test with its stderr when it exits non-zero."""
    process = subprocess.run([sumd_binary(), *map(str, arguments)], capture_output=True, text=True, timeout=300)
    if process.returncode != 0:
        pytest.fail(f"sumd {' '.join(map(str, arguments))} exited {process.returncode}: {process.stderr}")
    return process


def sumd_predict(checkpoint, images, out_csv) -> tuple:
    """`sumd predict` on an .npy file: (predicted sums, confidences) from its predictions CSV."""
    run_sumd("predict", "--checkpoint", checkpoint, "--images", images, "--out", out_csv)
    table = np.loadtxt(out_csv, delimiter=",", skiprows=1, ndmin=2)
    return table[:, 1].astype(np.int64), table[:, 2]


@pytest.fixture(scope="session")
def data(tmp_path_factory):
    """Paths of synthetic training rows (2,000) and test rows (1,000): images.npy and labels.npy each."""
    root = tmp_path_factory.mktemp("data")
    run_sumd("synth", "--out", root / "train", "--n", 2000, "--seed", 1)
    run_sumd("synth", "--out", root / "test", "--n", TEST_IMAGES, "--seed", 2)
    return {split: {"images": str(root / split / "images.npy"), "labels": str(root / split / "labels.npy")}
            for split in ("train", "test")}


def _train(data, out, *arguments) -> str:
    run_sumd("train", "--images", data["train"]["images"], "--labels", data["train"]["labels"], "--out", out,
             "--classes", 46, "--workers", 2, *arguments)
    return str(out)


@pytest.fixture(scope="session")
def digitsum_model(data, tmp_path_factory):
    """A small digitsum network trained by sumd for 3 epochs (four conv blocks, 1×8 cells on 28×140)."""
    return _train(data, tmp_path_factory.mktemp("digitsum") / "model.safetensors",
                  "--arch", "digitsum", "--epochs", 3, "--channels", "8,8,16,16", "--hidden", 16)


@pytest.fixture(scope="session")
def seed_model(data, tmp_path_factory):
    """A small seed network trained by sumd for 2 epochs."""
    return _train(data, tmp_path_factory.mktemp("seed") / "model.safetensors",
                  "--arch", "seed", "--epochs", 2, "--channels", "8,16", "--hidden", 32)


@pytest.fixture(scope="session")
def models(digitsum_model, seed_model):
    return {"digitsum": digitsum_model, "seed": seed_model}


@pytest.fixture(scope="session")
def reference_predictions(models, data, tmp_path_factory):
    """`sumd predict` on the test rows for each model: (predicted sums, confidences)."""
    root = tmp_path_factory.mktemp("predictions")
    return {name: sumd_predict(path, data["test"]["images"], root / f"{name}.csv") for name, path in models.items()}


def agreement(predicted, confidence, reference) -> tuple:
    """(share of images with the same predicted sum, largest confidence difference where they agree)."""
    same = predicted == reference[0]
    return same.mean(), float(np.abs(confidence - reference[1])[same].max())


def _conv(name, in_channels, out_channels, kernel=3, padding=1) -> dict:
    return {"type": "conv2d", "name": name, "in_channels": in_channels, "out_channels": out_channels,
            "kernel": kernel, "padding": padding}


def digitsum_architecture(height=28, width=140) -> dict:
    """A small digitsum architecture like `sumd train --arch digitsum`: four conv blocks (cell stride 16)."""
    layers, channels = [], [1, 4, 4, 8, 8]
    for block in range(4):
        layers += [_conv(f"conv{block + 1}", channels[block], channels[block + 1]), {"type": "relu"},
                   {"type": "max_pool2d", "kernel": 2}]
    layers += [_conv("head", channels[-1], 11, kernel=1, padding=0), {"type": "digit_sum", "classes": 46}]
    return {"name": "digitsum", "input_height": height, "input_width": width, "layers": layers}


def seed_architecture() -> dict:
    """A small seed architecture (two conv blocks, flatten, two linear layers) on 28×140."""
    layers = [_conv("conv1", 1, 4), {"type": "relu"}, {"type": "max_pool2d", "kernel": 2},
              _conv("conv2", 4, 8), {"type": "relu"}, {"type": "max_pool2d", "kernel": 2}, {"type": "flatten"},
              {"type": "linear", "name": "fc1", "in_features": 8 * 7 * 35, "out_features": 16}, {"type": "relu"},
              {"type": "linear", "name": "fc2", "in_features": 16, "out_features": 46}]
    return {"name": "seed", "input_height": 28, "input_width": 140, "layers": layers}


def random_checkpoint(architecture, grid_phases=1, seed=0) -> Checkpoint:
    """A checkpoint of ``architecture`` with random float32 weights (seeded), no binary needed."""
    rng = np.random.default_rng(seed)
    tensors = {name: rng.normal(0, 0.3, shape).astype(np.float32) for name, shape in parameter_specs(architecture)}
    return Checkpoint(architecture, tensors, grid_phases=grid_phases)
