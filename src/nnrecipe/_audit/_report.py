"""The audit's result: findings, pure-data summaries, and the examples for the pictures."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._core._files import atomic_write_text
from ._finding import Finding, Severity
from ._summary import AuditSummary

__all__ = ["AuditReport", "Gallery"]

_RANK: dict[str, int] = {"error": 0, "warn": 1, "info": 2}


@dataclasses.dataclass(frozen=True)
class Gallery:
    """Example inputs to draw: a few per class, and the extremes of each statistic.

    Attributes:
        shape: The shape of one example.
        per_class: ``{class label: [(split, index, flat values), ...]}``.
        extremes: ``{statistic: [(split, index, value, flat values), ...]}``, lowest then highest.
    """

    shape: tuple[int, ...]
    per_class: dict[str, list[tuple[str, int, np.ndarray]]]
    extremes: dict[str, list[tuple[str, int, float, np.ndarray]]]


@dataclasses.dataclass
class AuditReport:
    """Everything the audit found.

    Attributes:
        findings: Faults and facts, errors first.
        summary: Typed sections: splits, labels (counts, prior, ``bias_init``), input scale,
            per-statistic extremes and histograms, neighbour thresholds, timings, config.
        gallery: Examples for :meth:`save` to draw; not part of the JSON.

    Example:
        >>> r = AuditReport([Finding("non_finite", "error", "NaN in 1 example", [("train", 0)])])
        >>> r.ok, [f.kind for f in r.errors]
        (False, ['non_finite'])
    """

    findings: list[Finding]
    summary: AuditSummary = dataclasses.field(default_factory=lambda: AuditSummary(splits={}))
    gallery: Gallery | None = None

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=lambda f: _RANK[f.severity])

    @property
    def ok(self) -> bool:
        """True when no finding is an ``error``."""
        return not self.errors

    @property
    def errors(self) -> list[Finding]:
        return self.by_severity("error")

    @property
    def warnings(self) -> list[Finding]:
        return self.by_severity("warn")

    def by_severity(self, severity: Severity) -> list[Finding]:
        """The findings of one severity, in report order."""
        return [f for f in self.findings if f.severity == severity]

    def find(self, kind: str) -> Finding | None:
        """The finding of this kind, or ``None``."""
        return next((f for f in self.findings if f.kind == kind), None)

    def flagged(self, kinds: Sequence[str] | str) -> set[tuple[str, int]]:
        """Every ``(split, index)`` that the findings of these kinds list."""
        kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
        return {e for f in self.findings if f.kind in kinds for e in f.examples}

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data; non-finite numbers become ``None``."""
        data = {"ok": self.ok, "findings": [f.to_dict() for f in self.findings], "summary": self.summary.to_dict()}
        return dict(_finite(data))

    def to_json(self, *, indent: int | None = 1) -> str:
        """The report as JSON: every finding with all its examples, and the summary."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, default=_jsonable)

    @classmethod
    def from_json(cls, text: str) -> AuditReport:
        data = json.loads(text)
        return cls([Finding.from_dict(f) for f in data["findings"]], AuditSummary.from_dict(data["summary"]))

    def save(self, directory: str | os.PathLike[str], *, pictures: bool = True) -> Path:
        """Write ``audit.json`` (atomically) and, if ``pictures``, PNGs under ``pictures/``.

        Returns:
            The path of ``audit.json``.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        text = self.to_json()
        atomic_write_text(out / "audit.json", text)
        if pictures:
            from ._pictures import write_pictures

            write_pictures(self, out / "pictures")
        return out / "audit.json"


def _finite(obj: Any) -> Any:
    """Replace NaN and infinities (an isolated example's distance) by None, recursively."""
    if isinstance(obj, float | np.floating):
        return float(obj) if np.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (tuple, set)):
        return list(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")
