"""The data audit (stage 1 of the recipe): ``nnrecipe.audit(train, val=..., test=...)``."""

from ._audit import audit
from ._config import AuditConfig
from ._finding import Finding, Severity
from ._progress import AuditInterrupted, Progress
from ._report import AuditReport, Gallery
from ._sections import (
    BaselineFigures,
    ClassLabels,
    Histogram,
    LabelErrorSummary,
    LeakageSummary,
    NeighborSummary,
    RegressionTargets,
    ScaleSummary,
    SequenceTargets,
    SplitSummary,
    StatisticSummary,
)
from ._summary import AuditSummary

__all__ = [
    "AuditConfig",
    "AuditInterrupted",
    "AuditReport",
    "AuditSummary",
    "BaselineFigures",
    "ClassLabels",
    "Finding",
    "Gallery",
    "Histogram",
    "LabelErrorSummary",
    "LeakageSummary",
    "NeighborSummary",
    "Progress",
    "RegressionTargets",
    "ScaleSummary",
    "SequenceTargets",
    "Severity",
    "SplitSummary",
    "StatisticSummary",
    "audit",
]
