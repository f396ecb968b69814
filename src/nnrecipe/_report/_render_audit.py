"""The audit section as markup."""

from __future__ import annotations

from ._audit_section import AuditSection
from ._html import Html, join, tag
from ._parts import (
    badge,
    charts,
    data_table,
    details,
    examples,
    facts,
    heading,
    notes,
    pictures,
    table,
)
from ._table import Table

FOLD_ROWS = 12  # longer tables start folded, under their title


def render_audit(s: AuditSection) -> Html:
    findings = (
        table(["", "finding", "count", "what it means", "examples"],
              [[badge(f.severity), f.kind, str(f.count or ""), f.message, f.examples] for f in s.findings])
        if s.findings else tag("p", "no findings: no duplicates, leakage, corrupt examples or outliers", class_="ok-line")
    )
    stopped = tag("p", f"interrupted in phase {s.stopped!r}: this summary is partial", class_="warn-line") if s.stopped else None
    return join([
        heading(s.title),
        stopped,
        findings,
        data_table(s.splits, titled=False),
        facts(s.facts),
        _shown(s.classes),
        _shown(s.targets),
        _shown(s.label_errors),
        charts(s.charts),
        examples("random training examples per class", s.per_class),
        examples("lowest and highest examples of each statistic", s.extreme_examples),
        pictures(s.pictures),
        _shown(s.extremes, fold=True),
        _shown(s.timings, fold=True),
        notes(s.notes),
    ])


def _shown(t: Table | None, *, fold: bool = False) -> Html | None:
    if t is None:
        return None
    if fold or len(t.rows) > FOLD_ROWS:
        return details(t.title, data_table(t, titled=False))
    return data_table(t)
