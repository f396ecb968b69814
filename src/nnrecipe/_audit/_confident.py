"""Ranking likely label errors by confident learning (cleanlab) on out-of-sample probabilities,
read chunk by chunk: from the user's ``pred_probs`` or from a label baseline.

Probabilities that fit in memory go through cleanlab's filter; larger ones through its
batched ``LabelInspector``, two passes over the chunks and memory independent of their number.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ._split import RowIndex

__all__ = ["Probs", "ranked", "user_probs"]

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Probs:
    """Out-of-sample probabilities of the labelled rows of a split, read in chunks.

    Attributes:
        chunks: Called once per pass; yields ``(rows, probabilities)``.
        small: They fit in memory at once (cleanlab's filter), else they are streamed
            (cleanlab's batched ``LabelInspector``).
    """

    chunks: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]]
    small: bool


def user_probs(given: Any, name: str, C: int, index: RowIndex, rows: np.ndarray, chunk: int = 1 << 16) -> Probs:
    """The user's probabilities for these usable rows, checked and read in chunks.

    Raises:
        DataError: Not one row of ``C`` probabilities per example.
    """
    from .._core._errors import DataError

    probs = given if isinstance(given, np.ndarray) else np.asarray(given)
    if probs.ndim != 2 or probs.shape[1] != C or len(probs) < index.n_total:
        raise DataError(
            f"pred_probs[{name!r}] has shape {probs.shape}; expected (examples in {name}, {C}): one "
            "row of class probabilities per example, in the split's order"
        )

    def chunks() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for lo in range(0, len(rows), chunk):
            r = rows[lo : lo + chunk]
            p = np.asarray(probs[index[r]], dtype=np.float64)
            if not np.allclose(p.sum(1), 1.0, atol=1e-3) or (p < 0).any():
                raise DataError(
                    f"pred_probs[{name!r}] rows must be probabilities (non-negative, summing to 1); "
                    "apply softmax to logits: `torch.softmax(logits, dim=1)`"
                )
            yield r, p

    return Probs(chunks, small=len(rows) * C * 8 <= 1 << 28)


def _issues(labels: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Confident learning's ranked label issues (positions into ``labels``)."""
    from cleanlab.filter import find_label_issues

    present = np.unique(labels)
    if len(present) < 2 or np.bincount(labels).max(initial=0) == len(labels):
        return np.zeros(0, dtype=np.int64)
    remap = np.full(probs.shape[1], -1)
    remap[present] = np.arange(len(present))
    p = probs[:, present] + 1e-12  # cleanlab wants every column to be a class that occurs
    p /= p.sum(1, keepdims=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ranked = find_label_issues(remap[labels], p, return_indices_ranked_by="self_confidence")
    for w in caught:
        log.debug("cleanlab: %s", w.message)
    return np.asarray(ranked, dtype=np.int64)


def ranked(probs: Probs, ids: np.ndarray, C: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Rows ranked as label issues, their suggested classes, and the share of rows whose
    most probable class is the given label."""
    if probs.small:
        parts = list(probs.chunks())
        rows = np.concatenate([r for r, _ in parts])
        p = np.concatenate([q for _, q in parts]).astype(np.float64)
        order = np.argsort(rows, kind="stable")
        rows, p = rows[order], p[order]
        ranked = _issues(ids[rows], p)
        return rows[ranked], p[ranked].argmax(1), float((p.argmax(1) == ids[rows]).mean())
    from cleanlab.experimental.label_issues_batched import LabelInspector

    inspector = LabelInspector(num_class=C, store_results=True, verbose=False, n_jobs=1)
    for r, p in probs.chunks():
        inspector.update_confident_thresholds(ids[r], p)
    seen: list[np.ndarray] = []
    best: list[np.ndarray] = []
    for r, p in probs.chunks():
        inspector.score_label_quality(ids[r], p)
        seen.append(r)
        best.append(p.argmax(1).astype(np.int32))
    rows, suggested = np.concatenate(seen), np.concatenate(best)
    ranked = np.asarray(inspector.get_label_issues(), dtype=np.int64)
    return rows[ranked], suggested[ranked], float((suggested == ids[rows]).mean())
