"""A checkpoint's network as a PyTorch module, built from its architecture metadata."""
from __future__ import annotations

import itertools

from torch import nn

from .checkpoint import DEFAULT_INPUT_SCALE, cell_stride, grid_phases_problem, output_classes
from .digitsum import DigitSum


class SumdNet(nn.Module):
    """The layers of a sumd architecture (seed or digitsum), in order, on ``(N, 1, H, W)`` floats in [0, 1].

    Layers with parameters are attributes under their checkpoint names (``conv1``, ``fc1``,
    ``head``, …), so ``state_dict()`` keys are the checkpoint's tensor names. The output's softmax
    is the sum distribution ``sumd predict`` reports: class logits (seed) or log P(sum = s) (digitsum).

    With ``grid_phases`` P > 1 (digitsum only) ``forward`` averages over grid placements like the
    engine: see ``placements``. ``forward_once`` is the plain single pass.
    """

    def __init__(self, architecture: dict, input_scale: float = DEFAULT_INPUT_SCALE, grid_phases: int = 1):
        super().__init__()
        #: The architecture metadata (a dict as in the checkpoint's JSON); ``save_torch`` writes it back.
        self.architecture = architecture
        #: The factor that turns uint8 pixels into this network's input (1/255).
        self.input_scale = input_scale
        self.grid_phases = grid_phases
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

    @property
    def grid_phases(self) -> int:
        """Placements per phased axis that ``forward`` averages over (1: one unpadded pass); validated on set."""
        return self._grid_phases

    @grid_phases.setter
    def grid_phases(self, value: int) -> None:
        problem = grid_phases_problem(self.architecture, value)
        if problem:
            raise ValueError(problem)
        self._grid_phases = value

    def placements(self, height: int, width: int) -> list[tuple[int, int, int, int]]:
        """``F.pad`` widths (left, right, top, bottom) of each placement of an H×W image, in the engine's order.

        The cell stride S is the product of the pooling kernels. An axis spanning two cells or more
        (size // S >= 2) is phased: the image sits at offsets k·S // P (k < P) in a canvas S px
        larger; other axes are not padded. Top offsets are the outer loop, left the inner. Empty
        when P is 1 or no axis is phased: then ``forward`` is one unpadded pass.
        """
        stride = cell_stride(self.architecture)
        phased = [size // stride >= 2 for size in (height, width)]
        if self.grid_phases == 1 or not any(phased):
            return []
        offsets = [k * stride // self.grid_phases for k in range(self.grid_phases)]

        def axis_pads(is_phased):
            return [(offset, stride - offset) for offset in offsets] if is_phased else [(0, 0)]

        return [left + top for top, left in itertools.product(axis_pads(phased[0]), axis_pads(phased[1]))]

    def forward(self, x):
        """The output for ``x``: ``forward_once``, or its mean over ``placements`` (summed in order, then divided)."""
        pads = self.placements(x.shape[-2], x.shape[-1])
        if not pads:
            return self.forward_once(x)
        total = self.forward_once(nn.functional.pad(x, pads[0]))
        for pad in pads[1:]:
            total = total + self.forward_once(nn.functional.pad(x, pad))
        return total / len(pads)

    def forward_once(self, x):
        """One pass through the layers, on ``x`` as given."""
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
