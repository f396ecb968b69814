"""The audit section: findings, the splits, class shares, per-example statistics drawn as
histograms (log counts when one outlier would flatten the rest), and the audit's pictures.

The audit's summary is read here and only here, so that its typed form replaces one function.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._audit._report import AuditReport
from ._chart import Bars, Chart
from ._examples import ExampleRow, example_rows
from ._picture import Picture, read_png
from ._section import Headline, Section

__all__ = ["AuditSection", "FindingRow", "audit_section"]

SHOWN_EXAMPLES = 8  # examples listed per finding; audit.json has all of them
LOG_COUNTS = 30.0  # a squashed histogram whose counts span more than this ratio gets a log axis
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
        splits: ``(split, examples, usable, shape, dtype)`` rows.
        findings: Errors first, each with its first examples.
        facts: ``(what, value)``: task, classes, imbalance, input scale, single-feature leakage.
        charts: Class shares per split, and one histogram per statistic of the training split.
        extremes: ``(statistic, lowest, highest)``: the examples at both ends, as ``index value``.
        per_class: Random training examples of each class, drawn by the page (audits in memory).
        extreme_examples: The lowest and highest examples of each statistic, likewise.
        pictures: The audit's PNGs (examples per class, extremes) when it was read from a folder.
        notes: What could not be shown.
    """

    title: str
    splits: tuple[tuple[str, str, str, str, str], ...]
    findings: tuple[FindingRow, ...]
    facts: tuple[tuple[str, str], ...]
    charts: tuple[Chart, ...]
    extremes: tuple[tuple[str, str, str], ...]
    per_class: tuple[ExampleRow, ...]
    extreme_examples: tuple[ExampleRow, ...]
    pictures: tuple[Picture, ...]
    notes: tuple[str, ...]

    def headlines(self) -> list[Headline]:
        return [Headline("error" if f.severity == "error" else "warn", f"audit: {f.message}")
                for f in self.findings if f.severity in ("error", "warn")]


def audit_section(report: AuditReport, *, folder: Path | None = None, title: str = "Audit") -> AuditSection:
    """Compute the section from an :class:`AuditReport` (``folder``: where its pictures lie).

    Example:
        >>> from nnrecipe import Finding
        >>> s = audit_section(AuditReport([Finding("non_finite", "error", "NaN in 1 example", [("train", 0)])], {}))
        >>> s.findings[0].examples, s.headlines()[0].severity
        ('train[0]', 'error')
    """
    summary: Mapping[str, Any] = report.summary if isinstance(report.summary, Mapping) else {}
    findings = tuple(
        FindingRow(f.severity, f.kind, f.message, len(f.examples),
                   ", ".join(f"{s}[{i}]" for s, i in f.examples[:SHOWN_EXAMPLES]) + (f" … (+{len(f.examples) - SHOWN_EXAMPLES})" if len(f.examples) > SHOWN_EXAMPLES else ""))
        for f in report.findings
    )
    splits = tuple(
        (str(name), str(s.get("examples", "?")), str(s.get("usable", "?")), str(tuple(s.get("shape", ()))), str(s.get("dtype", "?")))
        for name, s in _dict(summary.get("splits")).items() if isinstance(s, Mapping)
    )
    labels = _dict(summary.get("labels"))
    charts = [c for c in (_class_shares(labels),) if c is not None]
    stats = _dict(_dict(summary.get("statistics")).get("train"))
    charts += [c for name, s in stats.items() if (c := _histogram(str(name), _dict(_dict(s).get("histogram")))) is not None]
    extremes = tuple(
        (str(name), _ends(_dict(s).get("lowest")), _ends(_dict(s).get("highest"))) for name, s in stats.items()
    )
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
    return AuditSection(title, splits, findings, tuple(_facts(summary, labels)), tuple(charts), extremes, per_class,
                        extreme_examples, tuple(pictures), tuple(notes))


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _facts(summary: Mapping[str, Any], labels: Mapping[str, Any]) -> list[tuple[str, str]]:
    facts = []
    if labels.get("task"):
        facts.append(("task", str(labels["task"])))
    if labels.get("task") == "classification":
        facts.append(("classes", f"{labels.get('num_classes')}, largest/smallest train class {_num(labels.get('imbalance'))}x"))
    scale = _dict(summary.get("scale"))
    if scale:
        facts.append(("input scale", f"mean {_num(scale.get('mean'))}, std {_num(scale.get('std'))}, range [{_num(scale.get('min'))}, {_num(scale.get('max'))}]"))
    leak = _dict(summary.get("target_leakage"))
    if leak.get("best_single_feature") is not None:
        score, base = _num(leak.get("best_single_feature_score")), _num(leak.get("majority_baseline"))
        facts.append(("best single feature", f"feature {leak['best_single_feature']} scores {score} (majority baseline {base})"))
    timings = _dict(summary.get("timings"))
    if timings:
        facts.append(("audit time", f"{sum(v for v in timings.values() if isinstance(v, (int, float))):.1f} s"))
    return facts


def _num(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, (int, float)) and not isinstance(v, bool) else "?"


def _ends(rows: Any) -> str:
    if not isinstance(rows, Sequence):
        return ""
    return ", ".join(f"{r[0]}: {_num(r[1])}" for r in rows if isinstance(r, Sequence) and len(r) == 2)


def _class_shares(labels: Mapping[str, Any]) -> Chart | None:
    counts = {str(k): v for k, v in _dict(labels.get("counts")).items() if isinstance(v, list) and v}
    if not counts:
        return None
    n = max(len(v) for v in counts.values())
    names = labels.get("class_names")
    cats = tuple(str(names[i]) if isinstance(names, list) and i < len(names) else str(i) for i in range(n))
    width = 0.8 / len(counts)
    bars = []
    for k, (split, c) in enumerate(counts.items()):
        total = sum(c) or 1
        bars.append(Bars(split, [i - 0.4 + k * width for i in range(len(c))], [width] * len(c), [v / total for v in c]))
    return Chart("class shares per split", "class", "share of the split", bars=tuple(bars), x_categories=cats)


def _histogram(name: str, hist: Mapping[str, Any]) -> Chart | None:
    counts, edges = hist.get("counts"), hist.get("edges")
    if not isinstance(counts, list) or not isinstance(edges, list) or len(edges) != len(counts) + 1 or not counts:
        return None
    if not all(isinstance(e, (int, float)) and math.isfinite(e) for e in edges):
        return None
    positive = [c for c in counts if isinstance(c, (int, float)) and c > 0]
    if len(positive) < 2:
        return None  # one value for every example: a fact, not a picture (see the extremes)
    # A few extreme examples stretch the bins so that most examples fall in a few of them: on a
    # linear count axis the extremes are then invisible. Log counts show both.
    squashed = max(positive) >= 0.5 * sum(positive) or len(positive) < 0.3 * len(counts)
    log = squashed and max(positive) / min(positive) > LOG_COUNTS
    bars = Bars("", edges[:-1], [b - a for a, b in itertools.pairwise(edges)], counts)
    return Chart(f"{name} of each training example", name, "examples", bars=(bars,), y_scale="log" if log else "linear",
                 note="log count axis: most examples fall in a few bins, and the few far from them would be invisible on a linear one" if log else "")
