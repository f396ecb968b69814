"""A CSV table: one example per row, numeric feature columns and one label column."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from .._core._errors import DataError
from ._split import Broken, LoadedSplit

__all__ = ["load_csv"]


def _number(text: str) -> float:
    text = text.strip()
    return float("nan") if text == "" or text.lower() in ("nan", "na", "null") else float(text)


def load_csv(path: Path, name: str, *, label_column: str = "label") -> LoadedSplit:
    """Read a CSV file whose first row names the columns.

    Empty feature cells become NaN (reported as non-finite), empty labels become missing
    labels. Labels that are not all numbers are read as class names (sorted into ids).

    Args:
        path: The ``.csv`` (or tab-separated ``.tsv``) file.
        name: The split's name.
        label_column: The column holding the label.

    Returns:
        The feature rows; rows with a cell that is not a number are listed as broken.

    Raises:
        DataError: The file is empty, lacks the label column, or a feature column is text.
    """
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
        header = next(reader, None)
        rows = list(reader)
    if header is None or not rows:
        raise DataError(f"{name}: {str(path)!r} has no data rows; pass a CSV with a header row and one example per row")
    header = [h.strip() for h in header]
    if label_column not in header:
        raise DataError(
            f"{name}: {str(path)!r} has no column {label_column!r}; its columns are {header[:20]}. "
            f"Name the label column with `--label-column NAME` (`label_column=` in Python)."
        )
    li = header.index(label_column)
    feature_cols = [j for j in range(len(header)) if j != li]
    if not feature_cols:
        raise DataError(f"{name}: {str(path)!r} has only the label column; it needs feature columns")
    X = np.full((len(rows), len(feature_cols)), np.nan, dtype=np.float32)
    raw_labels: list[str] = []
    broken: list[Broken] = []
    bad_cells = np.zeros(len(feature_cols), dtype=np.int64)
    for i, row in enumerate(rows):
        if len(row) != len(header):
            broken.append(Broken(i, "wrong_shape", f"row {i + 2} has {len(row)} cells, the header has {len(header)}"))
            raw_labels.append("")
            continue
        raw_labels.append(row[li].strip())
        for k, j in enumerate(feature_cols):
            try:
                X[i, k] = _number(row[j])
            except ValueError:
                bad_cells[k] += 1
                if not broken or broken[-1].index != i:
                    broken.append(Broken(i, "wrong_dtype", f"row {i + 2}: {header[j]}={row[j]!r} is not a number"))
    text_cols = [header[feature_cols[k]] for k in np.flatnonzero(bad_cells > len(rows) // 2)]
    if text_cols:
        raise DataError(
            f"{name}: feature columns {text_cols} of {str(path)!r} hold text, not numbers; encode "
            "them (one-hot or integer codes) or drop them before the audit"
        )
    labels, class_names = _labels(raw_labels)
    keep = np.setdiff1d(np.arange(len(rows)), [b.index for b in broken])
    return LoadedSplit(
        name=name,
        X=X[keep],
        index=keep.astype(np.int64),
        y=labels[keep],
        shape=(len(feature_cols),),
        n_total=len(rows),
        broken=broken,
        class_names=class_names,
        source_dtype="float32",
    )


def _labels(raw: list[str]) -> tuple[np.ndarray, list[str] | None]:
    """Numbers when every non-empty label parses as one, else sorted class names; NaN if empty."""
    present = [r for r in raw if r != ""]
    try:
        return np.asarray([_number(r) for r in raw], dtype=np.float64), None
    except ValueError:
        pass
    names = sorted(set(present))
    code = {c: float(k) for k, c in enumerate(names)}
    return np.asarray([code.get(r, np.nan) for r in raw], dtype=np.float64), names
