"""One self-contained HTML report of a project: what is wrong first, then the audit, the
checks, the training curves, the tuning analyses and the ensemble.

Each section is computed as a frozen dataclass (``AuditSection``, ``ChecksSection``,
``TrainingSection``, ``DynamicsSection``, ``WeightsSection``, ``InterpretationSection``,
``TuningSection``, ``EnsembleSection``; see :mod:`._section` for how to add one) and only
then rendered; the page inlines everything and loads nothing.
"""

from ._audit_section import AuditSection, audit_section
from ._chart import Chart
from ._checks_section import ChecksSection, checks_section
from ._dynamics_section import DynamicsSection, dynamics_section
from ._ensemble_section import EnsembleSection, ensemble_section
from ._interpretation_section import InterpretationSection, interpretation_section
from ._report import Report, report
from ._section import Headline, Missing, Section
from ._training_section import TrainingSection, training_section
from ._tuning_section import TuningSection, tuning_section
from ._weights_section import WeightsSection, weights_section

__all__ = [
    "AuditSection",
    "Chart",
    "ChecksSection",
    "DynamicsSection",
    "EnsembleSection",
    "Headline",
    "InterpretationSection",
    "Missing",
    "Report",
    "Section",
    "TrainingSection",
    "TuningSection",
    "WeightsSection",
    "audit_section",
    "checks_section",
    "dynamics_section",
    "ensemble_section",
    "interpretation_section",
    "report",
    "training_section",
    "tuning_section",
    "weights_section",
]
