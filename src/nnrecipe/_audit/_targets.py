"""What the first pass keeps of a split's targets, whatever their form.

- one target per example (``(m,)`` or ``(m, 1)``): the value of every row;
- a table of targets (``(m, k)``): the arg-max of every row (the class, if one-hot) and the
  per-output moments (regression), with whether every row was one-hot;
- one target per position of a sequence: counts of the target values (a vocabulary) and the
  rows with a non-finite target.
Per row this is one float, so the labels of tens of millions of examples fit in memory.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np

__all__ = ["TargetForm", "TargetScan"]

TargetForm = Literal["single", "table", "per_position"]


@dataclasses.dataclass
class TargetScan:
    """Targets of one split, accumulated chunk by chunk.

    Attributes:
        form: How targets are laid out (decided on the first chunk).
        kind: The targets' numpy dtype kind (``"i"``, ``"u"``, ``"f"``, ``"b"``).
        shape: The shape of one example's target.
    """

    form: TargetForm
    kind: str
    shape: tuple[int, ...]
    _values: list[np.ndarray] = dataclasses.field(default_factory=list)
    one_hot: bool = True
    count: int = 0
    total: np.ndarray | None = None
    total_sq: np.ndarray | None = None
    missing: list[np.ndarray] = dataclasses.field(default_factory=list)
    vocabulary: dict[int, int] = dataclasses.field(default_factory=dict)
    whole: bool = True

    expected: int = 0
    _filled: int = 0

    @classmethod
    def start(cls, y: np.ndarray, example_shape: tuple[int, ...], expected: int = 0) -> TargetScan:
        """The scan for targets shaped like ``y`` (a first chunk); ``expected`` rows if known
        (the per-row values are then written into one array, not gathered and copied)."""
        shape = tuple(y.shape[1:])
        if len(shape) == 0 or shape == (1,):
            form: TargetForm = "single"
        elif len(example_shape) == 1 and example_shape[0] >= 2 and shape == example_shape:
            form = "per_position"
        else:
            form = "table"
        out = cls(form=form, kind=y.dtype.kind, shape=shape, expected=expected)
        if expected and form != "per_position":
            out._values = [np.full(expected, np.nan)]
        return out

    def _store(self, values: np.ndarray) -> None:
        if self.expected and self._filled + len(values) <= self.expected:
            self._values[0][self._filled : self._filled + len(values)] = values
        else:  # more rows than announced (or none announced): gather
            if self.expected:
                self._values, self.expected = [self._values[0][: self._filled]], 0
            self._values.append(values)
        self._filled += len(values)

    def add(self, y: np.ndarray, rows: np.ndarray) -> None:
        """Add a chunk's targets; ``rows`` are their usable-row numbers."""
        flat = y.reshape(len(y), -1)
        if self.form == "single":
            self._store(flat[:, 0].astype(np.float64))
            return
        values = flat.astype(np.float64)
        bad = ~np.isfinite(values).all(1)
        self.missing.append(rows[bad])
        if self.form == "table":
            self.one_hot &= bool(np.isin(values, (0.0, 1.0)).all() and (values.sum(1) == 1).all())
            self._store(values.argmax(1).astype(np.float64))
            good = values[~bad]
            self.count += len(good)
            self.total = good.sum(0) + (0 if self.total is None else self.total)
            self.total_sq = (good**2).sum(0) + (0 if self.total_sq is None else self.total_sq)
            return
        fin = values[np.isfinite(values)]
        self.whole &= bool((fin == np.round(fin)).all())
        if self.whole:
            kept = fin[fin >= 0].astype(np.int64)  # negative ids (-100) are ignored positions
            tokens, counts = np.unique(kept, return_counts=True)
            for t, c in zip(tokens.tolist(), counts.tolist()):
                self.vocabulary[t] = self.vocabulary.get(t, 0) + c

    @property
    def values(self) -> np.ndarray | None:
        """``(m,)`` one value per row (the arg-max of a table), ``None`` per position."""
        if self.form == "per_position":
            return None
        if self.expected:  # one array, possibly longer than the rows read
            self._values, self.expected = [self._values[0][: self._filled]], 0
        if len(self._values) != 1:
            self._values = [np.concatenate(self._values) if self._values else np.zeros(0)]
        return self._values[0]

    def set_values(self, values: np.ndarray) -> None:
        """Replace the per-row values (final labels of a CSV read in one pass)."""
        self._values, self.expected, self._filled = [values], 0, len(values)

    def release(self) -> None:
        """Drop the per-row values once the labels are analysed (class ids replace them)."""
        self._values = [np.zeros(0)]
        self.missing = []

    @property
    def missing_rows(self) -> np.ndarray:
        """Rows whose target is not finite."""
        if self.form == "single":
            v = self.values
            return np.flatnonzero(~np.isfinite(v)) if v is not None else np.zeros(0, np.int64)
        return np.concatenate(self.missing) if self.missing else np.zeros(0, np.int64)

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-output mean and std of the finite rows (regression)."""
        if self.form == "single":
            v = self.values
            good = v[np.isfinite(v)] if v is not None else np.zeros(0)
            return (good.mean(keepdims=True), good.std(keepdims=True)) if len(good) else (np.zeros(0), np.zeros(0))
        if not self.count or self.total is None or self.total_sq is None:
            return np.zeros(0), np.zeros(0)
        mean = self.total / self.count
        return mean, np.sqrt(np.maximum(self.total_sq / self.count - mean**2, 0.0))
