"""How the checks run: the task, the optimizer, the time budget... one frozen value."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from .._core._errors import ConfigError
from .._core._task import TASK_KINDS, TaskKind

__all__ = ["CheckOptions", "OptimizerFactory", "Transform"]

OptimizerFactory = Callable[[Any], torch.optim.Optimizer]
Transform = Callable[[torch.Tensor], torch.Tensor]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CheckOptions:
    """Options of :func:`nnrecipe.check`, grouped so that the call stays short.

    Attributes:
        task: ``"classification"``, ``"binary"``, ``"regression"`` or ``"autoregressive"``;
            inferred from the loss and the targets when ``None``.
        causal_dim: The time dimension of an autoregressive model's inputs (e.g. 1 for
            ``(batch, time)`` token ids); enables the ``causality`` check.
        optimizer: A factory ``params -> Optimizer``; by default the one the ``TrainConfig``
            names, as training will use it.
        transform: The deterministic batch transform applied to inputs before the model
            (normalisation...). Augmentation is never applied by the checks.
        frozen: Parameters frozen on purpose (``requires_grad=False``), by name or name
            prefix (``"encoder"`` covers ``"encoder.0.weight"``); others fail ``gradient_flow``.
        fix_init: Set the output layer's bias from the targets on every model first.
        budget: Seconds each check may spend training.
        run_dir: Folder for the decoded input pictures; ``None`` writes nothing.

    Example:
        >>> CheckOptions(causal_dim=1, frozen=["embed"]).frozen
        ('embed',)
    """

    task: TaskKind | None = None
    causal_dim: int | None = None
    optimizer: OptimizerFactory | None = None
    transform: Transform | None = None
    frozen: tuple[str, ...] = ()
    fix_init: bool = False
    budget: float = 5.0
    run_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.task is not None and self.task not in TASK_KINDS:
            raise ConfigError(f"unknown task={self.task!r}; expected one of {TASK_KINDS} or None (inferred)")
        if self.causal_dim is not None and (isinstance(self.causal_dim, bool) or not isinstance(self.causal_dim, int)):
            raise ConfigError(f"causal_dim={self.causal_dim!r} must be an int (the time dimension, e.g. 1)")
        if isinstance(self.frozen, str):
            raise ConfigError(f"frozen={self.frozen!r} must be a list of names, e.g. frozen=[{self.frozen!r}]")
        object.__setattr__(self, "frozen", tuple(self.frozen))
        if not all(isinstance(n, str) and n for n in self.frozen):
            raise ConfigError(f"frozen={self.frozen!r} must hold parameter names or prefixes (non-empty strings)")
        if not isinstance(self.budget, (int, float)) or not math.isfinite(self.budget) or self.budget <= 0:
            raise ConfigError(f"budget={self.budget!r} must be a positive number of seconds, e.g. 5.0")
        if self.optimizer is not None and not callable(self.optimizer):
            raise ConfigError(f"optimizer={self.optimizer!r} must be a factory params -> torch.optim.Optimizer")
        if self.transform is not None and not callable(self.transform):
            raise ConfigError(f"transform={self.transform!r} must be a function from a batch of inputs to a batch")
        if self.run_dir is not None:
            object.__setattr__(self, "run_dir", Path(self.run_dir))

    def declared_frozen(self, name: str) -> bool:
        """True when the parameter ``name`` was declared frozen (by name or prefix)."""
        return any(name == p or name.startswith(p.rstrip(".") + ".") for p in self.frozen)
