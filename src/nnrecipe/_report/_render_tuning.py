"""The tuning section as markup."""

from __future__ import annotations

from ._html import Html, join, tag
from ._parts import badge, charts, details, facts, heading, notes
from ._tuning_section import TuningSection


def render_tuning(s: TuningSection) -> Html:
    findings = tag("ul", *(tag("li", badge(h.severity), " ", h.text) for h in s.findings), class_="findings") if s.findings else None
    return join([
        heading(s.title),
        facts(s.facts),
        findings,
        charts(s.charts),
        details("hyperparameters of the best trial", facts(s.best_hparams)),
        notes(s.notes),
    ])
