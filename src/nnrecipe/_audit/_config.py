"""The audit's settings: flat, typed and frozen, saved with every report."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, get_args

from .._core._errors import ConfigError
from ._budget import parse_size

__all__ = ["AuditConfig", "LabelTask"]

LabelTask = Literal["auto", "classification", "regression", "autoregressive"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class AuditConfig:
    """How thorough the audit is, what it assumes, and how much memory it may use.

    Attributes:
        task: ``"classification"``, ``"regression"``, ``"autoregressive"`` (one target per
            input position, the next token) or ``"auto"`` (inferred from the labels: targets
            equal to the inputs one position ahead are next-token data).
        num_classes: The number of classes when known; labels outside ``[0, C)`` are errors.
        label_column: The label column of CSV files.
        label_errors: Run the label baselines (a nearest-neighbour vote and a linear model)
            and confident learning; turn off for a quicker pass.
        index_dim: Wider representations are projected to this many principal directions.
        outlier_z: Robust z-score above which a statistic marks an example as an outlier.
        max_memory: Memory the audit may use for its own work (chunks, tables, the
            neighbour search), in bytes or as ``"2GiB"`` / ``"500MB"``; tables beyond their
            share move to a temporary folder. The data you pass and the loaded libraries
            (about 0.4 GB) come on top.
        work_dir: Where that temporary folder goes (the system's temporary folder by default).
        seed: Seed of every sample, fold and projection.

    Example:
        >>> AuditConfig(label_errors=False, max_memory="1GiB").max_memory_bytes
        1073741824
    """

    task: LabelTask = "auto"
    num_classes: int | None = None
    label_column: str = "label"
    label_errors: bool = True
    index_dim: int = 32
    outlier_z: float = 6.0
    max_memory: int | str = "2GiB"
    work_dir: str | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.task not in get_args(LabelTask):
            raise ConfigError(f"{self.task=} must be one of {get_args(LabelTask)}")
        if self.num_classes is not None and self.num_classes < 1:
            raise ConfigError(f"{self.num_classes=} must be a positive number of classes")
        if self.index_dim < 2:
            raise ConfigError(f"{self.index_dim=} must be at least 2")
        if self.outlier_z <= 0:
            raise ConfigError(f"{self.outlier_z=} must be positive")
        try:
            size = parse_size(self.max_memory)
        except ValueError as e:
            raise ConfigError(f"{self.max_memory=}: {e}") from None
        if size < 64 * 2**20:
            raise ConfigError(f"{self.max_memory=} is below 64 MiB; the audit needs at least that much, e.g. max_memory='256MiB'")

    @property
    def max_memory_bytes(self) -> int:
        return parse_size(self.max_memory)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
