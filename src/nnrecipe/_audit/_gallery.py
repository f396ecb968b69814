"""Choosing the examples the pictures show: a few per class and the extremes of each statistic,
all taken from what the first pass sampled (plus the few nearest-distance extremes, fetched)."""

from __future__ import annotations

import numpy as np

from ._labels import LabelAnalysis
from ._report import Gallery
from ._reservoir import Extremes
from ._scan import Scan
from ._stats import STAT_NAMES

__all__ = ["build_gallery"]

_SHOWN = 4  # lowest and highest examples drawn per statistic


def build_gallery(train: Scan, labels: LabelAnalysis, nearest: np.ndarray, *, per_class: int = 8) -> Gallery:
    """Random training examples per class (or overall) and each statistic's extremes.

    Args:
        train: The training split's first pass.
        labels: The label analysis (classes decide the groups).
        nearest: Each training row's nearest-neighbour distance.
        per_class: Examples per class.

    Returns:
        A :class:`Gallery` holding copies of the picked examples (a few hundred at most).
    """
    groups: dict[str, list[tuple[str, int, np.ndarray]]] = {}
    names = labels.summary.class_names if labels.task == "classification" and labels.summary is not None else None  # type: ignore[union-attr]
    if labels.task == "classification" and train.per_class:
        values = np.asarray(sorted(train.per_class))
        final = train.source.relabel(values)
        for value, c in sorted(zip(values.tolist(), final.tolist()), key=lambda t: t[1]):
            r = train.per_class[value]
            if r.X is None or not np.isfinite(c) or c < 0:
                continue
            label = names[int(c)] if names and int(c) < len(names) else str(int(c))
            groups[label] = [("train", int(i), x) for i, x in sorted(zip(r.index.tolist(), r.X))][:per_class]
    elif train.sample.X is not None:
        rows = sorted(zip(train.sample.index.tolist(), train.sample.X), key=lambda t: t[0])
        groups["all"] = [("train", int(i), x) for i, x in rows[:per_class]]
    ends: dict[str, list[tuple[str, int, float, np.ndarray]]] = {}
    for stat in STAT_NAMES:
        ext = train.extremes[stat]
        picks = ext.low[:_SHOWN] + ext.high[:_SHOWN]
        if not picks or ext.low[0][0] == ext.high[0][0]:
            continue  # a constant statistic has no extremes worth drawing
        ends[stat] = [("train", i, v, x) for v, i, _, x in picks if x is not None]
    near = _nearest_extremes(train, nearest)
    if near:
        ends["nn_distance"] = near
    return Gallery(shape=train.source.shape, per_class=groups, extremes={k: v for k, v in ends.items() if v})


def _nearest_extremes(train: Scan, nearest: np.ndarray) -> list[tuple[str, int, float, np.ndarray]]:
    ext = Extremes(_SHOWN, keep_rows=False)
    for b in range(0, len(nearest), 1 << 20):  # in blocks: no index array as long as the values
        rows = np.arange(b, min(b + (1 << 20), len(nearest)))
        ext.offer(nearest[rows], rows, rows, None)
    if not ext.low or ext.low[0][0] == ext.high[0][0]:
        return []
    rows = np.asarray([r for _, _, r, _ in ext.low + ext.high], dtype=np.int64)
    where = train.index[rows]
    fetched = train.source.fetch(where)
    if fetched is None:
        return []  # a stream without random access: the summary still lists them
    return [("train", int(i), float(nearest[r]), x) for i, r, x in zip(where, rows, fetched)]
