"""What every report section is: typed data that says what is wrong, computed before HTML.

A section is a frozen dataclass deriving from :class:`Section`; a renderer turns it into
markup (see :mod:`._render`). A section whose inputs are absent or unreadable is a
:class:`Missing` instead, so that the page names it and says why in one line.

Adding a section (prediction dynamics, weights and activations, interpretation, ensemble):

1. a frozen dataclass ``FooSection(Section)`` with a ``title`` and ``headlines()``, and a
   function computing it from its inputs (a run folder, an in-memory result), tested
   without HTML;
2. a renderer ``@render_section.register`` ``def _(s: FooSection) -> Html`` in
   ``_render_foo.py``, imported by :mod:`._render`;
3. its reader in :mod:`._sources` (what a run folder or an object contributes).
"""

from __future__ import annotations

import abc
import dataclasses
from typing import Literal

__all__ = ["SEVERITY_ORDER", "Headline", "Missing", "Section", "Severity"]

Severity = Literal["error", "warn", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warn": 1, "info": 2}


@dataclasses.dataclass(frozen=True)
class Headline:
    """One thing the summary at the top says: how bad, and what, in one sentence."""

    severity: Severity
    text: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITY_ORDER:
            raise ValueError(f"severity={self.severity!r} is not one of {list(SEVERITY_ORDER)}")


class Section(abc.ABC):
    """The data of one section of the report.

    Subclasses are frozen dataclasses with a ``title`` field (what the navigation and the
    heading show, e.g. ``"Audit: mnist1d-audit-20261201-142910"``).
    """

    title: str

    @abc.abstractmethod
    def headlines(self) -> list[Headline]:
        """What this section finds wrong (errors, then warnings), for the summary at the top."""


@dataclasses.dataclass(frozen=True)
class Missing:
    """A section the report could not build, and why (shown in one line, and in the summary).

    Attributes:
        what: Which section, e.g. ``"training curves of runs/cnn-20261201-1415"``.
        reason: Why, with what to do about it.
        failed: True when an input was given but could not be read (a corrupted file, a study
            without finished trials); False when its data is simply not recorded (no
            diagnostics in a run). Only failures count in the verdict at the top.
    """

    what: str
    reason: str
    failed: bool = True
