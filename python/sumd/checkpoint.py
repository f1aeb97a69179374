"""sumd checkpoints with numpy only: read, write, and the tensors an architecture needs.

A checkpoint is a safetensors file whose tensors are the network's PyTorch ``state_dict``
(float32, PyTorch layouts) and whose ``__metadata__`` holds strings: ``format`` =
``sumd-checkpoint``, ``format_version`` = ``1``, ``architecture`` (JSON: ``name``,
``input_height``, ``input_width``, ``layers``), ``classes``, ``input_scale`` and ``provenance``
(JSON). This module mirrors the Swift side (Sources/Classifier/Checkpoint) so that what it
writes ``sumd predict`` serves unchanged.
"""
from __future__ import annotations

import datetime
import json
import os
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
    check_tensors(tensors, architecture, source)
    ordered = {name: tensors[name] for name, _ in parameter_specs(architecture)}
    return Checkpoint(architecture, ordered, input_scale, provenance)


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
    provenance = dict(checkpoint.provenance)
    provenance.setdefault("created_at", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    metadata = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "architecture": json.dumps(checkpoint.architecture, sort_keys=True, separators=(",", ":")),
        "classes": str(checkpoint.classes),
        "input_scale": repr(float(checkpoint.input_scale)),
        "provenance": json.dumps(provenance, sort_keys=True, separators=(",", ":")),
    }
    tensors = {name: np.ascontiguousarray(checkpoint.tensors[name], dtype="<f4")
               for name, _ in parameter_specs(checkpoint.architecture)}
    temporary = os.path.join(os.path.dirname(os.path.abspath(target)), f".{os.path.basename(target)}.part")
    save_file(tensors, temporary, metadata=metadata)
    os.replace(temporary, target)
