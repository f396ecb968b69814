"""The parts of an :class:`~nnrecipe.AuditReport`, beyond the top-level ``audit``, ``AuditConfig``,
``AuditReport`` and ``Finding``: its typed summary and the sections it is made of, the
progress interface the audit reports to, and the exception an interrupted audit raises.

Example:
    >>> from nnrecipe.auditing import AuditSummary, SplitSummary
    >>> s = AuditSummary(splits={"train": SplitSummary(10, 10, (4,), "float32")})
    >>> s.splits["train"].usable, s.labels is None
    (10, True)
"""

from ._audit import (
    AuditInterrupted,
    AuditSummary,
    BaselineFigures,
    ClassLabels,
    Gallery,
    Histogram,
    LabelErrorSummary,
    LeakageSummary,
    NeighborSummary,
    Progress,
    RegressionTargets,
    ScaleSummary,
    SequenceTargets,
    Severity,
    SplitSummary,
    StatisticSummary,
)
from ._audit._config import LabelTask

__all__ = [
    "AuditInterrupted",
    "AuditSummary",
    "BaselineFigures",
    "ClassLabels",
    "Gallery",
    "Histogram",
    "LabelErrorSummary",
    "LabelTask",
    "LeakageSummary",
    "NeighborSummary",
    "Progress",
    "RegressionTargets",
    "ScaleSummary",
    "SequenceTargets",
    "Severity",
    "SplitSummary",
    "StatisticSummary",
]
