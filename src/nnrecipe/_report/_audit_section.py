"""The audit section: findings, then everything the audit's typed summary holds (splits,
classes or targets, input scale, leakage, near duplicates, label errors, the statistics'
histograms and extremes, timings), and the audit's example inputs.

The summary is an :class:`~nnrecipe.auditing.AuditSummary` read by attribute; the facts and
tables come from :mod:`._audit_facts`, the charts from :mod:`._audit_charts`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .._audit._report import AuditReport
from .._audit._sections import ClassLabels
from ._audit_charts import class_shares, histogram_chart
from ._audit_facts import (
    class_table,
    extremes_table,
    facts,
    label_error_table,
    splits_table,
    targets_table,
    timings_table,
)
from ._chart import Chart
from ._examples import ExampleRow, example_rows
from ._picture import Picture, read_png
from ._section import Headline, Section
from ._table import Table

__all__ = ["AuditSection", "FindingRow", "audit_section"]

SHOWN_EXAMPLES = 8  # examples listed per finding; audit.json has all of them
_DRAWN_HERE = frozenset({"statistics.png", "labels.png"})


@dataclasses.dataclass(frozen=True)
class FindingRow:
    severity: str
    kind: str
    message: str
    count: int
    examples: str


@dataclasses.dataclass(frozen=True)
class AuditSection(Section):
    """What the audit found in the data.

    Attributes:
        title: ``"Audit: <folder name>"``.
        findings: Errors first, each with its first examples.
        stopped: The phase an interrupted audit stopped in (its summary is partial), else ``None``.
        splits: Examples, usable examples, shape and dtype per split.
        facts: ``(what, value)``: task, classes and imbalance, classes absent from train, the
            expected initial loss, the inferred shift of next-token data, input scale and
            constant features, single-feature leakage, the near-duplicate threshold, how labels
            were judged, the audit's time.
        classes: Per class, count and share per split and the output bias (classification).
        targets: Mean and std per split (regression), agreement per shift (sequences).
        label_errors: Per split, the baseline, its self-consistency, the estimated noise rate
            and the flagged count.
        charts: Class shares per split, and one histogram per statistic of the training split.
        extremes: Per split and statistic, the lowest and highest examples.
        timings: Seconds per phase.
        per_class: Random training examples of each class, drawn by the page (audits in memory).
        extreme_examples: The lowest and highest examples of each statistic, likewise.
        pictures: The audit's PNGs (examples per class, extremes) when it was read from a folder.
        notes: What could not be shown.
    """

    title: str
    findings: tuple[FindingRow, ...]
    stopped: str | None
    splits: Table
    facts: tuple[tuple[str, str], ...]
    classes: Table | None
    targets: Table | None
    label_errors: Table | None
    charts: tuple[Chart, ...]
    extremes: Table | None
    timings: Table | None
    per_class: tuple[ExampleRow, ...]
    extreme_examples: tuple[ExampleRow, ...]
    pictures: tuple[Picture, ...]
    notes: tuple[str, ...]

    def headlines(self) -> list[Headline]:
        found = [Headline("error" if f.severity == "error" else "warn", f"audit: {f.message}")
                 for f in self.findings if f.severity in ("error", "warn")]
        if self.stopped is not None:
            found.append(Headline("warn", f"audit: interrupted in phase {self.stopped!r}; its summary is partial, run it again"))
        return found


def audit_section(report: AuditReport, *, folder: Path | None = None, title: str = "Audit") -> AuditSection:
    """Compute the section from an :class:`AuditReport` (``folder``: where its pictures lie).

    Example:
        >>> from nnrecipe import Finding
        >>> s = audit_section(AuditReport([Finding("non_finite", "error", "NaN in 1 example", [("train", 0)])]))
        >>> s.findings[0].examples, s.headlines()[0].severity
        ('train[0]', 'error')
    """
    summary = report.summary
    findings = tuple(
        FindingRow(f.severity, f.kind, f.message, len(f.examples),
                   ", ".join(f"{s}[{i}]" for s, i in f.examples[:SHOWN_EXAMPLES]) + (f" … (+{len(f.examples) - SHOWN_EXAMPLES})" if len(f.examples) > SHOWN_EXAMPLES else ""))
        for f in report.findings
    )
    labels = summary.labels
    charts = [c for c in (class_shares(labels),) if c is not None] if isinstance(labels, ClassLabels) else []
    train = next(iter(summary.statistics), None)
    if train is not None:
        split = "training" if train == "train" else train
        charts += [c for name, st in summary.statistics[train].items() if (c := histogram_chart(name, st.histogram, split)) is not None]
    pictures: list[Picture] = []
    notes: list[str] = []
    per_class, extreme_examples = example_rows(report.gallery) if report.gallery is not None else ((), ())
    if report.gallery is None and folder is not None and (folder / "pictures").is_dir():
        # Read back from its folder, an audit has its examples only as PNGs; its histograms and
        # class counts are drawn above from the summary.
        for path in sorted(p for p in (folder / "pictures").glob("*.png") if p.name not in _DRAWN_HERE):
            got = read_png(path, inside=folder)
            (pictures.append(got) if isinstance(got, Picture) else notes.append(got))
    elif report.gallery is None and folder is None:
        notes.append("this audit has no example inputs to draw (it was read back from audit.json, which does not hold them)")
    return AuditSection(
        title, findings, summary.stopped, splits_table(summary), tuple(facts(summary)),
        class_table(labels) if isinstance(labels, ClassLabels) else None,
        None if labels is None or isinstance(labels, ClassLabels) else targets_table(labels),
        None if summary.label_errors is None else label_error_table(summary.label_errors),
        tuple(charts), extremes_table(summary.statistics), timings_table(summary.timings),
        per_class, extreme_examples, tuple(pictures), tuple(notes),
    )
