"""The parts of a :class:`~nnrecipe.Report`: its sections as typed data, before any HTML.

Each section is a frozen dataclass computed from a stage's results; ``Missing`` names a
section that could not be built and why.

Example:
    >>> from nnrecipe.reporting import Missing
    >>> Missing("tuning", "no study given").what
    'tuning'
"""

from ._report import (
    AuditSection,
    Chart,
    ChecksSection,
    Headline,
    Missing,
    Section,
    TrainingSection,
    TuningSection,
    audit_section,
    checks_section,
    training_section,
    tuning_section,
)

__all__ = [
    "AuditSection",
    "Chart",
    "ChecksSection",
    "Headline",
    "Missing",
    "Section",
    "TrainingSection",
    "TuningSection",
    "audit_section",
    "checks_section",
    "training_section",
    "tuning_section",
]
