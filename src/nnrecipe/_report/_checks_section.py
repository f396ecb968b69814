"""The checks section: every check's verdict with what was measured and the fix, the loss
curves the checks recorded, the overfitted batch's labels beside its predictions."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._checks._result import CheckReport
from ._chart import Chart, Line, Mark, pick_scale
from ._downsample import envelope
from ._picture import Picture, read_png
from ._section import Headline, Section

__all__ = ["CheckRow", "ChecksSection", "checks_section"]


@dataclasses.dataclass(frozen=True)
class CheckRow:
    name: str
    status: str
    measured: str
    expected: str
    why: str
    fix: str
    seconds: float


@dataclasses.dataclass(frozen=True)
class ChecksSection(Section):
    """The checks' verdicts.

    Attributes:
        title: ``"Checks: <folder name>"``.
        rows: One per check, failures first.
        counts: ``(status, how many)``.
        charts: Loss curves recorded by the checks (overfitting one batch, the learning-rate
            range test, determinism...).
        labels_vs_predictions: ``(labels, predictions)`` of the batch the model overfitted.
        pictures: PNGs the checks wrote (the batch as it enters the model).
        notes: Pictures that could not be shown, and why.
    """

    title: str
    rows: tuple[CheckRow, ...]
    counts: tuple[tuple[str, int], ...]
    charts: tuple[Chart, ...]
    labels_vs_predictions: tuple[tuple[str, ...], tuple[str, ...]] | None
    pictures: tuple[Picture, ...]
    notes: tuple[str, ...]

    def headlines(self) -> list[Headline]:
        out = []
        for r in self.rows:
            if r.status in ("fail", "warn"):
                fix = f" Fix: {r.fix}" if r.fix else ""
                out.append(Headline("error" if r.status == "fail" else "warn", f"check {r.name} {'failed' if r.status == 'fail' else 'warns'}: {r.measured}.{fix}"))
        return out


_ORDER = {"fail": 0, "warn": 1, "pass": 2, "skip": 3}


def checks_section(report: CheckReport, *, folder: Path | None = None, title: str = "Checks") -> ChecksSection:
    """Compute the section from a :class:`CheckReport` (``folder``: where its pictures lie).

    Example:
        >>> from nnrecipe import CheckResult
        >>> s = checks_section(CheckReport([CheckResult(name="x", status="fail", measured="m", expected="e")]))
        >>> s.headlines()[0].severity
        'error'
    """
    rows = sorted(
        (CheckRow(r.name, r.status, r.measured, r.expected, r.why, r.fix, r.seconds) for r in report.results),
        key=lambda r: _ORDER.get(r.status, 4),
    )
    charts = [c for r in report.results if (c := _loss_chart(r.name, r.details)) is not None]
    pictures, notes = [], []
    for r in report.results:
        for path in r.details.get("pictures", []) if isinstance(r.details.get("pictures"), list) else []:
            where = Path(path) if folder is None or Path(path).is_absolute() else folder / path
            got = read_png(where, inside=folder, caption=f"{r.name}: {Path(path).stem.replace('_', ' ')}")
            (pictures.append(got) if isinstance(got, Picture) else notes.append(got))
    overfit = next((r.details for r in report.results if "labels" in r.details and "predictions" in r.details), None)
    pairs = None
    if overfit is not None and len(overfit["labels"]) == len(overfit["predictions"]):
        pairs = (tuple(map(str, overfit["labels"])), tuple(map(str, overfit["predictions"])))
    return ChecksSection(
        title=title,
        rows=tuple(rows),
        counts=tuple((s, n) for s, n in report.counts().items() if n),
        charts=tuple(charts),
        labels_vs_predictions=pairs,
        pictures=tuple(pictures),
        notes=tuple(notes),
    )


def _numbers(value: Any) -> list[float] | None:
    if isinstance(value, list) and len(value) >= 3 and all(isinstance(v, (int, float)) or v in ("nan", "inf", "-inf") for v in value):
        return [float(v) for v in value]
    return None


def _loss_chart(name: str, details: Mapping[str, Any]) -> Chart | None:
    """The loss curves a check kept (every detail named like ``losses``), against the step or,
    for the learning-rate range test, against the learning rate."""
    curves = {k: ys for k, v in details.items() if ("loss" in k or k == "smoothed") and (ys := _numbers(v)) is not None}
    if not curves:
        return None
    lrs = _numbers(details.get("lrs"))
    lines = []
    for key, ys in curves.items():
        xs = lrs if lrs is not None and len(lrs) == len(ys) else list(range(len(ys)))
        x, y = envelope(xs, ys)
        lines.append(Line(key.replace("_", " "), tuple(x), tuple(y)))
    target = details.get("target")
    y_marks = (Mark(float(target), "target"),) if isinstance(target, (int, float)) and math.isfinite(target) and target > 0 else ()
    lr = details.get("suggested_lr")
    x_marks = (Mark(float(lr), f"suggested lr {lr:.2g}"),) if isinstance(lr, (int, float)) and lrs is not None else ()
    scale = pick_scale([v for ln in lines for v in ln.y] + [m.at for m in y_marks])
    return Chart(f"{name}: loss", "learning rate" if lrs is not None else "step", "loss", lines=tuple(lines),
                 x_scale="log" if lrs is not None else "linear", y_scale=scale, x_marks=x_marks, y_marks=y_marks)
