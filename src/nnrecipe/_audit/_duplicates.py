"""Exact duplicates: examples whose decoded values are identical, found by hash and verified."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._finding import Finding
from ._hashes import HashTable
from ._scan import Scan

__all__ = ["Copies", "exact_duplicates"]

_VERIFY_MAX = 64  # members of one group compared value by value at most (the rest trust the hash)


def _verified(members: np.ndarray, scans: Sequence[Scan]) -> np.ndarray:
    """The members whose values equal the first member's, where the sources can fetch rows.

    A 128-bit hash collision is beyond unlikely, but a report of different examples as
    identical would be wrong, so rows are compared when that is cheap.
    """
    head = members[:_VERIFY_MAX]
    rows = []
    for m in head:
        s = scans[int(m["split"])]
        got = s.source.fetch(s.index[np.array([m["row"]])])
        if got is None:
            return members
        rows.append(got[0])
    equal = np.asarray([np.array_equal(r, rows[0], equal_nan=False) for r in rows], dtype=bool)
    keep = np.concatenate([equal, np.ones(len(members) - len(head), dtype=bool)])
    return members[keep]


@dataclasses.dataclass
class Copies:
    """Identical rows, so that the neighbour search sees each value once.

    Attributes:
        copy: Per split, ``(rows, originals)``: rows identical to an earlier row of the same
            split (its first occurrence).
        leaked: Per val/test split, rows identical to a training row.
    """

    copy: dict[str, tuple[np.ndarray, np.ndarray]] = dataclasses.field(default_factory=dict)
    leaked: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)

    def skipped(self, name: str, rows: int, *, cross: bool = False) -> np.ndarray:
        """``(rows,)`` bool: left out of a split's own search (copies), and out of its search
        among training rows too when ``cross`` (copies of training rows)."""
        out = np.zeros(rows, dtype=bool)
        if name in self.copy:
            out[self.copy[name][0]] = True
        if cross and name in self.leaked:
            out[self.leaked[name]] = True
        return out


def exact_duplicates(scans: Sequence[Scan], hashes: HashTable, classes: Mapping[str, np.ndarray]) -> tuple[list[Finding], Copies]:
    """Identical examples within each split (``warn``), those with different labels
    (``error``), and val/test examples identical to a train example (``leakage``, ``error``).

    Args:
        scans: The splits in tag order (train first).
        hashes: Hashes of their finite rows.
        classes: Per split, class ids of the rows (-1 unusable; absent unless classification).

    Returns:
        The findings, and the identical rows the neighbour search can skip.
    """
    copies: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
    leaked_rows: dict[str, list[int]] = {}
    dups: list[tuple[str, int]] = []
    groups_out: list[list[list[Any]]] = []
    conflicts: list[tuple[str, int]] = []
    leaked: list[tuple[str, int]] = []
    pairs: list[list[Any]] = []
    for members in hashes.groups():
        members = _verified(members, scans)
        if len(members) < 2:
            continue
        tags = members["split"]
        for tag in np.unique(tags):
            s = scans[int(tag)]
            rows = members["row"][tags == tag]
            if len(rows) < 2:
                continue
            copies.setdefault(s.name, []).append((rows[1:], np.full(len(rows) - 1, rows[0])))
            where = s.index[rows].tolist()
            dups += [(s.name, i) for i in where]
            groups_out.append([[s.name, i] for i in where])
            labels = classes[s.name][rows] if s.name in classes else np.zeros(0)
            if len(np.unique(labels[labels >= 0])) > 1:  # unusable labels are reported elsewhere
                conflicts += [(s.name, i) for i in where]
        if (tags == 0).any() and (tags > 0).any():
            first = int(scans[0].index[np.array([members["row"][tags == 0][0]])][0])
            for m in members[tags > 0]:
                s = scans[int(m["split"])]
                leaked_rows.setdefault(s.name, []).append(int(m["row"]))
                i = int(s.index[np.array([m["row"]])][0])
                leaked.append((s.name, i))
                pairs.append([s.name, i, "train", first])
    findings: list[Finding] = []
    if dups:
        order = sorted(range(len(groups_out)), key=lambda g: (groups_out[g][0][0] != "train", groups_out[g][0][1]))
        groups_out = [groups_out[g] for g in order]
        findings.append(
            Finding(
                "exact_duplicates", "warn",
                f"{len(groups_out)} groups of identical examples ({len(dups)} examples) within a split; "
                "duplicates weigh those examples more and inflate metrics: keep one of each.",
                [tuple(e) for g in groups_out for e in g], {"groups": groups_out},  # type: ignore[misc]
            )
        )
    if conflicts:
        findings.append(
            Finding("conflicting_labels", "error", f"{len(conflicts)} identical examples carry different labels; at most one label can be right.", sorted(conflicts))
        )
    if leaked:
        order = sorted(range(len(leaked)), key=lambda k: (leaked[k][0], leaked[k][1]))
        findings.append(
            Finding(
                "leakage", "error",
                f"{len(leaked)} validation/test examples are exact copies of training examples; their "
                "scores measure memory, not generalisation: remove them from val/test.",
                [leaked[k] for k in order], {"pairs": [pairs[k] for k in order]},
            )
        )
    found = Copies(
        copy={n: (np.concatenate([a for a, _ in c]), np.concatenate([b for _, b in c])) for n, c in copies.items()},
        leaked={n: np.asarray(r, dtype=np.int64) for n, r in leaked_rows.items()},
    )
    return findings, found
