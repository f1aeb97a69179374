"""Checkpoints into PyTorch modules and back."""
from __future__ import annotations

import os

import torch

from . import __version__
from .checkpoint import Checkpoint, read_checkpoint, write_checkpoint
from .network import SumdNet


def load_torch(checkpoint_path: str | os.PathLike) -> SumdNet:
    """The checkpoint's network as a ``SumdNet`` in eval mode, with the checkpoint's weights.

    It takes float ``(N, 1, H, W)`` images in [0, 1] (uint8 pixels times ``module.input_scale``);
    the softmax of its output is the sum distribution ``sumd predict`` reports, averaged over the
    checkpoint's ``grid_phases`` placements as ``sumd predict`` does (``module.grid_phases = 1`` for one pass).
    """
    checkpoint = read_checkpoint(checkpoint_path)
    module = SumdNet(checkpoint.architecture, checkpoint.input_scale, checkpoint.grid_phases)
    module.load_state_dict({name: torch.from_numpy(values.copy()) for name, values in checkpoint.tensors.items()})
    return module.eval()


def save_torch(module: SumdNet, path: str | os.PathLike) -> None:
    """Writes ``module`` (from ``load_torch``, e.g. after fine-tuning) as a sumd checkpoint.

    ``sumd predict`` and ``sumd serve`` take the file unchanged; it keeps the module's ``grid_phases``.
    The provenance records only when and by what it was written: the training record of the
    original no longer describes these weights.
    """
    if not isinstance(module, SumdNet):
        raise TypeError(f"save_torch takes a module from sumd.load_torch, not a {type(module).__name__}; "
                        "for another module save its state_dict with safetensors and run `sumd import`")
    tensors = {name: value.detach().to("cpu", torch.float32).numpy() for name, value in module.state_dict().items()}
    provenance = {"sumd_version": f"python package {__version__} (save_torch)"}   # write_checkpoint adds created_at
    write_checkpoint(Checkpoint(module.architecture, tensors, module.input_scale, provenance, module.grid_phases), path)
