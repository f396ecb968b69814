"""The diagnostics' sections as markup: prediction dynamics, weights and activations, interpretation."""

from __future__ import annotations

from ._dynamics_section import DynamicsSection
from ._html import Html, join
from ._interpretation_section import InterpretationSection
from ._parts import charts, data_table, examples, facts, heading, notes
from ._weights_section import WeightsSection

__all__ = ["render_dynamics", "render_interpretation", "render_weights"]


def render_dynamics(s: DynamicsSection) -> Html:
    return join([heading(s.title, s.folder), facts(s.facts), charts(s.charts)])


def render_weights(s: WeightsSection) -> Html:
    return join([heading(s.title, s.folder), examples("first-layer weights", s.filters), charts(s.charts), notes(s.notes)])


def render_interpretation(s: InterpretationSection) -> Html:
    return join([
        heading(s.title, s.folder),
        facts(s.facts),
        *(data_table(t) for t in s.tables),
        examples("examples with the highest loss", s.worst),
        charts(s.charts),
    ])
