"""sumd checkpoints with numpy only: read, write, and the tensors an architecture needs.

A checkpoint is a safetensors file whose tensors are the network's PyTorch ``state_dict``
(float32, PyTorch layouts) and whose ``__metadata__`` holds strings: ``format`` =
``sumd-checkpoint``, ``format_version`` = ``1``, ``architecture`` (JSON: ``name``,
``input_height``, ``input_width``, ``layers``), ``classes``, ``input_scale``, ``provenance``
(JSON) and ``grid_phases`` (how many grid placements prediction averages over; absent in older
checkpoints, meaning 1). This module mirrors the Swift side (Sources/Classifier/Checkpoint) so
that what it writes ``sumd predict`` serves unchanged.
"""
from __future__ import annotations

import datetime
import json
import math
import os
import re
from dataclasses import dataclass, field

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

FORMAT_NAME = "sumd-checkpoint"
FORMAT_VERSION = "1"
#: The factor for uint8 pixels that ``sumd train`` writes (1/255).
DEFAULT_INPUT_SCALE = 1.0 / 255.0
#: Logits per cell of a digitsum network: "no digit" and the digits 0…9.
DIGIT_SYMBOLS = 11


class CheckpointError(ValueError):
    """A file that is not a usable sumd checkpoint; the message names the file and the problem."""


@dataclass
class Checkpoint:
    """A checkpoint in memory: architecture (the metadata's JSON as a dict), tensors by name."""

    architecture: dict
    tensors: dict[str, np.ndarray]
    input_scale: float = DEFAULT_INPUT_SCALE
    provenance: dict = field(default_factory=dict)
    #: Grid placements prediction averages over per phased axis (see ``grid_phases_problem``); 1 = one plain pass.
    grid_phases: int = 1

    @property
    def classes(self) -> int:
        return output_classes(self.architecture)


def parameter_specs(architecture: dict) -> list[tuple[str, tuple[int, ...]]]:
    """Every parameter tensor as (state_dict name, PyTorch shape), in state_dict order."""
    specs = []
    for layer in architecture["layers"]:
        if layer["type"] == "conv2d":
            k = layer["kernel"]
            specs += [(f"{layer['name']}.weight", (layer["out_channels"], layer["in_channels"], k, k)),
                      (f"{layer['name']}.bias", (layer["out_channels"],))]
        elif layer["type"] == "linear":
            specs += [(f"{layer['name']}.weight", (layer["out_features"], layer["in_features"])),
                      (f"{layer['name']}.bias", (layer["out_features"],))]
    return specs


def output_classes(architecture: dict) -> int:
    """Number of sums the network scores (0…classes−1): its last layer's output size."""
    last = architecture["layers"][-1]
    if last["type"] == "digit_sum":
        return last["classes"]
    if last["type"] == "linear":
        return last["out_features"]
    raise CheckpointError(f"architecture ends in a {last['type']} layer, not in class scores")


def cell_stride(architecture: dict) -> int:
    """Pixels between neighbouring cells of the last feature map: the product of the pooling kernels."""
    return math.prod(layer["kernel"] for layer in architecture["layers"] if layer["type"] == "max_pool2d")


def grid_phases_problem(architecture: dict, grid_phases) -> str | None:
    """Why ``grid_phases`` does not fit ``architecture`` (a sentence), or None when it does.

    More than one phase needs a network that takes any input size and outputs log-probabilities
    (no flatten/linear, digit_sum last), and at most one phase per pixel of the cell stride, so
    that the offsets ``k * stride // grid_phases`` are distinct.
    """
    if isinstance(grid_phases, bool) or not isinstance(grid_phases, int) or grid_phases < 1:
        return f"grid_phases must be a positive integer, got {grid_phases!r}"
    if grid_phases == 1:
        return None
    kinds = [layer["type"] for layer in architecture["layers"]]
    if "flatten" in kinds or "linear" in kinds or kinds[-1] != "digit_sum":
        return (f"grid_phases {grid_phases} needs a fully convolutional architecture ending in digit_sum; "
                f"the {architecture['name']} architecture is not (only grid_phases 1 is valid)")
    stride = cell_stride(architecture)
    if grid_phases > stride:
        return f"grid_phases {grid_phases} exceeds the cell stride {stride} (offsets would repeat)"
    return None


