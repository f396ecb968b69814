"""The audit section as markup."""

from __future__ import annotations

from ._audit_section import AuditSection
from ._html import Html, join, tag
from ._parts import badge, charts, details, examples, facts, heading, notes, pictures, table


def render_audit(s: AuditSection) -> Html:
    findings = (
        table(["", "finding", "count", "what it means", "examples"],
              [[badge(f.severity), f.kind, str(f.count or ""), f.message, f.examples] for f in s.findings])
        if s.findings else tag("p", "no findings: no duplicates, leakage, corrupt examples or outliers", class_="ok-line")
    )
    return join([
        heading(s.title),
        findings,
        table(["split", "examples", "usable", "shape", "dtype"], [list(r) for r in s.splits]) if s.splits else None,
        facts(s.facts),
        charts(s.charts),
        examples("random training examples per class", s.per_class),
        examples("lowest and highest examples of each statistic", s.extreme_examples),
        pictures(s.pictures),
        details("lowest and highest examples of each statistic (index: value)",
                table(["statistic", "lowest", "highest"], [list(r) for r in s.extremes]) if s.extremes else None),
        notes(s.notes),
    ])
