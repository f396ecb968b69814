"""Which logged value is watched, and which way is better: one rule for every stage.

EarlyStopping, ReduceLROnPlateau, ModelCheckpoint, ``FitResult.best`` and
``best_checkpoint`` all pick "the best" through a :class:`Monitor`, so they always agree.
The direction comes from what the metric declares (``Metric.direction``): losses and
errors minimise, accuracies maximise. A name whose direction nobody declared is an error
in ``mode="auto"``, never a guess from its spelling (``val_recall_error`` is not a recall).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from ._errors import ConfigError
from ._metrics import NAMED_DIRECTIONS, Direction

__all__ = ["ModeName", "Monitor", "named_direction"]

ModeName = Literal["auto", "min", "max"]


def named_direction(name: str) -> Direction | None:
    """The declared direction of a built-in logged name (``val_`` prefix ignored), else ``None``.

    Example:
        >>> named_direction("val_accuracy"), named_direction("loss"), named_direction("val_f1")
        ('max', 'min', None)
    """
    base = name.removeprefix("val_")
    if re.fullmatch(r"top_?\d+", base):
        return "max"
    return NAMED_DIRECTIONS.get(base)


@dataclasses.dataclass(frozen=True)
class Monitor:
    """A logged value and the direction in which it improves.

    Attributes:
        name: The logged name, e.g. ``"val_loss"``.
        mode: ``"min"`` or ``"max"``.

    Example:
        >>> m = Monitor.resolve("val_accuracy")
        >>> m.mode, m.is_improvement(0.9, 0.8)
        ('max', True)
        >>> m.best([{"step": 1, "val_accuracy": 0.7}, {"step": 2, "val_accuracy": 0.8}])["step"]
        2
    """

    name: str
    mode: Direction

    @classmethod
    def resolve(
        cls, name: str, mode: ModeName = "auto", directions: Mapping[str, Direction | None] | None = None
    ) -> Monitor:
        """Resolve ``mode="auto"`` from the declared directions.

        Args:
            name: The logged name.
            mode: ``"min"``, ``"max"`` or ``"auto"``.
            directions: Declared directions of the names a run logs (``val_<metric>`` from
                each metric's ``direction``); the built-in names are always known.

        Raises:
            ValueError: ``mode`` is not one of the three.
            ConfigError: ``mode="auto"`` and nobody declared the direction of ``name``.
        """
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max'; got {mode=}")
        if mode != "auto":
            return cls(name, mode)
        declared = (directions or {}).get(name) or named_direction(name)
        if declared is None:
            raise ConfigError(
                f"cannot tell whether {name!r} should go up or down: its metric declares no direction. "
                f"Pass mode='max' or mode='min' (for example EarlyStopping(monitor={name!r}, mode='max')), "
                "or give the metric a direction (CallableMetric(fn, direction='max'))"
            )
        return cls(name, declared)

    @property
    def worst(self) -> float:
        """The value every finite value improves on."""
        return -math.inf if self.mode == "max" else math.inf

    def is_improvement(self, value: float, reference: float | None, min_delta: float = 0.0) -> bool:
        """``value`` beats ``reference`` by more than ``min_delta`` (``None`` is always beaten)."""
        if reference is None:
            return True
        if self.mode == "max":
            return value - min_delta > reference
        return value + min_delta < reference

    def best(self, rows: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
        """The first row with the best finite value of this monitor, or ``None`` when none has one."""
        best: dict[str, Any] | None = None
        for row in rows:
            value = row.get(self.name)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                continue
            if best is None or self.is_improvement(float(value), float(best[self.name])):
                best = dict(row)
        return best
