"""Activation statistics per layer over training: mean, std, saturated and dead shares."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from ._base import SLOTS, Diagnostic
from ._data import ActivationData, activation_data
from ._families import Family, family_of, saturated
from ._hooks import Call, call_names, call_order, first_tensor, hooked
from ._probe import fixed_batch, quiet

__all__ = ["STATS", "ActivationStatistics"]

STATS = ("mean", "std", "saturated", "dead")
MAX_LAYERS = 64
_PARAMETRISED = (nn.Linear, nn.modules.conv._ConvNd, nn.Bilinear)


class ActivationStatistics(Diagnostic):
    """Per layer, on a fixed batch at the cadence: the mean and std of the activations, the
    share of saturated values and the share of dead units.

    The layers are the activation modules (``nn.ReLU``, ``nn.Tanh``, ``nn.GELU``...) in the
    order the forward pass calls them; see :mod:`~nnrecipe.diagnostics._families` for what
    "saturated" and "dead" mean for each family. A model that applies its activations as
    functions has none: its parametrised layers' outputs are recorded (mean and std only).
    Measured with forward hooks that exist only during the measurement, in eval mode, on the
    first ``examples`` validation examples (training ones without validation data).

    Stored as ``diagnostics/activations.safetensors`` (``stats``: records x layers x
    ``(mean, std, saturated, dead)``); read with :func:`~nnrecipe.diagnostics.read_diagnostics`.

    Args:
        examples: Size of the fixed batch.
        max_layers: Layers recorded at most (evenly chosen along the forward pass).
        every: Steps between records at first; ``None``: the run's ``log_every``.
        slots: Records kept at most.

    Example:
        >>> import torch, nnrecipe
        >>> from nnrecipe.diagnostics import ActivationStatistics
        >>> X, y = torch.randn(64, 4), torch.randint(0, 2, (64,))
        >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
        >>> acts = ActivationStatistics(every=1)
        >>> _ = nnrecipe.fit(model, (X, y), callbacks=[acts], runs_dir=None, config=nnrecipe.TrainConfig(epochs=1))
        >>> acts.data().layers, acts.data().stats.shape
        (('1',), (2, 1, 4))
    """

    kind = "activations"

    def __init__(self, *, examples: int = 64, max_layers: int = MAX_LAYERS, every: int | None = None, slots: int = SLOTS) -> None:
        super().__init__(every=every, slots=slots)
        if examples < 1 or max_layers < 1:
            raise ValueError(f"examples and max_layers must be >= 1; got {examples=}, {max_layers=}")
        self.examples, self.max_layers = examples, max_layers

    def start(self) -> bool:
        found = fixed_batch(self.trainer, self.examples)
        if found is None:
            return False
        self.split, (self.x, _) = found
        model = self.trainer.model
        named = [(n, m, family_of(m)) for n, m in model.named_modules() if family_of(m) is not None]
        if not named:  # activations applied as functions: the parametrised layers' outputs
            named = [(n, m, "none") for n, m in model.named_modules() if isinstance(m, _PARAMETRISED)]
        self.modules = [m for _, m, _ in named]
        with quiet(model, self.trainer.device):
            calls = call_order(model, self.modules, self.x)
        if len(calls) > self.max_layers:
            keep = sorted({round(i * (len(calls) - 1) / (self.max_layers - 1)) for i in range(self.max_layers)}) if self.max_layers > 1 else [0]
            calls = [calls[i] for i in keep]
        self.calls: list[Call] = calls
        self.names = call_names([n or type(m).__name__ for n, m, _ in named], calls)
        self.families: list[Family] = [named[i][2] for i, _ in calls]  # type: ignore[misc]
        self.tests = [saturated(self.modules[i]) if self.families[k] != "none" else None for k, (i, _) in enumerate(calls)]
        return bool(calls)

    def measure(self, step: int) -> dict[str, torch.Tensor]:
        want = {call: k for k, call in enumerate(self.calls)}
        rows: list[torch.Tensor | None] = [None] * len(self.calls)
        counts = [0] * len(self.modules)

        def seen(i: int, inp: Any, out: Any) -> None:
            k = want.get((i, counts[i]))
            counts[i] += 1
            if k is not None:
                rows[k] = _stats(first_tensor(inp), first_tensor(out), self.tests[k])

        model, device = self.trainer.model, self.trainer.device
        with quiet(model, device), hooked(self.modules, seen):
            model(self.x)
        missing = torch.full((len(STATS),), math.nan, device=device)
        return {"stats": torch.stack([missing if r is None else r for r in rows])}

    def meta(self) -> dict[str, Any]:
        return {"layers": self.names, "families": self.families, "stats": list(STATS), "split": self.split,
                "examples": len(self.x)}

    def data(self) -> ActivationData:
        """What was recorded so far (the same data :func:`~nnrecipe.diagnostics.read_diagnostics` reads)."""
        return activation_data({"cadence": self.records.cadence, **self.meta()}, self.records.arrays())


def _stats(x: torch.Tensor | None, y: torch.Tensor | None, test: Any) -> torch.Tensor | None:
    if y is None or not y.is_floating_point() or y.numel() == 0:
        return None
    y = y.detach().float()
    nan = torch.full((), math.nan, device=y.device)
    std = y.std() if y.numel() > 1 else nan
    if test is None or x is None or x.shape != y.shape:
        return torch.stack([y.mean(), std, nan, nan])
    flat = test(x.detach().float(), y)
    dead = flat.reshape(len(flat), -1).all(0) if flat.ndim >= 2 else flat.all().reshape(1)
    return torch.stack([y.mean(), std, flat.float().mean(), dead.float().mean()])
