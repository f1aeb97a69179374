"""A checkpoint's network as a PyTorch module, built from its architecture metadata."""
from __future__ import annotations

from torch import nn

from .checkpoint import DEFAULT_INPUT_SCALE, output_classes
from .digitsum import DigitSum


class SumdNet(nn.Module):
    """The layers of a sumd architecture (seed or digitsum), in order, on ``(N, 1, H, W)`` floats in [0, 1].

    Layers with parameters are attributes under their checkpoint names (``conv1``, ``fc1``,
    ``head``, …), so ``state_dict()`` keys are the checkpoint's tensor names. The output's softmax
    is the sum distribution ``sumd predict`` reports: class logits (seed) or log P(sum = s) (digitsum).
    """

    def __init__(self, architecture: dict, input_scale: float = DEFAULT_INPUT_SCALE):
        super().__init__()
        #: The architecture metadata (a dict as in the checkpoint's JSON); ``save_torch`` writes it back.
        self.architecture = architecture
        #: The factor that turns uint8 pixels into this network's input (1/255).
        self.input_scale = input_scale
        for layer in architecture["layers"]:
            kind = layer["type"]
            if kind == "conv2d":
                self.add_module(layer["name"], nn.Conv2d(layer["in_channels"], layer["out_channels"],
                                                         layer["kernel"], padding=layer["padding"]))
            elif kind == "linear":
                self.add_module(layer["name"], nn.Linear(layer["in_features"], layer["out_features"]))
            elif kind == "digit_sum":
                self.digit_sum = DigitSum(layer["classes"])
            elif kind not in ("relu", "max_pool2d", "flatten"):
                raise ValueError(f"unknown layer type {kind!r} in the architecture (a newer sumd may have written it)")

    @property
    def input_size(self) -> tuple[int, int]:
        """(H, W) of the images the network takes."""
        return self.architecture["input_height"], self.architecture["input_width"]

    @property
    def classes(self) -> int:
        """Number of sums scored (0…classes−1)."""
        return output_classes(self.architecture)

    def forward(self, x):
        for layer in self.architecture["layers"]:
            kind = layer["type"]
            if kind in ("conv2d", "linear"):
                x = getattr(self, layer["name"])(x)
            elif kind == "relu":
                x = nn.functional.relu(x)
            elif kind == "max_pool2d":
                x = nn.functional.max_pool2d(x, layer["kernel"])
            elif kind == "flatten":
                x = x.flatten(1)
            else:
                x = self.digit_sum(x)
        return x
