"""The audit's settings: flat, typed and frozen, saved with every report."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, get_args

from .._core._errors import ConfigError

__all__ = ["AuditConfig", "LabelTask"]

LabelTask = Literal["auto", "classification", "regression", "autoregressive"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AuditConfig:
    """How thorough the audit is and what it assumes.

    Attributes:
        task: ``"classification"``, ``"regression"``, ``"autoregressive"`` (one target per
            input position, the next token) or ``"auto"`` (inferred from the labels: targets
            equal to the inputs one position ahead are next-token data).
        num_classes: The number of classes when known; labels outside ``[0, C)`` are errors.
        label_errors: Run the cross-validated baseline and confident learning (the slowest
            step on large data; turn off for a quick pass).
        neighbors: Nearest neighbours per example in the index.
        index_dim: Wider representations are projected to this many principal directions.
        outlier_z: Robust z-score above which a statistic marks an example as an outlier.
        seed: Seed of every subsample, fold and projection.

    Example:
        >>> AuditConfig(label_errors=False).neighbors
        5
    """

    task: LabelTask = "auto"
    num_classes: int | None = None
    label_errors: bool = True
    neighbors: int = 5
    index_dim: int = 32
    outlier_z: float = 6.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.task not in get_args(LabelTask):
            raise ConfigError(f"{self.task=} must be one of {get_args(LabelTask)}")
        if self.num_classes is not None and self.num_classes < 1:
            raise ConfigError(f"{self.num_classes=} must be a positive number of classes")
        if self.neighbors < 1:
            raise ConfigError(f"{self.neighbors=} must be at least 1")
        if self.index_dim < 2:
            raise ConfigError(f"{self.index_dim=} must be at least 2")
        if self.outlier_z <= 0:
            raise ConfigError(f"{self.outlier_z=} must be positive")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
