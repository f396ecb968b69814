"""The ensemble section as markup: the three methods, the charts, the members."""

from __future__ import annotations

from .._ensemble._render_text import gain_format, value_format
from ._ensemble_section import EnsembleSection
from ._html import Html, join, tag
from ._parts import badge, charts, facts, heading, notes, table


def render_ensemble(s: EnsembleSection) -> Html:
    fmt, g = value_format(s.metric), gain_format(s.metric)
    level = f"{round(100 * s.confidence)}% interval (paired bootstrap)"
    others = [k for k, _ in s.methods[0].other_test]
    header = ["method", "models", f"validation {s.metric}", f"test {s.metric}", "gain on test over best single", level,
              *(f"test {k}" for k in others)]
    rows = [
        [tag("b", m.name), str(m.models), fmt(m.val), "no test split" if m.test is None else fmt(m.test),
         "" if m.gain is None else g(m.gain), "" if m.interval is None else f"{g(m.interval[0])} to {g(m.interval[1])}",
         *(value_format(k)(v) for k, v in m.other_test)]
        for m in s.methods
    ]
    worse = ["warn" if m.gain is not None and m.gain < 0 else "" for m in s.methods]
    members = table(
        ["model", f"validation {s.metric} alone", "greedy weight (picks)", "average weight", "run folder"],
        [[r.label, fmt(r.val), f"{r.greedy:.3f} ({r.picks})" if r.picks else "", f"{r.average:.3f}" if r.average else "", r.run_dir]
         for r in s.members],
    )
    findings = tag("ul", *(tag("li", badge(h.severity), " ", h.text) for h in s.findings), class_="findings")
    return join([
        heading(s.title, s.source or None),
        findings,
        table(header, rows, row_class=worse),
        charts(s.charts),
        notes(s.notes),
        tag("h3", f"members ({len(s.members)} listed)"),
        members,
        facts(s.facts),
    ])
