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
    DynamicsSection,
    EnsembleSection,
    Headline,
    InterpretationSection,
    Missing,
    Section,
    TrainingSection,
    TuningSection,
    WeightsSection,
    audit_section,
    checks_section,
    dynamics_section,
    ensemble_section,
    interpretation_section,
    training_section,
    tuning_section,
    weights_section,
)
from ._report._audit_section import FindingRow
from ._report._chart import Band, Bars, Line, Mark, Points, Whiskers
from ._report._checks_section import CheckRow
from ._report._ensemble_section import MemberRow, MethodRow
from ._report._examples import Example, ExampleRow
from ._report._picture import Picture
from ._report._table import Table

__all__ = [
    "AuditSection",
    "Band",
    "Bars",
    "Chart",
    "CheckRow",
    "ChecksSection",
    "DynamicsSection",
    "EnsembleSection",
    "Example",
    "ExampleRow",
    "FindingRow",
    "Headline",
    "InterpretationSection",
    "Line",
    "Mark",
    "MemberRow",
    "MethodRow",
    "Missing",
    "Picture",
    "Points",
    "Section",
    "Table",
    "TrainingSection",
    "TuningSection",
    "WeightsSection",
    "Whiskers",
    "audit_section",
    "checks_section",
    "dynamics_section",
    "ensemble_section",
    "interpretation_section",
    "training_section",
    "tuning_section",
    "weights_section",
]
