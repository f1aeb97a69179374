"""A checkpoint as an ONNX model for ONNX Runtime and other runtimes."""
from __future__ import annotations

import os
import warnings

import torch

from .torch_io import load_torch

#: The opset the export targets (ONNX Runtime 1.12 and later run it).
OPSET = 17


def export_onnx(checkpoint_path: str | os.PathLike, onnx_path: str | os.PathLike) -> str:
    """Writes the checkpoint's network as ONNX: input ``images`` float32 ``(batch, 1, H, W)`` in [0, 1],
    output ``scores`` ``(batch, classes)`` whose softmax is the sum distribution; the batch is dynamic.

    Both architectures export whole: the digitsum layer is built from plain ONNX operators. The graph
    computes what ``load_torch`` gives, so a checkpoint with ``grid_phases`` P > 1 exports the
    average over its placements (Pad and P or P² network passes, fixed by the checkpoint's H×W).
    Returns the path written.
    """
    module = load_torch(checkpoint_path)
    height, width = module.input_size
    example = torch.zeros(1, 1, height, width)
    target = os.fspath(onnx_path)
    with warnings.catch_warnings():
        # The TorchScript-based exporter announces its deprecation; it is the one that keeps the
        # digit-sum loop as a static graph without needing onnxscript.
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (example,), target, input_names=["images"], output_names=["scores"],
                          dynamic_axes={"images": {0: "batch"}, "scores": {0: "batch"}},
                          opset_version=OPSET, dynamo=False)
    return target
