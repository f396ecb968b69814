"""Exact duplicates: examples whose decoded values are identical, found by hash and verified."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ._finding import Finding
from ._split import LoadedSplit
from ._stats import SplitStats

__all__ = ["exact_duplicates", "hash_groups"]


def hash_groups(
    hashes: np.ndarray, row: Callable[[int], np.ndarray] | None = None
) -> list[np.ndarray]:
    """Group positions whose 128-bit hashes are equal.

    Args:
        hashes: ``(m, 2)`` uint64 hashes.
        row: Optionally a function from a position to its values; each group is then
            verified value by value, so a hash collision cannot report two different
            examples as duplicates.

    Returns:
        Groups of at least two positions, each sorted, in order of their first position.

    Example:
        >>> h = np.array([[1, 2], [3, 4], [1, 2]], dtype=np.uint64)
        >>> [g.tolist() for g in hash_groups(h)]
        [[0, 2]]
    """
    if len(hashes) < 2:
        return []
    order = np.lexsort((hashes[:, 1], hashes[:, 0]))
    h = hashes[order]
    same = (h[1:] == h[:-1]).all(1)
    # Run boundaries: a new run starts wherever a row differs from the one before it.
    starts = np.flatnonzero(np.concatenate([[True], ~same]))
    ends = np.concatenate([starts[1:], [len(h)]])
    groups: list[np.ndarray] = []
    for a, b in zip(starts[ends - starts >= 2], ends[ends - starts >= 2]):
        members = np.sort(order[a:b])
        if row is not None:
            members = _verified(members, row)
        if len(members) >= 2:
            groups.append(members)
    groups.sort(key=lambda g: int(g[0]))
    return groups


def _verified(members: np.ndarray, row: Callable[[int], np.ndarray]) -> np.ndarray:
    first = row(int(members[0]))
    equal = [np.array_equal(row(int(i)), first) for i in members]
    return members[np.asarray(equal, dtype=bool)]


def exact_duplicates(splits: Mapping[str, LoadedSplit], stats: Mapping[str, SplitStats], classes: Mapping[str, np.ndarray]) -> list[Finding]:
    """Identical examples within each split (``warn``), those with different labels
    (``error``), and val/test examples identical to a train example (``leakage``, ``error``).
    """
    findings: list[Finding] = []
    dups: list[tuple[str, int]] = []
    groups_out: list[list[list[Any]]] = []
    conflicts: list[tuple[str, int]] = []
    for n, s in splits.items():
        ok = np.flatnonzero(stats[n].finite)
        for g in hash_groups(stats[n].hashes[ok], _rows_of(s.X, ok)):
            members = ok[g]
            dups += [(n, int(s.index[r])) for r in members]
            groups_out.append([[n, int(s.index[r])] for r in members])
            labels = classes[n][members] if n in classes else np.zeros(0)
            if len(np.unique(labels[labels >= 0])) > 1:  # unusable labels are reported elsewhere
                conflicts += [(n, int(s.index[r])) for r in members]
    if dups:
        findings.append(
            Finding(
                "exact_duplicates", "warn",
                f"{len(groups_out)} groups of identical examples ({len(dups)} examples) within a split; "
                "duplicates weigh those examples more and inflate metrics: keep one of each.",
                dups, {"groups": groups_out},
            )
        )
    if conflicts:
        findings.append(
            Finding("conflicting_labels", "error", f"{len(conflicts)} identical examples carry different labels; at most one label can be right.", conflicts)
        )
    if len(splits) > 1:
        findings += _exact_leakage(splits, stats)
    return findings


def _exact_leakage(splits: Mapping[str, LoadedSplit], stats: Mapping[str, SplitStats]) -> list[Finding]:
    names = list(splits)
    rows = {n: np.flatnonzero(stats[n].finite) for n in names}
    tags = np.concatenate([np.full(len(rows[n]), k) for k, n in enumerate(names)])
    pos = np.concatenate([rows[n] for n in names])
    hashes = np.concatenate([stats[n].hashes[rows[n]] for n in names])
    leaked: list[tuple[str, int]] = []
    pairs: list[list[Any]] = []
    for g in hash_groups(hashes, lambda r: splits[names[tags[r]]].X[pos[r]]):
        where = tags[g]
        if (where == 0).any() and (where > 0).any():
            first = g[where == 0][0]
            for r in g[where > 0]:
                other = splits[names[tags[r]]]
                leaked.append((other.name, int(other.index[pos[r]])))
                pairs.append([other.name, int(other.index[pos[r]]), "train", int(splits["train"].index[pos[first]])])
    if not leaked:
        return []
    return [
        Finding(
            "leakage", "error",
            f"{len(leaked)} validation/test examples are exact copies of training examples; their "
            "scores measure memory, not generalisation: remove them from val/test.",
            leaked, {"pairs": pairs},
        )
    ]


def _rows_of(X: np.ndarray, positions: np.ndarray) -> Callable[[int], np.ndarray]:
    return lambda r: X[positions[r]]
