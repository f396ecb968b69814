"""From a section's data to its markup: one renderer per section type.

A new section adds its renderer to :data:`RENDERERS`; the page needs nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._audit_section import AuditSection
from ._checks_section import ChecksSection
from ._dynamics_section import DynamicsSection
from ._ensemble_section import EnsembleSection
from ._html import Html
from ._interpretation_section import InterpretationSection
from ._render_audit import render_audit
from ._render_checks import render_checks
from ._render_diagnostics import render_dynamics, render_interpretation, render_weights
from ._render_ensemble import render_ensemble
from ._render_training import render_training
from ._render_tuning import render_tuning
from ._section import Section
from ._training_section import TrainingSection
from ._tuning_section import TuningSection
from ._weights_section import WeightsSection

__all__ = ["RENDERERS", "render_section"]

RENDERERS: dict[type[Section], Callable[[Any], Html]] = {
    AuditSection: render_audit,
    ChecksSection: render_checks,
    TrainingSection: render_training,
    DynamicsSection: render_dynamics,
    WeightsSection: render_weights,
    InterpretationSection: render_interpretation,
    TuningSection: render_tuning,
    EnsembleSection: render_ensemble,
}


def render_section(section: Section) -> Html:
    """The section's markup (its heading included).

    Raises:
        TypeError: No renderer is registered for the section's type.
    """
    try:
        renderer = RENDERERS[type(section)]
    except KeyError:
        raise TypeError(
            f"no renderer for {type(section).__name__}; add one to nnrecipe._report._render.RENDERERS"
        ) from None
    return renderer(section)
