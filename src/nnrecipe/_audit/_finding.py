"""One thing the audit found: its kind, how serious it is, and the examples it concerns."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Literal, get_args

__all__ = ["SEVERITIES", "Finding", "Severity"]

Severity = Literal["info", "warn", "error"]
SEVERITIES: tuple[str, ...] = get_args(Severity)


@dataclasses.dataclass(frozen=True)
class Finding:
    """A fault or fact about the data, with every example it concerns.

    Attributes:
        kind: What was found, e.g. ``"exact_duplicates"``, ``"leakage"``, ``"label_errors"``.
        severity: ``"error"`` (training on this is wrong), ``"warn"`` (look at it) or
            ``"info"``.
        message: One or two sentences: what was found, why it matters, the fix.
        examples: Every affected example as a ``(split, index)`` pair, most suspicious
            first; ``index`` is the position in the split as the user passed it.
        details: Extra figures (thresholds, feature indices, duplicate groups), JSON-ready.

    Example:
        >>> f = Finding("non_finite", "error", "2 examples have NaN", (("train", 3), ("train", 9)))
        >>> f.examples[0]
        ('train', 3)
    """

    kind: str
    severity: Severity
    message: str
    examples: Sequence[tuple[str, int]] = ()
    details: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.severity=} is not one of {SEVERITIES}")
        # Freeze the examples as plain (str, int) tuples: numpy ints do not serialise.
        object.__setattr__(self, "examples", tuple((str(s), int(i)) for s, i in self.examples))

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data, all examples included."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "count": len(self.examples),
            "examples": [list(e) for e in self.examples],
            "details": dict(self.details),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Rebuild a finding written by :meth:`to_dict`."""
        return cls(
            kind=data["kind"],
            severity=data["severity"],
            message=data["message"],
            examples=tuple((s, i) for s, i in data["examples"]),
            details=data.get("details", {}),
        )
