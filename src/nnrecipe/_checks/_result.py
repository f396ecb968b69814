"""What a check reports: one result per check, gathered into a report that is pure data."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any, Literal

from .._core._errors import ConfigError

__all__ = ["CheckReport", "CheckResult", "Status", "shorten"]

Status = Literal["pass", "warn", "fail", "skip"]
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "skip")
SUMMARY_WIDTH = 40


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at the last space that fits ``width`` (with an ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return (cut if cut else text[: width - 1]) + "…"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CheckResult:
    """The verdict of one check.

    Attributes:
        name: The check's name (``"batch_independence"``...).
        status: ``"pass"``, ``"warn"``, ``"fail"`` or ``"skip"``.
        measured: What the experiment measured, in words and numbers.
        summary: The measurement as one short phrase (at most 40 characters) for a table row;
            ``measured`` shortened at a word when empty.
        expected: What a sound setup gives.
        why: Why it matters (empty when it passed).
        fix: How to fix it (empty when it passed).
        seconds: Wall time the check took.
        details: Plain data behind the verdict (numbers, lists, file paths) for reports.
    """

    name: str
    status: Status
    measured: str
    expected: str
    why: str = ""
    fix: str = ""
    summary: str = ""
    seconds: float = 0.0
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ConfigError(f"status={self.status!r} is not one of {STATUSES}")

    def phrase(self, width: int = SUMMARY_WIDTH) -> str:
        """The short measured phrase of a table row, cut at a word boundary to ``width``."""
        return shorten(self.summary or self.measured, width)

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "details": _plain(self.details)}


@dataclasses.dataclass(frozen=True)
class CheckReport:
    """The results of :func:`nnrecipe.check`, in the order the checks ran.

    Example:
        >>> r = CheckReport([CheckResult(name="x", status="warn", measured="m", expected="e")])
        >>> r.ok, r.counts()["warn"]
        (True, 1)
    """

    results: list[CheckResult]

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings and skips do not count against it)."""
        return not any(r.status == "fail" for r in self.results)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == "fail"]

    def __getitem__(self, name: str) -> CheckResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(f"no check named {name!r} in this report; it has {[r.name for r in self.results]}")

    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in STATUSES}

    def rows(self) -> list[dict[str, str]]:
        """One row per check for a table: name, status, short phrase, measured, expected, why, fix, seconds."""
        return [
            {
                "check": r.name,
                "status": r.status,
                "summary": r.phrase(),
                "measured": r.measured,
                "expected": r.expected,
                "why": r.why,
                "fix": r.fix,
                "seconds": f"{r.seconds:.1f}",
            }
            for r in self.results
        ]

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "counts": self.counts(), "results": [r.to_dict() for r in self.results]}

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), **{"indent": 2, **kwargs})


def _plain(value: Any) -> Any:
    """Numbers, strings, lists and dicts only, with non-finite floats as strings (valid JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    return str(value)
