"""The first layer's weights as pictures: filters that still look like noise reveal a problem."""

from __future__ import annotations

import logging
import math
from typing import Any

import torch
from torch import nn

from ._base import Diagnostic
from ._data import FirstLayerData, first_layer_data
from ._hooks import call_order
from ._probe import fixed_batch, quiet
from ._tensorboard import tensorboard_writer

__all__ = ["FirstLayerWeights"]

log = logging.getLogger(__name__)

SNAPSHOTS = 8
MAX_ROWS = 64  # filters or rows kept per snapshot
MAX_VALUES = 65_536  # values kept per snapshot (float16: 128 kB)
_KINDS = {nn.Linear: "linear", nn.Conv1d: "conv1d", nn.Conv2d: "conv2d", nn.Conv3d: "conv3d"}


class FirstLayerWeights(Diagnostic):
    """Snapshots of the first layer's weights (the first convolution or linear layer the
    forward pass calls), to be drawn as pictures: convolution filters, and the rows of a
    linear layer reshaped to the input (images for image-like inputs, curves for sequences).

    Filters of a trained network look smooth and structured; ones that still look like
    noise after training, or that barely moved from their initialisation, point at a
    learning rate too low, too few steps, or weights that are not trained at all.

    At most :data:`SNAPSHOTS` snapshots (the cadence doubling as the run goes, so they spread
    from the initial weights to the final ones), of the first :data:`MAX_ROWS` filters.
    Also written to TensorBoard as images at the end of the run.

    Args:
        every: Steps between snapshots at first; ``None``: the run's ``log_every``.
        slots: Snapshots kept at most.

    Example:
        >>> import torch, nnrecipe
        >>> from nnrecipe.diagnostics import FirstLayerWeights
        >>> X, y = torch.randn(64, 1, 12), torch.randint(0, 2, (64,))
        >>> model = torch.nn.Sequential(torch.nn.Conv1d(1, 4, 3), torch.nn.Flatten(), torch.nn.Linear(40, 2))
        >>> first = FirstLayerWeights()
        >>> _ = nnrecipe.fit(model, (X, y), callbacks=[first], runs_dir=None, config=nnrecipe.TrainConfig(epochs=1))
        >>> first.data().layer, first.data().kind, first.data().weights.shape
        ('0', 'conv1d', (2, 4, 1, 3))
    """

    kind = "first_layer"

    def __init__(self, *, every: int | None = None, slots: int = SNAPSHOTS) -> None:
        super().__init__(every=every, slots=slots)

    def start(self) -> bool:
        found = fixed_batch(self.trainer, 2)
        if found is None:
            return False
        _, (x, _) = found
        model = self.trainer.model
        named = [(n, m) for n, m in model.named_modules() if type(m) in _KINDS]
        with quiet(model, self.trainer.device):
            calls = call_order(model, [m for _, m in named], x)
        if not calls:
            return False
        name, self.layer = named[calls[0][0]]
        weight = self.layer.weight
        fan_in = math.prod(weight.shape[1:])
        if fan_in > MAX_VALUES:
            log.info("first-layer weights not recorded: %s has %d inputs per row (at most %d are drawn)", name, fan_in, MAX_VALUES)
            return False
        self.name, self.input_shape = name or type(self.layer).__name__, tuple(x.shape[1:])
        self.rows = max(1, min(weight.shape[0], MAX_ROWS, MAX_VALUES // fan_in))
        return True

    def measure(self, step: int) -> dict[str, torch.Tensor]:
        return {"weights": self.layer.weight.detach()[: self.rows].to(torch.float16)}

    def meta(self) -> dict[str, Any]:
        return {"layer": self.name, "layer_kind": _KINDS[type(self.layer)], "weight_shape": list(self.layer.weight.shape),
                "input_shape": list(self.input_shape), "rows_total": int(self.layer.weight.shape[0])}

    def data(self) -> FirstLayerData:
        """The snapshots so far (the same data :func:`~nnrecipe.diagnostics.read_diagnostics` reads)."""
        return first_layer_data({"cadence": self.records.cadence, **self.meta()}, self.records.arrays())

    def on_train_end(self, logs: dict[str, Any]) -> None:
        super().on_train_end(logs)
        writer = tensorboard_writer(self.trainer, "first_layer") if self.active and len(self.records) else None
        if writer is None:
            return
        from ._pictures import weight_grid

        data = self.data()
        with writer:
            for k, step in enumerate(data.steps.tolist()):
                writer.add_image(f"diagnostics/first_layer_weights ({data.layer})", weight_grid(data, k), int(step), dataformats="HWC")
