"""The checks section as markup."""

from __future__ import annotations

from ._checks_section import ChecksSection
from ._html import Html, join, tag
from ._parts import badge, charts, heading, notes, pictures, table


def render_checks(s: ChecksSection) -> Html:
    counts = ", ".join(f"{n} {status}" for status, n in s.counts)
    rows = [
        [tag("b", r.name), badge(r.status), r.measured, r.expected, join([r.why, tag("br"), tag("b", "Fix: "), r.fix]) if r.fix else r.why, f"{r.seconds:.1f}"]
        for r in s.rows
    ]
    pairs = None
    if s.labels_vs_predictions is not None:
        labels, preds = s.labels_vs_predictions
        cells = [tag("td", p, class_=None if p == t else "miss") for t, p in zip(labels, preds)]
        pairs = tag("div", tag("table",
                               tag("tr", tag("th", "label", scope="row"), *(tag("td", t) for t in labels)),
                               tag("tr", tag("th", "prediction", scope="row"), *cells), class_="pairs"),
                    tag("p", "the batch the model overfitted: its labels above its predictions (mismatches marked)", class_="note"),
                    class_="scroll")
    return join([
        heading(s.title),
        tag("p", counts, class_="counts"),
        table(["check", "status", "measured", "expected", "why it matters / fix", "seconds"], rows, row_class=[r.status for r in s.rows]),
        charts(s.charts),
        pairs,
        pictures(s.pictures),
        notes(s.notes),
    ])
