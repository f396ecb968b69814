"""Near duplicates within a split and near copies of training examples in val/test.

Both use the same neighbour index and one threshold calibrated on the training split's
nearest-neighbour distances. Pairs that are exact duplicates are reported elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._finding import Finding
from ._neighbors import Neighbors, calibrated_threshold, query
from ._sections import NeighborSummary
from ._split import LoadedSplit
from ._stats import SplitStats

__all__ = ["near_duplicates"]


def _same(stats: SplitStats, a: np.ndarray, b: np.ndarray, other: SplitStats | None = None) -> np.ndarray:
    hb = (other or stats).hashes[b]
    return (stats.hashes[a] == hb).all(1)


def near_duplicates(
    splits: Mapping[str, LoadedSplit],
    stats: Mapping[str, SplitStats],
    rows: Mapping[str, np.ndarray],
    Z: Mapping[str, np.ndarray],
    graphs: Mapping[str, Neighbors],
) -> tuple[list[Finding], NeighborSummary | None]:
    """Record each example's nearest-neighbour distance and report near copies.

    Adds the ``nn_distance`` statistic to ``stats`` (NaN for non-finite examples).

    Args:
        splits: The loaded splits.
        stats: Their statistics; updated in place.
        rows: Per split, the positions of the finite rows (the rows of ``Z``).
        Z: Per split, the representation of those rows.
        graphs: Per split with enough rows, its neighbours.

    Returns:
        ``near_duplicates`` and ``near_leakage`` findings (``warn``) and the section.
    """
    for n in splits:
        nearest = np.full(len(splits[n]), np.nan)
        if n in graphs:
            nearest[rows[n]] = graphs[n].dist[:, 0]
        stats[n].values["nn_distance"] = nearest
    if "train" not in graphs:
        return [], None
    threshold = calibrated_threshold(graphs["train"].dist[:, 0])
    summary = NeighborSummary(
        threshold=threshold,
        median_nearest=float(np.median(graphs["train"].dist[:, 0])),
        representation_dim=int(Z["train"].shape[1]),
        index=graphs["train"].index.kind,
    )
    findings: list[Finding] = []
    pairs: list[list[Any]] = []
    members: dict[tuple[str, int], float] = {}
    for n, g in graphs.items():
        r = rows[n]
        src, col = np.nonzero(g.dist < threshold)
        dst = g.ids[src, col]
        # Each pair once, whichever side (or both) found it.
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        _, first = np.unique(lo * len(r) + hi, return_index=True)
        lo, hi, d = lo[first], hi[first], g.dist[src[first], col[first]]
        a, b = r[lo], r[hi]
        novel = ~_same(stats[n], a, b)
        index = splits[n].index
        for i, j, dist in zip(a[novel], b[novel], d[novel]):
            pairs.append([n, int(index[i]), n, int(index[j]), float(dist)])
            for key in ((n, int(index[i])), (n, int(index[j]))):
                members[key] = min(members.get(key, np.inf), float(dist))
    if members:
        ranked = sorted(members, key=members.__getitem__)
        findings.append(
            Finding(
                "near_duplicates", "warn",
                f"{len(pairs)} pairs of near-identical examples within a split (closer than "
                f"{threshold:.3g}, calibrated on this data as far below the typical nearest "
                "distance); they may be copies with noise, re-encodings or crops: keep one of each.",
                ranked, {"pairs": pairs, "threshold": threshold},
            )
        )
    leaks: list[tuple[str, int]] = []
    leak_pairs: list[list[Any]] = []
    for n in splits:
        if n == "train" or len(Z[n]) == 0:
            continue
        pos, dist = query(graphs["train"], Z[n])
        close = np.flatnonzero(dist < threshold)
        a, b = rows[n][close], rows["train"][pos[close]]
        novel = ~_same(stats[n], a, b, stats["train"])
        for i, j, d in sorted(zip(a[novel], b[novel], dist[close][novel]), key=lambda t: t[2]):
            leaks.append((n, int(splits[n].index[i])))
            leak_pairs.append([n, int(splits[n].index[i]), "train", int(splits["train"].index[j]), float(d)])
    if leaks:
        findings.append(
            Finding(
                "near_leakage", "warn",
                f"{len(leaks)} validation/test examples are near copies of training examples "
                f"(closer than {threshold:.3g}); they make held-out scores optimistic: check and remove them.",
                leaks, {"pairs": leak_pairs, "threshold": threshold},
            )
        )
    return findings, summary
