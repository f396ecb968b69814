"""A CSV table, read row by row: one example per row, numeric feature columns, one label column."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .._core._errors import DataError
from ._source import Chunk, Source
from ._split import Broken

__all__ = ["CsvSource"]


def _number(text: str) -> float:
    text = text.strip()
    return float("nan") if text == "" or text.lower() in ("nan", "na", "null") else float(text)


class CsvSource(Source):
    """A CSV (or tab-separated ``.tsv``) file whose first row names the columns.

    Empty feature cells become NaN (reported as non-finite), empty labels become missing
    labels. Labels that are not all numbers are class names, numbered in sorted order.
    A row with a cell that is not a number is broken.

    Raises:
        DataError: The file is empty, lacks the label column, or a feature column is text.
    """

    def __init__(self, path: Path, name: str, *, label_column: str = "label") -> None:
        super().__init__(name)
        self.path = path
        header = next(self._rows(), None)
        if header is None:
            raise DataError(f"{name}: {str(path)!r} has no header row; pass a CSV with a header row and one example per row")
        self.header = [h.strip() for h in header]
        if label_column not in self.header:
            raise DataError(
                f"{name}: {str(path)!r} has no column {label_column!r}; its columns are {self.header[:20]}. "
                f"Name the label column with `--label-column NAME` (`label_column=` in Python)."
            )
        self.label_at = self.header.index(label_column)
        self.features = [j for j in range(len(self.header)) if j != self.label_at]
        if not self.features:
            raise DataError(f"{name}: {str(path)!r} has only the label column; it needs feature columns")
        self.shape = (len(self.features),)
        self._codes: dict[str, int] = {}  # label text -> number in order of appearance
        self._final: np.ndarray | None = None  # first-pass number -> final label value

    def _rows(self) -> Iterator[list[str]]:
        with open(self.path, newline="", encoding="utf-8") as f:
            yield from csv.reader(f, delimiter="\t" if self.path.suffix.lower() == ".tsv" else ",")

    def _label(self, text: str) -> float:
        text = text.strip()
        if text == "":
            return float("nan")
        code = self._codes.setdefault(text, len(self._codes))
        return float(self._final[code]) if self._final is not None else float(code)

    def _read(self, rows: int, broken: list[Broken]) -> Iterator[Chunk]:
        lines = self._rows()
        next(lines)
        X = np.full((rows, len(self.features)), np.nan, dtype=np.float32)
        y: list[float] = []
        index: list[int] = []
        bad = np.zeros(len(self.features), dtype=np.int64)
        i = -1
        for i, row in enumerate(lines):
            if len(row) != len(self.header):
                broken.append(Broken(i, "wrong_shape", f"row {i + 2} has {len(row)} cells, the header has {len(self.header)}"))
                continue
            k = len(index)
            X[k] = np.nan
            ok = True
            for c, j in enumerate(self.features):
                try:
                    X[k, c] = _number(row[j])
                except ValueError:
                    bad[c] += 1
                    if ok:
                        broken.append(Broken(i, "wrong_dtype", f"row {i + 2}: {self.header[j]}={row[j]!r} is not a number"))
                    ok = False
            if ok:
                y.append(self._label(row[self.label_at]))
                index.append(i)
            if len(index) == rows:
                self._text_columns(bad, i + 1)
                yield Chunk(X.copy(), np.asarray(y), np.asarray(index, dtype=np.int64))
                y, index = [], []
        self._text_columns(bad, i + 1)
        if i < 0:
            raise DataError(f"{self.name}: {str(self.path)!r} has no data rows; pass a CSV with a header row and one example per row")
        if index:
            yield Chunk(X[: len(index)].copy(), np.asarray(y), np.asarray(index, dtype=np.int64))
        self.n_total = i + 1
        if self._final is None:
            self._final = self._decide()

    def _text_columns(self, bad: np.ndarray, seen: int) -> None:
        text = [self.header[self.features[c]] for c in np.flatnonzero(bad > seen // 2)]
        if text:
            raise DataError(
                f"{self.name}: feature columns {text} of {str(self.path)!r} hold text, not numbers; encode "
                "them (one-hot or integer codes) or drop them before the audit"
            )

    def _decide(self) -> np.ndarray:
        """Numbers when every label parses as one, else class ids in sorted name order."""
        texts = list(self._codes)
        try:
            return np.asarray([float(t) for t in texts], dtype=np.float64)
        except ValueError:
            self.class_names = sorted(texts)
            rank = {t: k for k, t in enumerate(self.class_names)}
            return np.asarray([rank[t] for t in texts], dtype=np.float64)

    def relabel(self, values: np.ndarray) -> np.ndarray:
        final = self._final if self._final is not None else np.zeros(0)
        out = np.full(len(values), np.nan)
        ok = np.isfinite(values)
        out[ok] = final[values[ok].astype(np.int64)]
        return out
