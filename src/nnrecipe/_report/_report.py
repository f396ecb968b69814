"""``report()``: one self-contained HTML page from runs, studies and results."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from .._core._files import atomic_write_text, utc_iso
from ._page import render_page
from ._section import Missing, Section
from ._sources import Source, collect
from ._summary import Summary, summarize

__all__ = ["Report", "report"]


@dataclasses.dataclass(frozen=True)
class Report:
    """The report as data: its sections, what could not be shown, and where it came from.

    Attributes:
        sources: What was reported on, as given.
        sections: In the recipe's order: audits, checks, training runs, tuning studies, ensembles.
        missing: Sections that could not be built, each with the reason.
        created: When (UTC).
    """

    sources: tuple[str, ...]
    sections: tuple[Section, ...]
    missing: tuple[Missing, ...]
    created: str

    @property
    def empty(self) -> bool:
        """True when nothing could be shown (the CLI exits 2 and writes no page)."""
        return not self.sections

    @property
    def summary(self) -> Summary:
        """What is wrong first: errors and warnings of every section, and what is missing."""
        return summarize(self.sections, self.missing)

    def to_html(self) -> str:
        """The page: every picture, style and piece of data inline; it loads nothing."""
        subtitle = f"{', '.join(self.sources) or 'results in memory'} · written {self.created}"
        return render_page("nnrecipe report", subtitle, self.sections, self.missing, self.summary)

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (atomically) and return the path.

        Raises:
            ValueError: Nothing could be shown (:attr:`empty`); the message lists why.
        """
        if self.empty:
            raise ValueError(self.explain_empty())
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out, self.to_html())
        return out

    def explain_empty(self) -> str:
        reasons = "; ".join(f"{m.what}: {m.reason}" for m in self.missing) or "no source was given"
        return f"nothing to report ({reasons})"


def report(*sources: Source, storage: str | None = None) -> Report:
    """Gather runs, studies and results into one report.

    Args:
        sources: Any of: a run folder (training curves), an audit or check folder, a folder
            of those (``runs/``), a study file (``.yaml``/``.py``), a study's storage (URL,
            ``.journal`` file, or its folder), an ensemble file (``ensemble.json``; one in a
            folder searched or next to a study's runs is found too), an ``AuditReport``, a
            ``CheckReport``, an ``Analysis``, a ``Study`` or an ``EnsembleResult``.
        storage: Storage URL for study files (overrides theirs).

    Returns:
        The :class:`Report`; ``.write(path)`` writes the page. Sources that could not be
        read are listed in ``.missing`` instead of raising.

    Raises:
        TypeError: A source is none of the kinds above.

    Example:
        >>> nnrecipe.report("runs/").write("runs/report.html")  # doctest: +SKIP
        PosixPath('runs/report.html')
    """
    got = collect(list(sources), storage=storage)
    names = tuple(os.fspath(s) if isinstance(s, (str, os.PathLike)) else type(s).__name__ for s in sources)
    return Report(names, tuple(got.sections()), tuple(got.missing), utc_iso())
