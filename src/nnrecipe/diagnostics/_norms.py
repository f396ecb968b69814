"""Gradient and update norms per layer, and the learning rate, over training."""

from __future__ import annotations

import math
from typing import Any

import torch

from ._base import SLOTS, Diagnostic
from ._data import NormData, norm_data

__all__ = ["GradientNorms"]

MAX_LAYERS = 128


class GradientNorms(Diagnostic):
    """Per layer, at the cadence: the norm of the gradient, of the update one optimizer step
    made, and of the weights; and the step's learning rate.

    A layer is a module holding parameters of its own (a ``Linear``'s weight and bias).
    The update is the change of one step, measured around a step on the grid: the weights
    are copied after the step before it (one copy of the trainable weights, at the cadence
    only), so every other step costs nothing. The ratio of update to weight norm is the
    quantity to watch: around 1e-3 is healthy, far above means a learning rate too high,
    far below one too low or a frozen layer.

    Stored as ``diagnostics/norms.safetensors`` (``grad``, ``update``, ``weight``: records x
    layers; ``lr``: records); read with :func:`~nnrecipe.diagnostics.read_diagnostics`.

    Args:
        max_layers: Layers recorded at most (evenly chosen).
        every: Steps between records at first; ``None``: the run's ``log_every``.
        slots: Records kept at most.

    Example:
        >>> import torch, nnrecipe
        >>> from nnrecipe.diagnostics import GradientNorms
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> norms = GradientNorms(every=1)
        >>> _ = nnrecipe.fit(torch.nn.Linear(4, 2), (X, y), callbacks=[norms], runs_dir=None,
        ...                  config=nnrecipe.TrainConfig(epochs=1, lr=0.01))
        >>> d = norms.data()
        >>> d.layers, d.steps.tolist(), round(float(d.lr[-1]), 3)
        (('Linear',), [0, 1], 0.01)
    """

    kind = "norms"

    def __init__(self, *, max_layers: int = MAX_LAYERS, every: int | None = None, slots: int = SLOTS) -> None:
        super().__init__(every=every, slots=slots)
        if max_layers < 1:
            raise ValueError(f"max_layers must be >= 1; got {max_layers=}")
        self.max_layers = max_layers
        self.before: list[torch.Tensor] | None = None

    def start(self) -> bool:
        layers = [(n or type(m).__name__, [p for p in m.parameters(recurse=False) if p.requires_grad])
                  for n, m in self.trainer.model.named_modules()]
        layers = [(n, ps) for n, ps in layers if ps]
        if len(layers) > self.max_layers:
            keep = sorted({round(i * (len(layers) - 1) / max(1, self.max_layers - 1)) for i in range(self.max_layers)})
            layers = [layers[i] for i in keep]
        self.names = [n for n, _ in layers]
        self.params = [p for _, ps in layers for p in ps]
        self.owner = torch.tensor([k for k, (_, ps) in enumerate(layers) for _ in ps], device=self.trainer.device)
        self.before = None
        return bool(layers)

    def on_train_begin(self, logs: dict[str, Any]) -> None:
        super().on_train_begin(logs)
        self._snapshot_if_due(self.trainer.step)

    def on_step_end(self, step: int, logs: dict[str, Any]) -> None:
        super().on_step_end(step, logs)  # records this step if it is on the grid
        self.before = None
        self._snapshot_if_due(step)

    def _snapshot_if_due(self, step: int) -> None:
        """Copy the weights when the next step is on the grid: its update is measured after it."""
        if self.active and self.records.due(step + 1) and step + 1 <= self.trainer.total_steps:
            self.before = [p.detach().clone() for p in self.params]

    def measure(self, step: int) -> dict[str, torch.Tensor]:
        device = self.trainer.device
        weights = [p.detach() for p in self.params]
        grads = [p.grad.detach() if p.grad is not None else None for p in self.params]
        present = [g for g in grads if g is not None]
        grad = self._per_layer(present, [g is not None for g in grads])
        update = self._per_layer(list(torch._foreach_sub(weights, self.before)), None) if self.before is not None else None
        weight = self._per_layer(weights, None)
        nan = torch.full((len(self.names),), math.nan, device=device)
        return {"grad": nan if grad is None else grad, "update": nan if update is None else update,
                "weight": nan if weight is None else weight,
                "lr": torch.tensor(self.trainer.lr if step > 0 else math.nan, device=device)}  # no step before the first

    def _per_layer(self, tensors: list[torch.Tensor], mask: list[bool] | None) -> torch.Tensor | None:
        """The L2 norm over each layer's tensors (``mask``: which parameters ``tensors`` cover)."""
        if not tensors:
            return None
        squares = torch.stack([n.float() for n in torch._foreach_norm(tensors)]) ** 2
        owner = self.owner if mask is None else self.owner[torch.tensor(mask, device=self.owner.device)]
        sums = torch.zeros(len(self.names), device=squares.device).index_add_(0, owner, squares)
        counted = torch.zeros(len(self.names), device=squares.device).index_add_(0, owner, torch.ones_like(squares))
        return torch.where(counted > 0, sums.sqrt(), torch.full_like(sums, math.nan))

    def meta(self) -> dict[str, Any]:
        return {"layers": self.names}

    def data(self) -> NormData:
        """What was recorded so far (the same data :func:`~nnrecipe.diagnostics.read_diagnostics` reads)."""
        return norm_data({"cadence": self.records.cadence, **self.meta()}, self.records.arrays())

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "before": self.before}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        before = state.get("before")
        self.before = None if before is None else [t.to(self.trainer.device) for t in before]

