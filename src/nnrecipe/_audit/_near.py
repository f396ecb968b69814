"""Near duplicates within a split and near copies of training examples in val/test.

Both compare each example's nearest non-identical neighbour with one threshold calibrated
on the training split's nearest-neighbour distances. Identical copies are exact duplicates,
reported elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._finding import Finding
from ._neighbors import NearestTable
from ._split import RowIndex

__all__ = ["near_duplicates", "near_leakage"]


def near_duplicates(tables: Mapping[str, NearestTable], index: Mapping[str, RowIndex], threshold: float) -> list[Finding]:
    """Pairs of examples of one split closer than ``threshold`` (a ``warn``).

    Args:
        tables: Per split, each row's nearest other row of the same split.
        index: Per split, positions as passed of the usable rows.
        threshold: The calibrated near-duplicate distance.
    """
    pairs: list[list[Any]] = []
    members: dict[tuple[str, int], float] = {}
    for n, t in tables.items():
        close = np.flatnonzero(t.dist < threshold)
        if len(close) == 0:
            continue
        a, b = close, t.row[close].astype(np.int64)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        # Each pair once, whichever side (or both) found it.
        _, first = np.unique(lo * (len(t.dist) + 1) + hi, return_index=True)
        lo, hi, d = lo[first], hi[first], t.dist[close][first]
        ia, ib = index[n][lo], index[n][hi]
        for i, j, dist in zip(ia.tolist(), ib.tolist(), d.tolist()):
            pairs.append([n, i, n, j, dist])
            for key in ((n, i), (n, j)):
                members[key] = min(members.get(key, np.inf), dist)
    if not members:
        return []
    ranked = sorted(members, key=members.__getitem__)
    return [
        Finding(
            "near_duplicates", "warn",
            f"{len(pairs)} pairs of near-identical examples within a split (closer than "
            f"{threshold:.3g}, calibrated on this data as far below the typical nearest "
            "distance); they may be copies with noise, re-encodings or crops: keep one of each.",
            ranked, {"pairs": pairs, "threshold": threshold},
        )
    ]


def near_leakage(
    tables: Mapping[str, NearestTable], index: Mapping[str, RowIndex], train_index: RowIndex, threshold: float
) -> list[Finding]:
    """Val/test examples closer than ``threshold`` to a training example (a ``warn``).

    Args:
        tables: Per held-out split, each row's nearest training row.
        index: Per held-out split, positions as passed of the usable rows.
        train_index: The same for train.
        threshold: The calibrated near-duplicate distance.
    """
    found: list[tuple[float, str, int, int]] = []
    for n, t in tables.items():
        close = np.flatnonzero(t.dist < threshold)
        found += zip(t.dist[close].tolist(), [n] * len(close), index[n][close].tolist(), train_index[t.row[close]].tolist())
    if not found:
        return []
    found.sort()
    return [
        Finding(
            "near_leakage", "warn",
            f"{len(found)} validation/test examples are near copies of training examples "
            f"(closer than {threshold:.3g}); they make held-out scores optimistic: check and remove them.",
            [(n, i) for _, n, i, _ in found],
            {"pairs": [[n, i, "train", j, d] for d, n, i, j in found], "threshold": threshold},
        )
    ]
