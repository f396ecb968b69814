"""A run's ``metrics.jsonl`` as columns: each logged value by name, with the step it was logged at."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._train._runs import METRICS, read_metrics

__all__ = ["Columns", "columns", "read_rows", "series"]

Columns = dict[str, tuple[np.ndarray, np.ndarray]]  # name -> (steps, values)
_NOT_CURVES = frozenset({"step", "epoch", "time"})  # numbers in a row that are not curves


def read_rows(run_dir: Path) -> tuple[list[dict[str, Any]], int]:
    """The rows of ``metrics.jsonl`` and its number of lines. An intact file is parsed in one
    call (100,000 rows in a fraction of a second); a torn one row by row up to the tear."""
    path = run_dir / METRICS
    if not path.is_file():
        return [], 0
    text = path.read_text()
    lines = text.count("\n")
    try:
        rows = json.loads("[" + ",".join(line for line in text.splitlines() if line.strip()) + "]")
    except ValueError:
        return read_metrics(run_dir), lines
    return [r for r in rows if isinstance(r, dict)], lines


def columns(rows: Sequence[Mapping[str, Any]]) -> tuple[Columns, Columns, tuple[int, int]]:
    """Training and validation columns (every numeric value by name, with its step) and the
    number of rows of each. A row with ``val_loss`` (or only ``val_`` values) is a validation
    row; other rows with ``loss`` are training rows. One pass: 100,000 rows take ~0.2 s."""
    found: tuple[dict[str, tuple[list[float], list[float]]], ...] = ({}, {})
    counts = [0, 0]
    numbers = (int, float)
    for r in rows:
        step = r.get("step")
        if not isinstance(step, numbers):
            continue
        is_val = "val_loss" in r or ("loss" not in r and any(k.startswith("val_") for k in r))
        if not is_val and "loss" not in r:
            continue
        counts[is_val] += 1
        cols = found[is_val]
        for k, v in r.items():
            if type(v) in numbers and k not in _NOT_CURVES:
                if k not in cols:
                    cols[k] = ([], [])
                xs, ys = cols[k]
                xs.append(step)
                ys.append(v)
    train, val = ({k: (np.asarray(x, dtype=float), np.asarray(y, dtype=float)) for k, (x, y) in c.items()} for c in found)
    return train, val, (counts[0], counts[1])


def series(cols: Columns, key: str) -> tuple[np.ndarray, np.ndarray]:
    return cols.get(key, (np.zeros(0), np.zeros(0)))
