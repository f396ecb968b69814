"""The training-curves section as markup."""

from __future__ import annotations

from ._html import Html, join
from ._parts import charts, details, facts, heading, notes, table
from ._training_section import TrainingSection


def render_training(s: TrainingSection) -> Html:
    return join([
        heading(s.title, s.folder),
        facts(s.facts),
        table(["changed from its parent", "parent", "this run"], [list(c) for c in s.changed]) if s.changed else None,
        charts(s.charts),
        notes(s.notes),
        details(f"{len(s.hparams)} hyperparameters", facts(s.hparams)),
    ])