def parse_grid_phases(metadata: dict, source: str) -> int:
    """The metadata's ``grid_phases``: 1 when absent, else a decimal positive integer (CheckpointError otherwise)."""
    text = metadata.get("grid_phases")
    if text is None:
        return 1
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        raise CheckpointError(f"{source}: grid_phases must be a positive integer, got {text!r}")
    return int(text)


def check_grid_phases(architecture: dict, grid_phases, source: str) -> None:
    """Raises CheckpointError naming ``source`` when ``grid_phases`` does not fit ``architecture``."""
    problem = grid_phases_problem(architecture, grid_phases)
    if problem:
        raise CheckpointError(f"{source}: {problem}")


def read_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Reads a sumd checkpoint and checks its tensors against its architecture; tensors in state_dict order."""
    source = os.fspath(path)
    with safe_open(source, framework="np") as file:
        metadata = file.metadata() or {}
        if metadata.get("format") != FORMAT_NAME:
            raise CheckpointError(f"{source}: not a sumd checkpoint (no format={FORMAT_NAME} metadata; "
                                  "a plain PyTorch state_dict goes through `sumd import` first)")
        if metadata.get("format_version") != FORMAT_VERSION:
            raise CheckpointError(f"{source}: checkpoint format version {metadata.get('format_version')!r} "
                                  f"is not supported; this package reads version {FORMAT_VERSION}")
        tensors = {name: file.get_tensor(name) for name in file.keys()}
    try:
        architecture = json.loads(metadata["architecture"])
        input_scale = float(metadata["input_scale"])
        provenance = json.loads(metadata.get("provenance", "{}"))
    except (KeyError, ValueError) as error:
        raise CheckpointError(f"{source}: checkpoint metadata is incomplete or malformed ({error})") from None
    grid_phases = parse_grid_phases(metadata, source)
    check_tensors(tensors, architecture, source)
    check_grid_phases(architecture, grid_phases, source)
    ordered = {name: tensors[name] for name, _ in parameter_specs(architecture)}
    return Checkpoint(architecture, ordered, input_scale, provenance, grid_phases)


def check_tensors(tensors: dict, architecture: dict, source: str) -> None:
    """Raises CheckpointError naming the first missing, unexpected or mis-shaped tensor."""
    specs = dict(parameter_specs(architecture))
    for name in sorted(set(tensors) - set(specs)):
        raise CheckpointError(f"{source}: unexpected tensor {name!r}; the {architecture['name']} "
                              f"architecture has {', '.join(specs)}")
    for name, shape in specs.items():
        if name not in tensors:
            raise CheckpointError(f"{source}: missing tensor {name!r} (shape {list(shape)})")
        if tuple(tensors[name].shape) != shape:
            raise CheckpointError(f"{source}: tensor {name!r} has shape {list(tensors[name].shape)} "
                                  f"but the architecture needs {list(shape)}")


def write_checkpoint(checkpoint: Checkpoint, path: str | os.PathLike) -> None:
    """Writes ``checkpoint`` as a sumd checkpoint (float32 tensors, the metadata sumd expects).

    The file is written beside ``path`` under a temporary name and renamed into place, so a
    daemon watching ``path`` never reloads half a file.
    """
    target = os.fspath(path)
    check_tensors(checkpoint.tensors, checkpoint.architecture, target)
    check_grid_phases(checkpoint.architecture, checkpoint.grid_phases, target)
    provenance = dict(checkpoint.provenance)
    provenance.setdefault("created_at", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    metadata = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "architecture": json.dumps(checkpoint.architecture, sort_keys=True, separators=(",", ":")),
        "classes": str(checkpoint.classes),
        "input_scale": repr(float(checkpoint.input_scale)),
        "provenance": json.dumps(provenance, sort_keys=True, separators=(",", ":")),
        "grid_phases": str(checkpoint.grid_phases),
    }
    tensors = {name: np.ascontiguousarray(checkpoint.tensors[name], dtype="<f4")
               for name, _ in parameter_specs(checkpoint.architecture)}
    temporary = os.path.join(os.path.dirname(os.path.abspath(target)), f".{os.path.basename(target)}.part")
    save_file(tensors, temporary, metadata=metadata)
    os.replace(temporary, target)
