"""The audit's whole summary: one frozen dataclass of typed sections."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ._config import AuditConfig
from ._sections import (
    ClassLabels,
    LabelErrorSummary,
    LeakageSummary,
    NeighborSummary,
    RegressionTargets,
    ScaleSummary,
    SequenceTargets,
    SplitSummary,
    StatisticSummary,
    from_dict,
    to_dict,
)

__all__ = ["AuditSummary"]


@dataclasses.dataclass(frozen=True)
class AuditSummary:
    """Everything the audit measured besides its findings, section by section.

    Attributes:
        splits: Per split name, its size, shape and dtype.
        labels: Classes, regression targets or sequence targets; ``None`` without labels.
        scale: Input scale of the training split (``None`` when nothing was finite).
        target_leakage: The best single feature's score (``None`` when not checked).
        neighbors: Near-duplicate threshold and index (``None`` when too few examples).
        label_errors: How labels were judged (``None`` when not run).
        statistics: Per split, per statistic (``mean``, ``std``, ``norm``, ``min``, ``max``,
            ``length``, ``nn_distance``): extremes and histogram.
        config: The settings the audit ran with.
        timings: Seconds per phase.
        stopped: The phase an interrupted audit stopped in (``None`` when it finished).

    Example:
        >>> s = AuditSummary(splits={"train": SplitSummary(10, 10, (4,), "float32")})
        >>> AuditSummary.from_dict(s.to_dict()) == s
        True
    """

    splits: Mapping[str, SplitSummary]
    labels: ClassLabels | RegressionTargets | SequenceTargets | None = None
    scale: ScaleSummary | None = None
    target_leakage: LeakageSummary | None = None
    neighbors: NeighborSummary | None = None
    label_errors: LabelErrorSummary | None = None
    statistics: Mapping[str, Mapping[str, StatisticSummary]] = dataclasses.field(default_factory=dict)
    config: AuditConfig = dataclasses.field(default_factory=AuditConfig)
    timings: Mapping[str, float] = dataclasses.field(default_factory=dict)
    stopped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (non-finite numbers are left for the report writer to null)."""
        return dict(to_dict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditSummary:
        """Rebuild a summary written by :meth:`to_dict`."""
        return from_dict(cls, data)  # type: ignore[no-any-return]
