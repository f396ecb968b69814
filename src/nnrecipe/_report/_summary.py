"""What is wrong first: the errors and warnings of every section, the sections that could not
be built, and a one-line verdict, computed from the sections' data."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ._section import SEVERITY_ORDER, Headline, Missing, Section

__all__ = ["Summary", "SummaryItem", "summarize"]

SHOWN = 12  # lines a person reads in ten seconds; the sections below hold the rest


@dataclasses.dataclass(frozen=True)
class SummaryItem:
    """A headline and the section (its position in the report) that explains it."""

    headline: Headline
    section: int
    section_title: str


@dataclasses.dataclass(frozen=True)
class Summary:
    """The top of the report.

    Attributes:
        verdict: One sentence: how many errors and warnings, or that nothing is wrong.
        worst: ``"error"``, ``"warn"`` or ``"ok"``: the colour of the verdict.
        items: The first :data:`SHOWN` errors and warnings, errors first.
        hidden: Errors and warnings left out of ``items`` (they are in their sections).
        missing: The sections that could not be built, and why.
    """

    verdict: str
    worst: str
    items: tuple[SummaryItem, ...]
    hidden: int
    missing: tuple[Missing, ...]


def summarize(sections: Sequence[Section], missing: Sequence[Missing]) -> Summary:
    """Gather every section's errors and warnings, errors first, section order second.

    Example:
        >>> summarize([], []).verdict
        'nothing to report'
    """
    items = [
        SummaryItem(h, i, s.title) for i, s in enumerate(sections) for h in s.headlines() if h.severity in ("error", "warn")
    ]
    items.sort(key=lambda it: (SEVERITY_ORDER[it.headline.severity], it.section))
    errors = sum(it.headline.severity == "error" for it in items)
    warnings = len(items) - errors
    if not sections:
        verdict, worst = "nothing to report", "error" if missing else "ok"
    elif errors or warnings:
        verdict = f"{_count(errors, 'error')} and {_count(warnings, 'warning')} in {_count(len(sections), 'section')}"
        worst = "error" if errors else "warn"
    else:
        verdict, worst = f"nothing wrong found in {_count(len(sections), 'section')}", "ok"
    failed = sum(m.failed for m in missing)
    if failed:
        verdict += f"; {_count(failed, 'input')} could not be read"
    return Summary(verdict, worst, tuple(items[:SHOWN]), max(0, len(items) - SHOWN), tuple(missing))


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
