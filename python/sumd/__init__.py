"""sumd from Python: checkpoints into PyTorch and ONNX and back, batches through the daemon's inbox.

Only numpy and safetensors are needed for ``submit``, ``read_outbox`` and the checkpoint helpers;
``load_torch`` and ``save_torch`` need torch (extra ``torch``), ``export_onnx`` also onnx (extra ``onnx``).
"""
__version__ = "0.1.0"

from .checkpoint import Checkpoint, CheckpointError, read_checkpoint, write_checkpoint
from .inbox import BatchFailed, submit
from .outbox import Outbox, Result, read_outbox


def load_torch(checkpoint_path):
    """The checkpoint's network as a PyTorch module (see ``sumd.torch_io.load_torch``)."""
    from .torch_io import load_torch as load
    return load(checkpoint_path)


def save_torch(module, path):
    """Writes a module from ``load_torch`` as a sumd checkpoint (see ``sumd.torch_io.save_torch``)."""
    from .torch_io import save_torch as save
    save(module, path)


def export_onnx(checkpoint_path, onnx_path):
    """Writes the checkpoint's network as ONNX with a dynamic batch (see ``sumd.onnx_export.export_onnx``)."""
    from .onnx_export import export_onnx as export
    return export(checkpoint_path, onnx_path)


__all__ = ["load_torch", "save_torch", "export_onnx", "submit", "read_outbox", "Result", "Outbox",
           "BatchFailed", "Checkpoint", "CheckpointError", "read_checkpoint", "write_checkpoint"]
