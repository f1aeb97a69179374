"""sumd from Python: checkpoints into PyTorch and ONNX and back, batches through the daemon's inbox.

Only numpy and safetensors are needed for ``submit``, ``read_outbox`` and the checkpoint helpers;
``load_torch`` and ``save_torch`` need torch (extra ``torch``), ``export_onnx`` also onnx (extra ``onnx``).
"""
__version__ = "0.1.0"

from .checkpoint import Checkpoint, CheckpointError, read_checkpoint, write_checkpoint
from .inbox import BatchFailed, submit
from .outbox import Outbox, Result, read_outbox


def _extra(module: str, extra: str):
    """Imports ``sumd.<module>``, whose dependencies come with the pip extra ``extra``."""
    import importlib
    try:
        return importlib.import_module(f"{__name__}.{module}")
    except ImportError as error:
        raise ImportError(f"{error}; this part of sumd needs the '{extra}' extra: pip install 'sumd[{extra}]'") from error


def load_torch(checkpoint_path):
    """The checkpoint's network as a PyTorch module (see ``sumd.torch_io.load_torch``)."""
    return _extra("torch_io", "torch").load_torch(checkpoint_path)


def save_torch(module, path):
    """Writes a module from ``load_torch`` as a sumd checkpoint (see ``sumd.torch_io.save_torch``)."""
    _extra("torch_io", "torch").save_torch(module, path)


def export_onnx(checkpoint_path, onnx_path):
    """Writes the checkpoint's network as ONNX with a dynamic batch (see ``sumd.onnx_export.export_onnx``)."""
    return _extra("onnx_export", "onnx").export_onnx(checkpoint_path, onnx_path)


__all__ = ["load_torch", "save_torch", "export_onnx", "submit", "read_outbox", "Result", "Outbox",
           "BatchFailed", "Checkpoint", "CheckpointError", "read_checkpoint", "write_checkpoint"]
